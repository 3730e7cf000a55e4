"""``digest-desk links`` and ``site footer`` run as real subprocesses on a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, delete_article, get_article
from digest_desk.store.site import get_site

SRC = str(Path(__file__).resolve().parents[3] / "src")


def run(db, *args):
    env = dict(os.environ, PYTHONPATH=SRC)
    env.pop("DIGEST_DESK_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "digest_desk", "--db", str(db), *args],
        capture_output=True, text=True, env=env, timeout=60,
    )


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):  # noqa: N802
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD  # noqa: N815


@pytest.fixture
def base():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_links_list_shows_kinds_targets_and_punycode(store, db_path):
    target = create_article(store, title="Earlier story")
    create_article(
        store, title="Main", slug="main", links=[
            {"title": "Bücher", "url": "https://bücher.example/", "kind": "source"},
            {"title": "Earlier", "url": "", "kind": "related", "target_article_id": target.id},
        ],
    )
    out = run(db_path, "links", "list", "main")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "source" in lines[0] and "[xn--bcher-kva.example]" in lines[0]
    assert "→ article earlier-story" in lines[1]
    data = json.loads(run(db_path, "links", "list", "main", "--json").stdout)
    assert [row["state"] for row in data] == ["unchecked", "unchecked"]
    assert data[1]["target_slug"] == "earlier-story"


def test_links_check_stores_results_and_fails_on_broken(store, db_path, base):
    gone = create_article(store, title="Gone")
    a = create_article(
        store, title="Checked", slug="checked", links=[
            {"title": "ok", "url": f"{base}/ok"},
            {"title": "missing", "url": f"{base}/missing"},
            {"title": "mail", "url": "mailto:desk@example.org", "kind": "source"},
            {"title": "deleted", "url": "", "kind": "related", "target_article_id": gone.id},
        ],
    )
    create_article(store, title="Fine", slug="fine", links=[{"title": "ok", "url": f"{base}/ok"}])
    assert run(db_path, "links", "check", "fine").returncode == 0
    out = run(db_path, "links", "check", "checked", "--json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert [row["state"] for row in report] == ["ok", "broken", "skipped", "ok"]
    assert report[1]["status"] == 404
    stored = get_article(store, a.id)
    assert [link.check_status for link in stored.links[:2]] == [200, 404]
    delete_article(store, gone.id)
    out = run(db_path, "links", "check")
    assert out.returncode == 1
    assert "missing" in out.stdout and "no longer exists" in out.stdout


def test_links_unknown_slug_is_a_clear_error(db_path):
    out = run(db_path, "links", "check", "nope")
    assert out.returncode == 2 and "No article with slug “nope”" in out.stderr


def test_unreachable_links_report_promptly(store, db_path):
    create_article(store, title="Offline", slug="offline", links=[
        {"title": "x", "url": "https://no-such-host.invalid/"}])
    out = run(db_path, "links", "check", "offline", "--timeout", "2")
    assert out.returncode == 1
    assert "unreachable" in out.stdout


def test_site_footer_commands(store, db_path):
    store.close()
    out = run(db_path, "site", "footer", "list")
    assert out.stdout.splitlines() == ["1. See More Digest  /", "2. Contact Us  /contact/", "3. About Us  /about/"]
    assert run(db_path, "site", "footer", "add", "Partner", "https://partner.example/").returncode == 0
    assert run(db_path, "site", "footer", "move", "4", "1").returncode == 0
    assert run(db_path, "site", "footer", "remove", "3").returncode == 0
    again = open_store(db_path)
    assert [x["title"] for x in get_site(again).footer_links] == ["Partner", "See More Digest", "About Us"]
    again.close()
    bad = run(db_path, "site", "footer", "add", "Evil", "javascript:alert(1)")
    assert bad.returncode == 2 and "not allowed" in bad.stderr
    bad = run(db_path, "site", "footer", "remove", "9")
    assert bad.returncode == 2 and "no footer link number 9" in bad.stderr
    assert json.loads(run(db_path, "site", "footer", "list", "--json").stdout)[0]["title"] == "Partner"
    # The existing site commands still work beside the footer ones.
    assert run(db_path, "site", "show").returncode == 0
