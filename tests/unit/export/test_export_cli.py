"""``digest-desk export`` as a real subprocess: summary line, incremental runs, plain errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.export_site_fixture import tree

SRC = Path(__file__).resolve().parents[3] / "src"


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)


def test_export_prints_one_summary_line_and_writes_the_site(store, site, db_path, tmp_path):
    out = tmp_path / "out"
    result = _cli(db_path, "export", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Exported 6 articles to") and "1 unpublished" in lines[0]
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    slug = next(iter(site["articles"]))
    assert (out / slug / "amp" / "index.html").is_file()
    before = tree(out)
    again = _cli(db_path, "export", str(out), "--changed")
    assert again.returncode == 0 and "0 files written" in again.stdout
    assert tree(out) == before
    one = _cli(db_path, "export", str(out), "--article", slug)
    assert one.returncode == 0 and "(articles)" in one.stdout


def test_export_errors_are_one_plain_line_with_status_2(store, site, db_path, tmp_path):
    result = _cli(db_path, "export", str(tmp_path / "out"), "--article", "no-such-story")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "digest-desk: No published article has the slug “no-such-story”; only published articles are exported."
    )
    target = tmp_path / "file.txt"
    target.write_text("mine")
    result = _cli(db_path, "export", str(target))
    assert result.returncode == 2 and "is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr and target.read_text() == "mine"


def test_large_removals_need_yes_when_no_one_can_be_asked(store, site, db_path, tmp_path):
    from digest_desk.store.articles import delete_article

    out = tmp_path / "out"
    assert _cli(db_path, "export", str(out)).returncode == 0
    before = tree(out)
    for article in site["articles"].values():
        delete_article(store, article.id)
    refused = _cli(db_path, "export", str(out))
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert tree(out) == before
    allowed = _cli(db_path, "export", str(out), "--yes")
    assert allowed.returncode == 0 and list(out.glob("*/amp/index.html")) == []


def test_a_process_killed_mid_commit_is_rolled_back_on_the_next_start(store, site, db_path, tmp_path):
    from digest_desk.export import recover
    from digest_desk.store.articles import get_by_slug, save_article
    from tests.export_site_fixture import leftovers

    out = tmp_path / "out"
    assert _cli(db_path, "export", str(out)).returncode == 0
    before = tree(out)
    for slug in site["articles"]:
        article = get_by_slug(store, slug)
        article.title += " (corrected)"
        save_article(store, article, reason="edit")
    env_fault = {"DIGEST_DESK_EXPORT_FAULT": "crash-commit:5"}
    crashed = subprocess.run(
        [sys.executable, "-m", "digest_desk", "--db", str(db_path), "export", str(out), "--changed"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(SRC), **env_fault},
    )
    assert crashed.returncode == 70
    assert tree(out) != before  # half committed: some pages moved, the manifest not yet
    assert leftovers(out)
    recover(out)  # what the next start does first
    assert tree(out) == before
    assert leftovers(out) == []
