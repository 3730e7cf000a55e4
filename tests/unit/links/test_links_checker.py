"""The link checker against a real HTTP server on 127.0.0.1 started by the test."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from digest_desk.links.checker import check_links, check_url
from digest_desk.links.records import link_state, links_of, store_results
from digest_desk.store.articles import create_article, get_article

SLOW_SECONDS = 3.0


class Handler(BaseHTTPRequestHandler):
    """/ok 200, /r1 -> /r2 -> /ok (301s), /missing 404, /boom 500, /slow sleeps, /nohead 405 on HEAD."""

    def log_message(self, *args):  # keep test output quiet
        pass

    def _answer(self, with_body: bool) -> None:
        path = self.path.split("?")[0]
        self.server.seen.append((self.command, path))
        routes = {"/r1": "/r2", "/r2": "/ok", "/loop": "/loop", "/nowhere": ""}
        if path in routes:
            self.send_response(301 if routes[path] else 302)
            if routes[path]:
                self.send_header("Location", routes[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
        if path == "/nohead" and self.command == "HEAD":
            code = 405
        else:
            code = {"/ok": 200, "/slow": 200, "/nohead": 200, "/boom": 500}.get(path, 404)
        body = b"hello"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_HEAD(self):  # noqa: N802
        self._answer(False)

    def do_GET(self):  # noqa: N802
        self._answer(True)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused_url():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more
    return f"http://127.0.0.1:{port}/"


def test_statuses_redirect_chains_and_failures(server, refused_url):
    httpd, base = server
    urls = [f"{base}/ok", f"{base}/r1", f"{base}/missing", f"{base}/boom", f"{base}/slow", refused_url]
    results = {r.url: r for r in check_links(urls, timeout=1.0, concurrency=4)}
    assert set(results) == set(urls)
    ok = results[f"{base}/ok"]
    assert (ok.status, ok.state, ok.final_url, ok.error) == (200, "ok", f"{base}/ok", "")
    chain = results[f"{base}/r1"]
    assert chain.status == 200 and chain.state == "redirected"
    assert chain.redirects == [(301, f"{base}/r2"), (301, f"{base}/ok")]
    assert chain.final_url == f"{base}/ok"
    assert results[f"{base}/missing"].status == 404 and results[f"{base}/missing"].state == "broken"
    assert results[f"{base}/boom"].status == 500
    slow = results[f"{base}/slow"]
    assert slow.status is None and slow.state == "unreachable" and "no answer within 1 s" in slow.error
    assert slow.elapsed < SLOW_SECONDS
    refused = results[refused_url]
    assert refused.status is None and refused.error == "unreachable: connection refused"
    # A 404 to HEAD is retried with GET before being believed.
    assert ("GET", "/missing") in httpd.seen


def test_head_refused_falls_back_to_get(server):
    httpd, base = server
    result = check_url(f"{base}/nohead", timeout=2)
    assert result.status == 200 and result.ok
    assert httpd.seen == [("HEAD", "/nohead"), ("GET", "/nohead")]


def test_redirect_loops_and_redirects_to_nowhere_are_broken(server):
    _, base = server
    loop = check_url(f"{base}/loop", timeout=2)
    assert loop.state == "broken" and loop.error == "more than 10 redirects"
    assert len(loop.redirects) == 11
    nowhere = check_url(f"{base}/nowhere", timeout=2)
    assert (nowhere.status, nowhere.state, nowhere.error) == (302, "broken", "redirect without a target")


def test_unknown_host_is_unreachable_promptly():
    start = time.monotonic()
    result = check_url("https://no-such-host.invalid/page", timeout=2)
    assert result.state == "unreachable" and result.error.startswith("unreachable: host name")
    assert time.monotonic() - start < 5


def test_each_url_is_checked_once_and_non_http_skipped(server):
    httpd, base = server
    seen = []
    results = check_links(
        [f"{base}/ok", f"{base}/ok", "mailto:desk@example.org", ""],
        progress=lambda done, total, r: seen.append((done, total, r.url)),
    )
    assert [r.url for r in results] == [f"{base}/ok"]
    assert seen == [(1, 1, f"{base}/ok")]
    assert httpd.seen == [("HEAD", "/ok")]


def test_cancel_stops_promptly(server):
    httpd, base = server
    cancel = threading.Event()
    urls = [f"{base}/slow?{i}" for i in range(1, 40)]
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    start = time.monotonic()
    results = check_links(urls, timeout=1.0, concurrency=2, cancel=cancel)
    took = time.monotonic() - start
    timer.cancel()
    # Two in flight when cancelled, each bounded by the 1 s timeout; the other 37 never start.
    assert took < 2.5
    assert len(results) <= 2
    assert len(httpd.seen) <= 4


def test_results_are_stored_on_every_link_with_that_url(store, server):
    _, base = server
    a = create_article(
        store, title="A", links=[
            {"title": "ok", "url": f"{base}/ok"},
            {"title": "gone", "url": f"{base}/missing", "kind": "source"},
        ],
    )
    b = create_article(store, title="B", links=[{"title": "ok", "url": f"{base}/ok"}])
    urls = [link.url for link in links_of(store)]
    assert len(urls) == 3
    updated = store_results(store, check_links(urls, timeout=2))
    assert updated == 3
    a2, b2 = get_article(store, a.id), get_article(store, b.id)
    assert [link.check_status for link in a2.links] == [200, 404]
    assert [link_state(link) for link in a2.links] == ["ok", "broken"]
    assert b2.links[0].checked_at is not None and b2.links[0].check_final_url == f"{base}/ok"
    assert a2.version == a.version  # storing results is not an edit
