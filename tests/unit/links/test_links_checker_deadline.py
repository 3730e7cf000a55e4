"""A slow server cannot stretch a link check: a wall-clock deadline per URL and per run."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from digest_desk.links.checker import URL_BUDGET, check_links, check_url

MARGIN = 1.5  # seconds of slack for a loaded test machine


@pytest.fixture
def dripping_server():
    """A server on 127.0.0.1 that answers one byte per second, for ever (until the test ends)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    accepted: list[int] = []

    def drip(conn: socket.socket) -> None:
        answer = b"HTTP/1.1 200 OK\r\nX-Drip: " + b"a" * 10_000
        with conn:
            for byte in answer:
                if stop.wait(1.0):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(1)
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    stop.set()
    thread.join(2)
    listener.close()


def test_a_dripping_server_cannot_stretch_one_check(dripping_server):
    url, accepted = dripping_server
    started = time.monotonic()
    # Each read gets a byte within its 2 s timeout, so only the total deadline can end this.
    result = check_url(url + "/page", timeout=2.0)
    elapsed = time.monotonic() - started
    assert accepted  # the server was really reached and kept dripping
    assert 2.0 * URL_BUDGET - 0.1 < elapsed < 2.0 * URL_BUDGET + MARGIN
    assert result.status is None and result.state == "unreachable"
    assert "no final answer within 6 s" in result.error


def test_a_run_ends_at_its_deadline(dripping_server):
    url, _accepted = dripping_server
    urls = [f"{url}/{n}" for n in range(6)]
    started = time.monotonic()
    results = check_links(urls, timeout=5.0, concurrency=2, run_budget=2.0)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0 + MARGIN
    # The two running checks were stopped and say so; the four never started are not reported.
    assert len(results) == 2
    assert all(r.state == "unreachable" and "within" in r.error for r in results)
