"""Helpers for safety tests: databases at an older schema and damaged copies."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from digest_desk.store import migrations
from digest_desk.store.engine import make_engine


def make_old_schema(path: Path, revision: str = "0001") -> None:
    """A database stopped at an older schema, with one article in it."""
    engine = make_engine(path)
    migrations.upgrade(engine, revision)
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO article (title, slug, slug_key, summary, body, author, category, tags,"
        " status, updated_at, created_at, image_alt, version) VALUES ('Old', 'old', 'old', '',"
        " 'old body', '', '', '[]', 'draft', '2026-01-01T00:00:00+00:00',"
        " '2026-01-01T00:00:00+00:00', '', 1)"
    )
    con.commit()
    con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so the file alone holds the data."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def flip_btree_byte(path: Path, table: str = "article") -> None:
    """Flip one byte: the page-type byte of a table's root page (a real, detectable corruption)."""
    checkpoint(path)
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size] ^= 0xFF
    path.write_bytes(bytes(data))


def integrity(path: Path) -> str:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
