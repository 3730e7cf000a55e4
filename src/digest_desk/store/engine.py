"""Opening a database: file checks, SQLite pragmas, migrations and read/write sessions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

from digest_desk.store.errors import (
    CorruptDatabaseError,
    NotADatabaseError,
    StoreError,
)
from digest_desk.store.private import new_private_file, parent_folder

APPLICATION_ID = 0x44475344  # "DGSD": marks a file as a Digest Desk database
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000
FULL_CHECK_BYTES = 128 * 1024 * 1024  # files up to this size get a full quick_check on open


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" event decide how transactions start.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _on_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        poolclass=QueuePool,  # reuse connections: connecting and its pragmas cost ~2 ms
        pool_size=4,
        max_overflow=8,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _readonly_uri(path: Path) -> str:
    """A URI that reads ``path`` without leaving anything behind.

    Without a ``-wal`` file no other connection is open, so the file is read as immutable
    (a plain read-only open of a WAL database would create ``-wal``/``-shm`` files).
    """
    base = path.resolve().as_uri()
    if Path(f"{path}-wal").exists():
        return f"{base}?mode=ro"
    return f"{base}?mode=ro&immutable=1"


def _check_structure(path: Path, con: sqlite3.Connection, size: int, tables: set[str]) -> None:
    """Look for damage: every page up to FULL_CHECK_BYTES, beyond that each table's edges.

    A full check reads the whole file (about a second at 500 MB); on large files the
    root and last pages of every table are read instead, and SQLite reports any damage
    it meets later as an error on that operation.
    """
    if size <= FULL_CHECK_BYTES:
        check = [r[0] for r in con.execute("PRAGMA quick_check(5)")]
        if check != ["ok"]:
            raise CorruptDatabaseError(path, "it is damaged (" + "; ".join(check)[:300] + ").")
        return
    rows = con.execute("SELECT name, upper(sql) FROM sqlite_master WHERE type = 'table'")
    for name, sql in rows.fetchall():
        if name.startswith("sqlite_") or "VIRTUAL TABLE" in (sql or ""):
            continue
        con.execute(f'SELECT * FROM "{name}" LIMIT 1').fetchall()
        if "WITHOUT ROWID" not in (sql or ""):
            con.execute(f'SELECT * FROM "{name}" ORDER BY rowid DESC LIMIT 1').fetchall()


def inspect_file(path: Path) -> dict[str, object]:
    """Look at an existing file without writing to it.

    Returns ``{"application_id", "tables", "revision"}`` or raises a DatabaseOpenError.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotADatabaseError(path, f"the file cannot be read ({exc.strerror}).") from exc
    if size == 0:
        raise NotADatabaseError(path, "the file is empty, so it is not a Digest Desk database.")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise NotADatabaseError(path, f"the file cannot be read ({exc.strerror}).") from exc
    if not header.startswith(SQLITE_HEADER):
        raise NotADatabaseError(path, "it is not a SQLite database (wrong file header).")
    if len(header) < 100:
        raise CorruptDatabaseError(path, "the file is truncated (shorter than a database header).")
    uri = _readonly_uri(path)
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(path, f"SQLite cannot open it ({exc}).") from exc
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        _check_structure(path, con, size, tables)
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(path, f"it is damaged or not a database ({exc}).") from exc
    finally:
        con.close()
    if app_id != APPLICATION_ID:
        what = "it holds no tables" if not tables else "it belongs to another program"
        raise NotADatabaseError(path, f"it is a SQLite file but not a Digest Desk database ({what}).")
    return {"application_id": app_id, "tables": tables, "revision": revision}


class Store:
    """An open Digest Desk database: hands out read and write sessions."""

    def __init__(self, path: Path, engine: Engine, *, created: bool) -> None:
        self.path = path
        self.engine = engine
        self.created = created
        self._read_engine = engine.execution_options(sqlite_begin="DEFERRED")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (deferred transaction: never blocks writers in WAL mode)."""
        with Session(self._read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A plain connection for fast read-only SQL (a deferred transaction, rolled back)."""
        with self._read_engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction starts with BEGIN IMMEDIATE and commits on success."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """Open (or create) the database at ``path``, migrating it to the current schema.

    A file that is not a Digest Desk database, is damaged, or comes from a newer
    Digest Desk raises a StoreError subclass and is left untouched.
    """
    from digest_desk.store import migrations  # local: alembic is only needed when opening

    path = Path(path)
    created = not path.exists()
    if created:
        if not create:
            raise StoreError(f"No database at {path}.")
        parent_folder(path)
        new_private_file(path)  # SQLite gives its WAL and SHM files the database's mode
    else:
        info = inspect_file(path)
        migrations.refuse_newer(path, info["revision"])
        if info["revision"] != migrations.head():
            from digest_desk.store.backup import make_backup

            make_backup(path, f"before-{migrations.head()}")
    engine = make_engine(path)
    try:
        migrations.upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    return Store(path, engine, created=created)
