"""``db copy``: a local file to a team server and back, verified, with byte-identical exports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest_desk.export import export_site
from digest_desk.store import open_store
from digest_desk.store.articles import count_articles, create_article, revisions
from digest_desk.store.copy import CopyError, copy_database
from digest_desk.store.search import search
from tests.export_site_fixture import build_fixture_site, tree

SRC = Path(__file__).resolve().parents[3] / "src"


def _export(target, out: Path) -> dict[str, str]:
    store = open_store(target)
    try:
        export_site(store, out, parallel=False)
    finally:
        store.close()
    return tree(out)


def test_a_file_copied_to_a_server_and_back_exports_byte_identical(tmp_path, pg_url):
    source = tmp_path / "desk.sqlite3"
    store = open_store(source)
    build_fixture_site(store)
    create_article(store, title="Draft « hostile » <script>x</script>", body="'; DROP TABLE article; --")
    store.close()
    original = _export(source, tmp_path / "out-file")

    report = copy_database(source, pg_url)
    assert report.counts["article"] > 3 and report.counts["image"] >= 1
    assert _export(pg_url, tmp_path / "out-server") == original

    back = tmp_path / "back.sqlite3"
    assert copy_database(pg_url, back).hashes == report.hashes
    assert _export(back, tmp_path / "out-back") == original

    server = open_store(pg_url)
    try:  # ids go on after the copied ones; search works on the copy
        new = create_article(server, title="Written on the server")
        assert new.id == report.counts["article"] + 1
        assert [h.title for h in search(server, "hostile")] == ["Draft « hostile » <script>x</script>"]
        assert revisions(server, new.id)
    finally:
        server.close()


def test_a_target_with_content_is_refused_unless_forced(tmp_path, pg_url):
    source = tmp_path / "a.sqlite3"
    s = open_store(source)
    create_article(s, title="From the file")
    s.close()
    server = open_store(pg_url)
    create_article(server, title="Already on the server")
    server.close()
    with pytest.raises(CopyError, match="already holds"):
        copy_database(source, pg_url)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run([sys.executable, "-m", "digest_desk", "db", "copy", str(source), pg_url, "--force"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "verified" in run.stdout
    server = open_store(pg_url)
    try:
        assert count_articles(server) == 1 and search(server, "file")[0].title == "From the file"
    finally:
        server.close()
