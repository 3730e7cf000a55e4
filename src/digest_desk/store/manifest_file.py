"""The export manifest's SQLite file: article records and units by uid, read one row at a time."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE article (uid TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE unit (uid TEXT PRIMARY KEY, key TEXT NOT NULL, files TEXT NOT NULL) WITHOUT ROWID",
)
P = ParamSpec("P")
R = TypeVar("R")


class ManifestFileError(ValueError):
    """The file is not a manifest file (damaged, foreign, or not SQLite at all)."""


def _plain(function: Callable[P, R]) -> Callable[P, R]:
    """Any SQLite error as ManifestFileError: callers outside store/ need not know sqlite3."""

    @wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except sqlite3.Error as exc:
            raise ManifestFileError(f"unreadable manifest file: {exc}") from exc

    return call


class ManifestFile:
    """A manifest file opened read-only. Immutable too (no locks, no journal looked for): the
    export never changes it in place; a new file is renamed over it (see export/changeset.py)."""

    @_plain
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            self.meta: dict[str, object] = dict(self._db.execute("SELECT name, value FROM meta").fetchall())
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    @_plain
    def article(self, uid: str) -> object | None:
        row = self._db.execute("SELECT record FROM article WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else row[0]

    @_plain
    def unit(self, uid: str) -> tuple[object, object] | None:
        """(key, files as JSON text) of the unit ``uid``."""
        row = self._db.execute("SELECT key, files FROM unit WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else (row[0], row[1])

    @_plain
    def units_between(self, low: str, high: str) -> int:
        """How many units have a uid strictly between ``low`` and ``high`` (the primary key's order)."""
        return int(self._db.execute("SELECT count(*) FROM unit WHERE uid > ? AND uid < ?", (low, high)).fetchone()[0])

    @_plain
    def articles(self) -> list[tuple[object, object]]:
        return self._db.execute("SELECT uid, record FROM article").fetchall()

    @_plain
    def units(self) -> list[tuple[object, object, object]]:
        return self._db.execute("SELECT uid, key, files FROM unit").fetchall()


def _connect(path: Path) -> sqlite3.Connection:
    """For writing a file in a temporary folder: no journal, no sync (a file that is not whole
    is never renamed into the export)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    return db


@_plain
def write_manifest_file(path: Path, meta: dict[str, str], articles: Iterable[tuple[str, str]],
                        units: Iterable[tuple[str, str, str]]) -> None:
    """A new manifest file at ``path`` with these rows (give them in uid order: appended)."""
    path.unlink(missing_ok=True)
    _write_rows(path, list(_SCHEMA), meta, articles, units)


@_plain
def patch_manifest_file(source: Path, path: Path, meta: dict[str, str], articles: list[tuple[str, str]],
                        units: list[tuple[str, str, str]], removed: Sequence[str] = ()) -> None:
    """A copy of ``source`` at ``path`` (copied by the operating system, no row read) whose rows
    of these uids are replaced (each uid is an article record or a unit, never both) and whose
    rows of ``removed`` are gone."""
    shutil.copyfile(source, path)
    uids = [(a[0],) for a in articles] + [(u[0],) for u in units] + [(uid,) for uid in removed]
    _write_rows(path, [], meta, articles, units, drop=uids)


def _write_rows(path: Path, schema: list[str], meta: dict[str, str], articles: Iterable[tuple[str, str]],
                units: Iterable[tuple[str, str, str]], drop: Sequence[tuple[str]] = ()) -> None:
    """One transaction on ``path``: the schema statements, the rows of ``drop``'s uids out, these
    rows in, the meta values set."""
    db = _connect(path)
    try:
        db.execute("BEGIN")
        for statement in schema:
            db.execute(statement)
        db.executemany("DELETE FROM article WHERE uid = ?", drop)
        db.executemany("DELETE FROM unit WHERE uid = ?", drop)
        db.executemany("INSERT INTO article VALUES (?, ?)", articles)
        db.executemany("INSERT INTO unit VALUES (?, ?, ?)", units)
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(meta.items()))
        db.execute("COMMIT")
    finally:
        db.close()
