"""Opening a database for the window: writable, read-only (editing disabled) or refused with backups."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from digest_desk.store.backup import BackupInfo, backup_infos
from digest_desk.store.engine import BUSY_TIMEOUT_MS, Store, inspect_file, is_url, open_store, shown
from digest_desk.store.errors import DatabaseOpenError, ReadOnlyDatabaseError, StoreError
from digest_desk.store.rescue import plain_message


class ReadOnlyStore(Store):
    """A store opened with ``mode=ro``: reads work, every write raises ReadOnlyDatabaseError."""

    read_only = True

    def __init__(self, path: Path, engine: Engine, reason: str) -> None:
        super().__init__(path, engine, created=False)
        self.reason = reason

    @contextmanager
    def write(self) -> Iterator[Session]:
        raise ReadOnlyDatabaseError(
            f"{self.path.name} is open read-only ({self.reason}), so changes cannot be saved to it."
        )
        yield  # pragma: no cover  (keeps this a generator)


def is_read_only(store: Store) -> bool:
    return bool(getattr(store, "read_only", False))


def _ro_engine(path: Path, immutable: bool) -> Engine:
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")

    def connect() -> sqlite3.Connection:
        con = sqlite3.connect(uri, uri=True, check_same_thread=False,
                              timeout=BUSY_TIMEOUT_MS / 1000)
        con.isolation_level = None
        con.execute("PRAGMA query_only = ON")
        return con

    engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN DEFERRED"))
    return engine


def open_read_only(path: Path | str, reason: str = "you asked for read-only") -> ReadOnlyStore:
    """Open without ever writing to the file or its folder (a read-only folder needs ``immutable``)."""
    path = Path(path)
    inspect_file(path)
    for immutable in (False, True):
        engine = _ro_engine(path, immutable)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        except OperationalError:
            engine.dispose()
            if immutable:
                raise
            continue
        return ReadOnlyStore(path, engine, reason)
    raise AssertionError("unreachable")


def writable_reason(path: Path) -> str | None:
    """Why the database cannot be written here (None when it can), without writing anything."""
    folder = path.resolve().parent
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK):
        return "its folder is read-only"
    return None


@dataclass(slots=True)
class Opened:
    """What the window gets: a store (maybe read-only) or a refusal with backups to restore."""

    path: Path | str  # a file, or a server's URL without its password
    store: Store | None
    message: str = ""
    error: StoreError | None = None
    backups: list[BackupInfo] = field(default_factory=list)

    @property
    def writable(self) -> bool:
        return self.store is not None and not is_read_only(self.store)


def open_for_editing(path: Path | str, *, read_only: bool = False) -> Opened:
    """Open the database the safest way that works, and say in plain words what that means."""
    if is_url(path):
        return _open_server(str(path))
    path = Path(path)
    reason = "you asked for read-only" if read_only else writable_reason(path)
    try:
        if reason is None:
            try:
                return Opened(path, open_store(path))
            except OperationalError as exc:
                if "readonly" not in str(exc).lower():
                    raise
                reason = "the file system does not allow writing"
        store = open_read_only(path, reason)
        return Opened(path, store, f"{path.name} is open read-only because {reason}; "
                                   "editing is disabled and nothing will be written to it.")
    except (StoreError, OperationalError) as exc:
        error = _open_error(path, exc)
        return Opened(path, None, str(error), error, _backups(path))


def _open_server(url: str) -> Opened:
    """A team server: opened as it is, or refused with the reason (unreachable, or a schema that
    needs ``digest-desk db upgrade``, which a workstation never runs by itself)."""
    try:
        store = open_store(url)
    except StoreError as exc:
        return Opened(shown(url), None, str(exc), exc)
    return Opened(shown(url), store)


def _open_error(path: Path, exc: Exception) -> StoreError:
    """The error to show: a full disk is said as such, not mistaken for a damaged file."""
    words = plain_message(exc, path)
    if words.startswith("The disk is full"):
        error: StoreError = DatabaseOpenError(
            path, "the disk is full (SQLite needs a little free space even to read or upgrade "
                  "a database). Free some space and open it again."
        )
    elif isinstance(exc, StoreError):
        return exc
    else:
        error = DatabaseOpenError(path, words)
    error.__cause__ = exc
    return error


def _backups(path: Path) -> list[BackupInfo]:
    try:
        return backup_infos(path)
    except OSError:
        return []
