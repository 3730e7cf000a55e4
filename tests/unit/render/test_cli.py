"""``digest-desk render`` and ``digest-desk check`` in a real subprocess on a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from digest_desk.store.articles import create_article
from digest_desk.store.media import add_image
from digest_desk.store.site import update_site

SRC = Path(__file__).resolve().parents[3] / "src"


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DIGEST_DESK_DB", None)
    return subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image as PILImage

    buf = BytesIO()
    PILImage.new("RGB", (640, 360), "teal").save(buf, format="PNG")
    return buf.getvalue()


def test_render_both_renditions_from_the_store(store, db_path):
    update_site(store, base_url="https://cli.example.org/", partner_name="Wire")
    add_image(store, _png(), name="pic.png", alt="A teal square")
    create_article(store, title="Hello CLI", slug="hello-cli", summary="S",
                   body="Text.\n\n![Teal](media/pic.png)",
                   links=[{"title": "More", "url": "https://wire.example.com/a", "kind": "read-more"}])
    store.close()
    std = run(db_path, "render", "hello-cli", "--rendition", "standard")
    assert std.returncode == 0, std.stderr
    assert '<link rel="amphtml" href="https://cli.example.org/hello-cli/amp/">' in std.stdout
    amp = run(db_path, "render", "hello-cli", "--rendition", "simplified")
    assert amp.returncode == 0 and "<html ⚡" in amp.stdout
    assert 'width="640" height="360" layout="responsive"' in amp.stdout  # real size from the media store
    assert "Read More On The Topic On Wire" in amp.stdout


def test_render_unknown_slug_is_a_clear_error(store, db_path):
    store.close()
    result = run(db_path, "render", "no-such-story", "--rendition", "simplified")
    assert result.returncode == 2
    assert "no-such-story" in result.stderr and result.stdout == ""


def test_check_exit_status_and_json(store, db_path):
    create_article(store, title="Good one", slug="good", summary="Fine.", body="All fine here.")
    create_article(store, title="Bad one", slug="bad", summary="", body="A [bad](javascript:alert(1)) link.")
    store.close()
    assert run(db_path, "check", "good").returncode == 0
    bad = run(db_path, "check", "bad", "--json")
    assert bad.returncode == 1
    data = json.loads(bad.stdout)
    assert {"slug": "bad", "severity": "error", "code": "editorial.link-bad-scheme", "line": 1} .items() <= {
        k: v for p in data if p["code"] == "editorial.link-bad-scheme" for k, v in p.items()}.items()
    both = run(db_path, "check")
    assert both.returncode == 1 and "bad:1: error:" in both.stdout and "2 articles checked, 1 error." in both.stderr
    assert run(db_path, "check", "missing").returncode == 2
