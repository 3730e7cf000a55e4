"""Edit locks: held by one window, visible to the other, stale after two minutes, taken over on request."""

from __future__ import annotations

import time

from digest_desk.store.articles import create_article
from digest_desk.store.locks import (
    STALE_AFTER,
    LockStatus,
    acquire,
    current_lock,
    heartbeat,
    live_holders,
    release,
    release_all,
    take_over,
)


def test_first_window_gets_the_lock_second_sees_it_held(store):
    article = create_article(store, title="Shared")
    first = acquire(store, article.id, "A", now=1000.0)
    second = acquire(store, article.id, "B", now=1001.0)
    assert first.status is LockStatus.OURS
    assert second.status is LockStatus.HELD and second.holder == "A"
    assert "being edited in another window" in second.describe()
    assert acquire(store, article.id, "A", now=1002.0).ours  # re-acquiring refreshes


def test_lock_goes_stale_without_heartbeat_and_is_taken(store):
    article = create_article(store, title="Shared")
    acquire(store, article.id, "A", now=1000.0)
    assert heartbeat(store, article.id, "A", now=1000.0 + STALE_AFTER - 5)
    assert not acquire(store, article.id, "B", now=1000.0 + STALE_AFTER + 1).ours
    state = acquire(store, article.id, "B", now=1000.0 + 2 * STALE_AFTER)
    assert state.ours and state.replaced == "A"
    # the stale window learns at its next heartbeat that it lost the lock
    assert heartbeat(store, article.id, "A") is False


def test_take_over_a_live_lock(store):
    article = create_article(store, title="Shared")
    acquire(store, article.id, "A")
    state = take_over(store, article.id, "B")
    assert state.ours and state.replaced == "A"
    assert current_lock(store, article.id, "A").status is LockStatus.HELD
    assert not heartbeat(store, article.id, "A")
    assert not release(store, article.id, "A")  # only the holder can release
    assert release(store, article.id, "B")
    assert current_lock(store, article.id) is None


def test_live_holders_and_release_all(store):
    one = create_article(store, title="One")
    two = create_article(store, title="Two")
    acquire(store, one.id, "A")
    acquire(store, two.id, "A")
    acquire(store, two.id, "B")
    assert live_holders(store) == {"A"}
    assert release_all(store, "A") == 2
    assert live_holders(store) == set()


def test_lock_of_a_crashed_process_on_this_computer_is_taken_at_once(store):
    import socket
    import subprocess
    import sys

    article = create_article(store, title="Shared")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with store.write() as session:
        session.connection().exec_driver_sql(
            "INSERT INTO edit_lock (article_id, holder, host, pid, acquired_at, heartbeat_at)"
            " VALUES (?, 'crashed', ?, ?, 0, ?)",
            (article.id, socket.gethostname(), dead.pid, time.time()),
        )
    assert live_holders(store) == set()
    state = acquire(store, article.id, "restarted")
    assert state.ours and state.replaced == "crashed"
