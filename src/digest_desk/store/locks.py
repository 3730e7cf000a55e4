"""Edit locks: one window edits an article at a time, kept alive by a heartbeat judged by the
database's own clock (never a workstation's), taken in one atomic statement."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from digest_desk.store.engine import Store
from digest_desk.store.errors import StoreError

STALE_AFTER = 120.0  # seconds without a heartbeat before a lock counts as abandoned
HEARTBEAT_EVERY = 10.0  # how often a window should call heartbeat() (a lost lock shows by then)

# The database's clock in unix seconds: every heartbeat is written and judged by it, so a
# workstation whose clock is wrong neither steals a live lock nor loses its own.
_NOW = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS double precision)",
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
}
_COLUMNS = "article_id, holder, editor, host, pid, heartbeat_at, taken_from"


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
    heartbeat_at: float  # unix seconds by the database's clock
    replaced: str | None = None  # the holder we took the lock from, if any
    editor: str = ""  # the holder's display name ("" when the window gave none)
    age: float = 0.0  # seconds since the last heartbeat, by the database's clock

    @property
    def ours(self) -> bool:
        return self.status is LockStatus.OURS

    def who(self) -> str:
        """The holder as a person reads it: the display name, else where the window runs."""
        if self.editor:
            return self.editor
        if self.host == socket.gethostname():
            return "Another window on this computer"
        return f"A window on {self.host}"

    def describe(self) -> str:
        """A sentence for the window: who edits the article and since when."""
        if self.ours:
            return "You are editing this article."
        where = "another window on this computer" if self.host == socket.gethostname() \
            else f"a window on {self.host}"
        name = f"{self.editor} is editing this article" if self.editor \
            else "This article is being edited"
        return f"{name} in {where} (process {self.pid}, last active {int(self.age)} s ago)."


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


def now_sql(session: Session) -> str:
    """The SQL expression for the database's current time in unix seconds."""
    return _NOW[session.get_bind().dialect.name]


def _params(article_id: int, holder: str, editor: str) -> dict[str, Any]:
    return {"aid": article_id, "holder": holder, "editor": editor, "host": socket.gethostname(),
            "pid": os.getpid()}


def _upsert(session: Session, guard: str) -> str:
    """INSERT … ON CONFLICT … DO UPDATE [WHERE guard] RETURNING: take the lock in one statement."""
    now = now_sql(session)
    return (
        "INSERT INTO edit_lock (article_id, holder, editor, host, pid, acquired_at, heartbeat_at)"
        f" VALUES (:aid, :holder, :editor, :host, :pid, {now}, {now})"
        " ON CONFLICT (article_id) DO UPDATE SET holder = excluded.holder,"
        " editor = excluded.editor, host = excluded.host, pid = excluded.pid,"
        " acquired_at = CASE WHEN edit_lock.holder = excluded.holder"
        " THEN edit_lock.acquired_at ELSE excluded.acquired_at END,"
        " heartbeat_at = excluded.heartbeat_at,"
        " taken_from = CASE WHEN edit_lock.holder = excluded.holder THEN NULL"
        " ELSE edit_lock.holder END"
        f"{guard} RETURNING {_COLUMNS}"
    )


def _state(row, holder: str | None, age: float = 0.0) -> LockState:
    status = LockStatus.OURS if row.holder == holder else LockStatus.HELD
    return LockState(status, row.article_id, row.holder, row.host, row.pid, row.heartbeat_at,
                     row.taken_from if status is LockStatus.OURS else None, row.editor or "",
                     max(0.0, age))


def _read(session: Session, article_id: int):
    """The lock row with its age and staleness judged by the database clock (or None)."""
    return session.execute(text(
        f"SELECT {_COLUMNS}, {now_sql(session)} - heartbeat_at AS age"
        " FROM edit_lock WHERE article_id = :aid"), {"aid": article_id}).first()


def _replace_dead(session: Session, row, holder: str, editor: str):
    """Take the lock of a crashed process on this computer: a compare-and-swap on that very
    holder and process, so a window that got there first keeps it."""
    now = now_sql(session)
    return session.execute(text(
        f"UPDATE edit_lock SET holder = :holder, editor = :editor, host = :host, pid = :pid,"
        f" acquired_at = {now}, heartbeat_at = {now}, taken_from = holder"
        " WHERE article_id = :aid AND holder = :old AND host = :oldhost AND pid = :oldpid"
        f" RETURNING {_COLUMNS}"
    ), {**_params(row.article_id, holder, editor), "old": row.holder, "oldhost": row.host,
        "oldpid": row.pid}).first()


