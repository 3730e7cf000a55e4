"""Edit locks: held by one window, visible to the other, stale after two minutes by the database
clock, taken atomically (racing processes end with one holder), taken over on request."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from digest_desk.store.articles import create_article
from digest_desk.store.locks import (
    STALE_AFTER,
    LockStatus,
    acquire,
    current_lock,
    heartbeat,
    holds,
    live_holders,
    locks_by_others,
    now_sql,
    release,
    release_all,
    take_over,
)

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL
RACER = Path(__file__).with_name("lock_racer.py")


def _age_lock(store, article_id: int, seconds: float) -> None:
    """Move the lock's last heartbeat ``seconds`` into the past (a window that stopped beating)."""
    with store.write() as session:
        session.execute(text("UPDATE edit_lock SET heartbeat_at = heartbeat_at - :s"
                             " WHERE article_id = :aid"), {"s": seconds, "aid": article_id})


def _db_clock(store) -> float:
    with store.read() as session:
        return float(session.execute(text(f"SELECT {now_sql(session)}")).scalar())


def test_first_window_gets_the_lock_second_sees_it_held(store):
    article = create_article(store, title="Shared")
    first = acquire(store, article.id, "A", editor="Ana Lima")
    second = acquire(store, article.id, "B", editor="Ben")
    assert first.status is LockStatus.OURS and first.replaced is None
    assert second.status is LockStatus.HELD and second.holder == "A"
    assert second.editor == "Ana Lima" and second.who() == "Ana Lima"
    assert "Ana Lima is editing this article in another window" in second.describe()
    assert acquire(store, article.id, "A", editor="Ana Lima").ours  # re-acquiring refreshes
    assert holds(store, article.id, "A") and not holds(store, article.id, "B")


def test_lock_goes_stale_without_heartbeat_and_is_taken(store):
    article = create_article(store, title="Shared")
    acquire(store, article.id, "A")
    _age_lock(store, article.id, STALE_AFTER - 5)
    assert heartbeat(store, article.id, "A")  # a beat in time keeps it
    _age_lock(store, article.id, STALE_AFTER - 5)
    assert not acquire(store, article.id, "B").ours
    _age_lock(store, article.id, 10)  # now older than STALE_AFTER by the database clock
    assert current_lock(store, article.id, "B") is None
    state = acquire(store, article.id, "B")
    assert state.ours and state.replaced == "A"
    # the stale window learns at its next heartbeat that it lost the lock
    assert heartbeat(store, article.id, "A") is False


def test_take_over_a_live_lock(store):
    article = create_article(store, title="Shared")
    acquire(store, article.id, "A", editor="Ana")
    state = take_over(store, article.id, "B", editor="Ben")
    assert state.ours and state.replaced == "A"
    seen = current_lock(store, article.id, "A")
    assert seen.status is LockStatus.HELD and seen.editor == "Ben"
    assert not heartbeat(store, article.id, "A")
    assert not release(store, article.id, "A")  # only the holder can release
    assert release(store, article.id, "B")
    assert current_lock(store, article.id) is None


def test_live_holders_locks_by_others_and_release_all(store):
    one = create_article(store, title="One")
    two = create_article(store, title="Two")
    acquire(store, one.id, "A", editor="Ana")
    acquire(store, two.id, "A", editor="Ana")
    acquire(store, two.id, "B")
    assert live_holders(store) == {"A"}
    others = locks_by_others(store, "B")
    assert set(others) == {one.id, two.id} and others[one.id].editor == "Ana"
    assert locks_by_others(store, "A") == {}
    assert set(locks_by_others(store, "B", [two.id])) == {two.id}
    _age_lock(store, one.id, STALE_AFTER + 1)
    assert set(locks_by_others(store, "B")) == {two.id}  # a stale lock edits nothing
    assert release_all(store, "A") == 2
    assert live_holders(store) == set()


def test_lock_of_a_crashed_process_on_this_computer_is_taken_at_once(store):
    article = create_article(store, title="Shared")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with store.write() as session:
        session.execute(text(
            "INSERT INTO edit_lock (article_id, holder, host, pid, acquired_at, heartbeat_at)"
            f" VALUES (:aid, 'crashed', :host, :pid, 0, {now_sql(session)})"
        ), {"aid": article.id, "host": socket.gethostname(), "pid": dead.pid})
    assert live_holders(store) == set()
    state = acquire(store, article.id, "restarted")
    assert state.ours and state.replaced == "crashed"


@pytest.mark.parametrize("skew", [-3600.0, 3600.0])
def test_a_workstation_clock_that_is_off_neither_steals_nor_loses_locks(store, monkeypatch, skew):
    """Only the database's clock counts: a workstation an hour ahead (or behind) sees a live lock
    as live, and its own heartbeats keep its lock."""
    article = create_article(store, title="Shared")
    assert acquire(store, article.id, "A").ours
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + skew)  # this workstation's clock is off
    assert not acquire(store, article.id, "B").ours  # not stolen by a clock an hour ahead
    assert current_lock(store, article.id, "B").age < 60
    assert heartbeat(store, article.id, "A")  # an hour behind still keeps it
    assert live_holders(store) == {"A"}
    monkeypatch.setattr(time, "time", real)
    with store.read() as session:
        beat = session.execute(text("SELECT heartbeat_at FROM edit_lock")).scalar()
    assert abs(beat - _db_clock(store)) < 60  # written by the database clock, not the skewed one


def test_racing_processes_end_with_exactly_one_holder(store, db_path):
    """Four processes race for the same twenty locks at the same moment: each lock has one winner."""
    ids = [create_article(store, title=f"Race {n}").id for n in range(20)]
    start_at = time.time() + 3.0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    racers = [subprocess.Popen([sys.executable, str(RACER), str(db_path), f"racer{n}",
                                str(start_at), *map(str, ids)], env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
              for n in range(4)]
    outputs = []
    try:
        for racer in racers:
            lines = []
            while (line := racer.stdout.readline().strip()) not in ("done", ""):
                lines.append(line)
            assert line == "done", racer.stderr.read()
            outputs.append(dict(line.split() for line in lines))
    finally:
        for racer in racers:
            racer.communicate("", timeout=60)
    for article_id in ids:
        winners = [n for n, out in enumerate(outputs) if out[str(article_id)] == "ours"]
        assert len(winners) == 1, (article_id, outputs)
    with store.read() as session:
        rows = dict(session.execute(text("SELECT article_id, holder FROM edit_lock")).all())
    assert rows == {i: f"racer{next(n for n, o in enumerate(outputs) if o[str(i)] == 'ours')}"
                    for i in ids}
