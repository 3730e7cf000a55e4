"""Edit locks: one window edits an article at a time, kept alive by a heartbeat, stale after 2 minutes."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import text
from sqlalchemy.orm import Session

from digest_desk.store.engine import Store

STALE_AFTER = 120.0  # seconds without a heartbeat before a lock counts as abandoned
HEARTBEAT_EVERY = 20.0  # how often a window should call heartbeat()


class LockStatus(StrEnum):
    OURS = "ours"  # we hold the lock (just taken, refreshed, or taken over from a stale holder)
    HELD = "held"  # another live window holds it


@dataclass(frozen=True, slots=True)
class LockState:
    """Who holds an article's edit lock, as seen by ``holder``."""

    status: LockStatus
    article_id: int
    holder: str
    host: str
    pid: int
    heartbeat_at: float
    replaced: str | None = None  # the stale holder we took over from, if any

    @property
    def ours(self) -> bool:
        return self.status is LockStatus.OURS

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.heartbeat_at

    def describe(self) -> str:
        """A sentence for the window: who edits the article and since when."""
        if self.ours:
            return "You are editing this article."
        where = "another window on this computer" if self.host == socket.gethostname() \
            else f"a window on {self.host}"
        return (f"This article is being edited in {where} (process {self.pid}, "
                f"last active {int(self.age())} s ago).")


def process_gone(host: str, pid: int) -> bool:
    """True when the lock's process ran on this computer and no longer exists (it crashed)."""
    if host != socket.gethostname() or os.name != "posix" or pid <= 0:
        return False  # another computer, or no safe probe: wait for the heartbeat to go stale
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _abandoned(row, now: float, stale_after: float) -> bool:
    return now - row.heartbeat_at >= stale_after or process_gone(row.host, row.pid)


def _row(session: Session, article_id: int):
    return session.execute(text(
        "SELECT holder, host, pid, heartbeat_at FROM edit_lock WHERE article_id = :aid"
    ), {"aid": article_id}).first()


def _claim(session: Session, article_id: int, holder: str, now: float) -> None:
    session.execute(text(
        "INSERT INTO edit_lock (article_id, holder, host, pid, acquired_at, heartbeat_at)"
        " VALUES (:aid, :holder, :host, :pid, :now, :now)"
        " ON CONFLICT(article_id) DO UPDATE SET holder = :holder, host = :host, pid = :pid,"
        " acquired_at = CASE WHEN edit_lock.holder = :holder THEN edit_lock.acquired_at ELSE :now END,"
        " heartbeat_at = :now"
    ), {"aid": article_id, "holder": holder, "host": socket.gethostname(), "pid": os.getpid(),
        "now": now})


def _ours(article_id: int, holder: str, now: float, replaced: str | None = None) -> LockState:
    return LockState(LockStatus.OURS, article_id, holder, socket.gethostname(), os.getpid(), now,
                     replaced)


def acquire(store: Store, article_id: int, holder: str, *, stale_after: float = STALE_AFTER,
            now: float | None = None) -> LockState:
    """Take the article's edit lock unless another live window holds it.

    A lock whose heartbeat is older than ``stale_after``, or whose process on this computer is
    gone, is taken over silently (its window crashed or hangs; the version check still stops
    that window overwriting newer text).
    """
    now = time.time() if now is None else now
    with store.write() as session:
        row = _row(session, article_id)
        if row is not None and row.holder != holder and not _abandoned(row, now, stale_after):
            return LockState(LockStatus.HELD, article_id, row.holder, row.host, row.pid,
                             row.heartbeat_at)
        _claim(session, article_id, holder, now)
    replaced = row.holder if row is not None and row.holder != holder else None
    return _ours(article_id, holder, now, replaced)


def take_over(store: Store, article_id: int, holder: str, *, now: float | None = None) -> LockState:
    """Take the lock from whoever holds it (the editor chose "take over")."""
    now = time.time() if now is None else now
    with store.write() as session:
        row = _row(session, article_id)
        _claim(session, article_id, holder, now)
    replaced = row.holder if row is not None and row.holder != holder else None
    return _ours(article_id, holder, now, replaced)


def heartbeat(store: Store, article_id: int, holder: str, *, now: float | None = None) -> bool:
    """Keep our lock alive; False means someone took it over (we no longer hold it)."""
    now = time.time() if now is None else now
    with store.write() as session:
        result = session.execute(text(
            "UPDATE edit_lock SET heartbeat_at = :now WHERE article_id = :aid AND holder = :holder"
        ), {"now": now, "aid": article_id, "holder": holder})
        return result.rowcount == 1


def release(store: Store, article_id: int, holder: str) -> bool:
    """Give the lock up (closing the article); only the holder can."""
    with store.write() as session:
        result = session.execute(text(
            "DELETE FROM edit_lock WHERE article_id = :aid AND holder = :holder"
        ), {"aid": article_id, "holder": holder})
        return result.rowcount == 1


def release_all(store: Store, holder: str) -> int:
    """Give up every lock of a window (on close)."""
    with store.write() as session:
        result = session.execute(text("DELETE FROM edit_lock WHERE holder = :holder"),
                                 {"holder": holder})
        return result.rowcount


def current_lock(store: Store, article_id: int, holder: str | None = None, *,
                 stale_after: float = STALE_AFTER, now: float | None = None) -> LockState | None:
    """The live lock on an article (None when free or stale), seen from ``holder``."""
    now = time.time() if now is None else now
    with store.read() as session:
        row = _row(session, article_id)
    if row is None or _abandoned(row, now, stale_after):
        return None
    status = LockStatus.OURS if row.holder == holder else LockStatus.HELD
    return LockState(status, article_id, row.holder, row.host, row.pid, row.heartbeat_at)


def live_holders(store: Store, *, stale_after: float = STALE_AFTER, exclude: str | None = None,
                 now: float | None = None) -> set[str]:
    """Holders with a fresh heartbeat: the windows currently editing in this database."""
    now = time.time() if now is None else now
    with store.read() as session:
        rows = session.execute(text("SELECT holder, host, pid, heartbeat_at FROM edit_lock")).all()
    return {r.holder for r in rows if not _abandoned(r, now, stale_after) and r.holder != exclude}
