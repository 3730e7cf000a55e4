"""Change notifications from a PostgreSQL server: one dedicated LISTEN connection, no Qt.

The database's own triggers (migration 0011) send ids only; a listener hands them out as
``Change`` values and the window re-reads what it shows. Anything sent while the connection is
down is lost, so after ``reconnect()`` a listener's owner refreshes everything it shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from digest_desk.domain import Article, Revision
from digest_desk.store.engine import Store
from digest_desk.store.errors import StoreError

CHANNEL = "digest_desk_changes"  # the triggers of migration 0011 notify here
KINDS = frozenset({"article", "site", "media"})
OPS = frozenset({"insert", "update", "delete", "publish"})


class ListenerLost(StoreError):
    """The listening connection is gone (server restart, network drop); reconnect() next."""


@dataclass(frozen=True, slots=True)
class Change:
    """One changed row as a trigger announced it."""

    kind: str  # "article", "site" or "media"
    id: int
    op: str  # "insert", "update", "delete" or "publish"
    version: int | None = None  # an article's version after the change
    user: str = ""  # the database role that wrote it


def parse(payload: str) -> Change | None:
    """A notification's payload as a Change; None for anything not sent by our triggers."""
    try:
        data: Any = json.loads(payload)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    kind, row_id, op = data.get("t"), data.get("id"), data.get("op")
    version, user = data.get("v"), data.get("u", "")
    if kind not in KINDS or op not in OPS or not _is_int(row_id):
        return None
    if version is not None and not _is_int(version):
        return None
    return Change(kind, row_id, op, version, user if isinstance(user, str) else "")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


Connect = Callable[[], psycopg.Connection]


class Listener:
    """Owns one autocommit connection that LISTENs on CHANNEL.

    ``connect`` makes a fresh psycopg connection (``server_connector(store)`` for a store).
    Watch ``fileno()`` for readability and call ``drain()``; when it raises ListenerLost, call
    ``reconnect()`` (it may block up to the connect timeout, so not on a UI thread).
    """

    def __init__(self, connect: Connect, channel: str = CHANNEL) -> None:
        self._connect, self.channel = connect, channel
        self._conn: psycopg.Connection | None = None

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def reconnect(self) -> None:
        """Drop any old connection, open a new one and LISTEN; raises ListenerLost on failure."""
        self.close()
        try:
            conn = self._connect()
            conn.autocommit = True
            conn.execute(f'LISTEN "{self.channel}"')
        except (psycopg.Error, DBAPIError, OSError) as exc:
            raise ListenerLost(f"Cannot listen for changes: {_reason(exc)}") from None
        self._conn = conn

    def fileno(self) -> int:
        if self._conn is None:
            raise ListenerLost("Not listening.")
        return self._conn.fileno()

    def drain(self) -> list[Change]:
        """Every notification that has arrived (without waiting); bad payloads are skipped."""
        conn = self._conn
        if conn is None:
            raise ListenerLost("Not listening.")
        try:
            payloads = _received(conn)
        except (psycopg.Error, OSError) as exc:
            self.close()
            raise ListenerLost(f"The change feed stopped: {_reason(exc)}") from None
        if conn.closed or conn.broken:
            self.close()
            raise ListenerLost("The change feed stopped: the server closed the connection.")
        return [change for change in map(parse, payloads) if change is not None]

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except (psycopg.Error, OSError):
                pass


def _received(conn: psycopg.Connection) -> list[str]:
    """Read what the socket holds, then take every parsed notification (libpq's own queue)."""
    pgconn = conn.pgconn
    pgconn.consume_input()  # raises when the server has closed the connection
    payloads = []
    while (notify := pgconn.notifies()) is not None:
        payloads.append(notify.extra.decode(conn.info.encoding, errors="replace"))
    return payloads


def _reason(exc: BaseException) -> str:
    """A one-line reason (psycopg messages name the host and port, never the password)."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def server_connector(store: Store) -> Connect:
    """How to open a listening connection to ``store``'s server: a connection from its engine,
    detached from the pool, so it has the same address, credentials, timeouts and keepalives."""
    if not store.is_server:
        raise StoreError("Only a team server sends change notifications.")
    engine = store.engine

    def connect() -> psycopg.Connection:
        raw = engine.raw_connection()
        conn = raw.driver_connection
        raw.detach()  # ours for good: never handed back to the pool
        conn.rollback()  # SQLAlchemy may have begun a transaction (pre-ping)
        return conn

    return connect


def article_state(store: Store, article_id: int) -> tuple[int | None, str]:
    """The stored version of an article (None when it no longer exists) and the display name
    recorded with that version's revision ("" when none was recorded)."""
    with store.read() as session:
        version = session.execute(select(Article.version).where(Article.id == article_id)).scalar()
        if version is None:
            return None, ""
        name = session.execute(
            select(Revision.editor).where(Revision.article_id == article_id, Revision.version == version)
            .order_by(Revision.id.desc()).limit(1)
        ).scalar()
    return version, name or ""