def acquire(store: Store, article_id: int, holder: str, *, editor: str = "",
            stale_after: float = STALE_AFTER) -> LockState:
    """Take the article's edit lock unless another live window holds it.

    One statement takes a free lock, refreshes our own, or takes one whose heartbeat is older
    than ``stale_after`` by the database clock; no read decides the write. A lock whose process
    on this computer is gone is taken over too (its window crashed; the version check still
    stops a hung window from overwriting newer text).
    """
    with store.write() as session:
        guard = (" WHERE edit_lock.holder = excluded.holder"
                 f" OR edit_lock.heartbeat_at < {now_sql(session)} - :stale")
        params = {**_params(article_id, holder, editor), "stale": stale_after}
        for _attempt in range(3):  # a lock released between the two statements: try again
            row = session.execute(text(_upsert(session, guard)), params).first()
            if row is not None:
                return _state(row, holder)
            held = _read(session, article_id)
            if held is None:
                continue
            if process_gone(held.host, held.pid):
                row = _replace_dead(session, held, holder, editor)
                if row is not None:
                    return _state(row, holder)
                held = _read(session, article_id) or held
            return _state(held, holder, held.age)
    raise StoreError(f"Cannot take the edit lock of article {article_id}: it keeps changing hands.")


def take_over(store: Store, article_id: int, holder: str, *, editor: str = "") -> LockState:
    """Take the lock from whoever holds it (the editor chose "Take over").

    Taking it from another window also moves the article's version on (its text unchanged), in
    the same transaction: that window's next save, made from the text it had, fails the version
    check instead of overwriting what the new holder writes, and tells it the lock is gone.
    """
    with store.write() as session:
        row = session.execute(text(_upsert(session, "")),
                              _params(article_id, holder, editor)).first()
        if row.taken_from is not None:
            session.execute(text("UPDATE article SET version = version + 1 WHERE id = :aid"),
                            {"aid": article_id})
    return _state(row, holder)


def heartbeat(store: Store, article_id: int, holder: str) -> bool:
    """Keep our lock alive; False means someone took it over (we no longer hold it)."""
    with store.write() as session:
        result = session.execute(text(
            f"UPDATE edit_lock SET heartbeat_at = {now_sql(session)}"
            " WHERE article_id = :aid AND holder = :holder"
        ), {"aid": article_id, "holder": holder})
        return result.rowcount == 1


def holds(store: Store, article_id: int, holder: str) -> bool:
    """Whether ``holder`` still holds the article's lock (a save asks before writing)."""
    with store.read() as session:
        return session.execute(text(
            "SELECT 1 FROM edit_lock WHERE article_id = :aid AND holder = :holder"
        ), {"aid": article_id, "holder": holder}).first() is not None


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
                 stale_after: float = STALE_AFTER) -> LockState | None:
    """The live lock on an article (None when free or stale), seen from ``holder``."""
    with store.read() as session:
        row = _read(session, article_id)
    if row is None or row.age >= stale_after or process_gone(row.host, row.pid):
        return None
    return _state(row, holder, row.age)


def _live_rows(session: Session, stale_after: float, ids: Iterable[int] | None = None) -> list:
    sql = (f"SELECT {_COLUMNS}, {now_sql(session)} - heartbeat_at AS age FROM edit_lock"
           f" WHERE heartbeat_at > {now_sql(session)} - :stale")
    params: dict[str, Any] = {"stale": stale_after}
    if ids is not None:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return []
        sql += f" AND article_id IN ({', '.join(str(i) for i in wanted)})"
    rows = session.execute(text(sql), params).all()
    return [r for r in rows if not process_gone(r.host, r.pid)]


def held_by_others(session: Session, ids: Iterable[int] | None, holder: str | None, *,
                   stale_after: float = STALE_AFTER) -> dict[int, LockState]:
    """Live locks of other windows, by article id (of ``ids``, or of every article when None),
    inside the caller's session."""
    return {r.article_id: _state(r, holder, r.age) for r in _live_rows(session, stale_after, ids)
            if r.holder != holder}


def locks_by_others(store: Store, holder: str | None, ids: Iterable[int] | None = None, *,
                    stale_after: float = STALE_AFTER) -> dict[int, LockState]:
    """Who else is editing what: live locks of other windows by article id (the list shows them)."""
    with store.read() as session:
        return held_by_others(session, ids, holder, stale_after=stale_after)


def live_holders(store: Store, *, stale_after: float = STALE_AFTER,
                 exclude: str | None = None) -> set[str]:
    """Holders with a fresh heartbeat: the windows currently editing in this database."""
    with store.read() as session:
        rows = _live_rows(session, stale_after)
    return {r.holder for r in rows if r.holder != exclude}
