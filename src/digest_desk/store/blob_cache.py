"""A size-capped cache of byte entries by key in one SQLite file (the export's page cache keeps its pages here)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from pathlib import Path

TOUCH_AFTER = 3600.0  # seconds: an entry read is marked as used when its mark is older than this
TRIM_TO = 0.8  # of the cap, when trimming


class BlobCache:
    """Entries (bytes) by key in one SQLite file per ``engine`` (code version) in ``root``;
    every failure is a miss. One file, not a file per entry: a first export adds a row per
    article (a WAL append) where a file would cost a create, a write and a rename, as many file
    system operations again as the export's own pages; a hit is one indexed read."""

    def __init__(self, root: Path, engine: str, cap: int) -> None:
        self.root = Path(root)
        self.engine = engine
        self.path = self.root / f"{engine}.sqlite3"
        self.cap = cap
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._inode = 0
        self._written = 0
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None and self._pid == os.getpid():
            return self._db
        fresh = not self.path.exists()
        if fresh:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._drop_other_engines()
        db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None, check_same_thread=False)
        try:
            if fresh:
                os.chmod(self.path, 0o600)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # consistent after a crash; a lost entry is a miss
            # The small columns first, and an index holding them: trimming reads the index only.
            db.execute("CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, size INTEGER NOT NULL, "
                       "used REAL NOT NULL, data BLOB NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS entry_use ON entry (used, size)")
        except sqlite3.Error:
            db.close()
            raise
        self._db, self._pid = db, os.getpid()
        with contextlib.suppress(OSError):
            self._inode = os.stat(self.path).st_ino
        return db

    def revalidate(self) -> None:
        """Let go of the open file when it is no longer the cache's (another process found it
        damaged and removed it): the next use opens the one now in its place."""
        if self._db is None:
            return
        try:
            same = os.stat(self.path).st_ino == self._inode
        except OSError:
            same = False
        if not same:
            with self._lock:
                db, self._db = self._db, None
                with contextlib.suppress(sqlite3.Error):
                    db.close()

    def _drop_other_engines(self) -> None:
        """Another code version: its entries can never be read again."""
        with contextlib.suppress(OSError):
            for path in self.root.iterdir():
                if path.name.endswith((".sqlite3", ".sqlite3-wal", ".sqlite3-shm")) and not path.name.startswith(self.engine):
                    path.unlink()

    def get(self, key: str) -> bytes | None:
        try:
            with self._lock:
                db = self._connect()
                row = db.execute("SELECT data, used FROM entry WHERE key = ?", (key,)).fetchone()
                if row is not None and time.time() - row[1] > TOUCH_AFTER:  # used: trimmed last
                    db.execute("UPDATE entry SET used = ? WHERE key = ?", (time.time(), key))
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return None
        return None if row is None else bytes(row[0])

    def write(self, key: str, data: bytes) -> None:
        self.write_many([(key, data)])

    def write_many(self, entries: list[tuple[str, bytes]]) -> None:
        """Store the entries in one transaction (a chunk's articles: one commit, not one each)."""
        if not entries:
            return
        now = time.time()
        try:
            with self._lock:
                db = self._connect()
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.executemany("INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?)",
                                   [(key, len(data), now, data) for key, data in entries])
                    db.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        db.execute("ROLLBACK")
                    raise
                self._written += sum(len(data) for _, data in entries)
                due = self._written > self.cap // 16
                if due:
                    self._written = 0
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return
        if due:
            self.trim()

    def trim(self) -> None:
        """Remove the least recently used entries until the file holds under TRIM_TO of the cap."""
        try:
            with self._lock:
                db = self._connect()
                total = db.execute("SELECT coalesce(sum(size), 0) FROM entry INDEXED BY entry_use").fetchone()[0]
                if total <= self.cap:
                    return
                goal = int(self.cap * TRIM_TO)
                db.execute("BEGIN IMMEDIATE")
                try:
                    while total > goal:
                        rows = db.execute("SELECT key, size FROM entry INDEXED BY entry_use "
                                          "ORDER BY used LIMIT 500").fetchall()
                        if not rows:
                            break
                        for key, size in rows:  # the oldest first, only as many as needed
                            if total <= goal:
                                break
                            db.execute("DELETE FROM entry WHERE key = ?", (key,))
                            total -= size
                    db.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        db.execute("ROLLBACK")
                    raise
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        """After a failed use: let the connection go; a file SQLite reads as damaged (not busy,
        not missing: those are OperationalError) is removed, so the next use starts anew."""
        with self._lock:
            db, self._db = self._db, None
            if db is not None:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{self.path}{suffix}")
