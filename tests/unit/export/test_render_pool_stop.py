"""An export whose render workers wait on a team server that went silent: cancelling it, or
ending the program, does not wait for them."""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest_desk.domain import Article, Status
from digest_desk.domain.slugs import slug_key
from digest_desk.export import export_site
from digest_desk.export.errors import ExportCancelled
from digest_desk.export.render_pool import PARALLEL_FROM
from digest_desk.store import open_store
from tests import pg_server
from tests.frozen_program import run_while_frozen

SRC = Path(__file__).resolve().parents[3] / "src"
ARTICLES = PARALLEL_FROM * 3  # rendered by worker processes, in several chunks each


def _server_with_articles(cluster) -> str:
    url = pg_server.create_database(cluster.url)
    store = open_store(url)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with store.write() as session:
        for i in range(ARTICLES):
            slug = f"story-{i}"
            session.add(Article(title=f"Story {i}", slug=slug, slug_key=slug_key(slug), status=Status.PUBLISHED,
                                body=f"The *{i}th* story, with [a link](https://example.org/{i}).\n\n" * 40,
                                published_at=start + timedelta(minutes=i)))
    store.close()
    return url


def test_a_cancelled_export_does_not_wait_for_workers_a_silent_server_holds(own_cluster, tmp_path):
    url = _server_with_articles(own_cluster)
    store = open_store(url)
    cancel, rendering, ended = threading.Event(), threading.Event(), []

    def progress(done: int, total: int) -> None:
        if done > total // 4:  # the workers are on their next chunks
            rendering.set()

    def run() -> None:
        try:
            export_site(store, tmp_path / "site", progress=progress, cancel=cancel, parallel=True)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            ended.append(exc)
        else:
            ended.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert rendering.wait(60)
    rescue = own_cluster.freeze_for_at_most(30)
    try:
        cancel.set()
        started = time.monotonic()
        thread.join(10)
        waited = time.monotonic() - started
    finally:
        rescue.cancel()
        own_cluster.thaw()
    thread.join(30)
    if ended == [None]:
        pytest.skip("the export finished before the server froze")  # a very fast machine
    assert waited < 5, f"the cancelled export waited {waited:.1f} s for its workers"
    assert isinstance(ended[0], ExportCancelled)
    assert not (tmp_path / "site").exists()
    store.close()


# An export in a thread of its own; once its workers render, the test freezes the server and the
# program ends as the window does when an export does not stop in time (render_pool.stop_all).
PROGRAM = r'''
import sys
import threading

from digest_desk.export import export_site
from digest_desk.export.render_pool import stop_all
from digest_desk.store import open_store

url, out, stop = sys.argv[1], sys.argv[2], sys.argv[3] == "stop"
store = open_store(url)
rendering = threading.Event()


def progress(done, total):
    if done > total // 4:
        rendering.set()


threading.Thread(target=export_site, args=(store, out), kwargs={"progress": progress, "parallel": True},
                 daemon=True).start()
rendering.wait(60)
print("rendering", flush=True)
sys.stdin.readline()  # the server is frozen now
if stop:
    stop_all()
print("ending", flush=True)
'''


@pytest.mark.parametrize("stop", [True, False], ids=["stop_all", "without"])
def test_a_program_ending_while_workers_wait_on_a_silent_server_ends(own_cluster, tmp_path, stop):
    """With stop_all the program ends at once; without it Python waits at exit for the workers
    (the control case: it shows the test can see the wait)."""
    url = _server_with_articles(own_cluster)
    ended = run_while_frozen(own_cluster, [sys.executable, "-c", PROGRAM, url, str(tmp_path / "site"),
                                           "stop" if stop else "wait"],
                             ready="rendering", timeout=8, cwd=SRC.parent, env={**os.environ, "PYTHONPATH": str(SRC)})
    if stop:
        assert ended.seconds is not None and ended.seconds < 5, "the program waited for the export's workers"
    else:
        assert ended.seconds is None, "the program ended without waiting: this test cannot see the wait"
