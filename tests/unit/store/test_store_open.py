"""Opening files: migrations on a new file, refusal of newer schemas, damaged and foreign files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from digest_desk.store import (
    CorruptDatabaseError,
    NewerSchemaError,
    NotADatabaseError,
    StoreError,
    engine,
    migrations,
    open_store,
)
from digest_desk.store.articles import create_article, get_by_slug


def _fingerprint(path: Path) -> tuple[str, list[str]]:
    """The file's sha256 and the names of every file beside it (to catch -wal/-shm leftovers)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, sorted(p.name for p in path.parent.iterdir())


def _assert_refused(path: Path, error: type[StoreError], words: str) -> None:
    before = _fingerprint(path)
    with pytest.raises(error) as info:
        open_store(path)
    assert words in str(info.value)
    assert "not changed" in str(info.value)
    assert _fingerprint(path) == before


def _made_db(tmp_path: Path, articles: int = 3) -> Path:
    path = tmp_path / "made.sqlite3"
    store = open_store(path)
    for i in range(articles):
        create_article(store, title=f"Story {i}", body="word " * 400)
    store.close()
    return path


def test_new_file_is_migrated_to_head(db_path):
    store = open_store(db_path)
    assert store.created
    assert migrations.current(store.engine) == migrations.head()
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x44475344
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert {"site", "article", "link", "image", "revision", "article_fts"} <= tables
    con.close()
    store.close()
    again = open_store(db_path)
    assert not again.created
    again.close()


def test_database_from_a_newer_digest_desk_is_refused_and_untouched(tmp_path):
    path = _made_db(tmp_path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    _assert_refused(path, NewerSchemaError, "newer Digest Desk")


def test_empty_file_is_refused_and_untouched(db_path):
    db_path.write_bytes(b"")
    _assert_refused(db_path, NotADatabaseError, "empty")


def test_text_file_is_refused_and_untouched(db_path):
    db_path.write_text("title: not a database\n" * 20)
    _assert_refused(db_path, NotADatabaseError, "not a SQLite database")


def test_foreign_sqlite_database_is_refused_and_untouched(db_path):
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.execute("INSERT INTO recipes VALUES ('soup')")
    con.commit()
    con.close()
    _assert_refused(db_path, NotADatabaseError, "another program")


def test_sqlite_file_without_tables_is_refused(db_path):
    sqlite3.connect(db_path).execute("PRAGMA user_version = 1").connection.close()
    _assert_refused(db_path, NotADatabaseError, "no tables")


@pytest.mark.parametrize("full_check", [True, False], ids=["small-file", "large-file"])
def test_truncated_database_is_refused_and_untouched(tmp_path, monkeypatch, full_check):
    if not full_check:
        monkeypatch.setattr(engine, "FULL_CHECK_BYTES", 0)
    path = _made_db(tmp_path, articles=20)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _assert_refused(path, CorruptDatabaseError, "damaged")


def test_header_only_file_is_refused(db_path):
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)
    _assert_refused(db_path, CorruptDatabaseError, "truncated")


@pytest.mark.parametrize("full_check", [True, False], ids=["small-file", "large-file"])
def test_flipped_byte_in_a_table_page_is_refused_and_untouched(tmp_path, monkeypatch, full_check):
    if not full_check:  # files above the limit get the quick edge check instead
        monkeypatch.setattr(engine, "FULL_CHECK_BYTES", 0)
    path = _made_db(tmp_path, articles=20)
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'article'").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    offset = (root - 1) * page_size  # the b-tree page header: its first byte is the page type
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    _assert_refused(path, CorruptDatabaseError, "damaged")


def test_older_schema_is_upgraded_on_open(tmp_path):
    path = tmp_path / "old.sqlite3"
    from digest_desk.store.engine import make_engine

    engine = make_engine(path)
    migrations.upgrade(engine, "0001")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO article (title, slug, slug_key, summary, body, author, category, tags, status,"
        " updated_at, created_at, image_alt, version) VALUES ('Kept', 'kept', 'kept', '', 'text',"
        " '', '', '[]', 'draft', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', '', 1)"
    )
    con.commit()
    con.close()
    store = open_store(path)
    assert migrations.current(store.engine) == migrations.head()
    assert get_by_slug(store, "kept").body == "text"
    store.close()


def test_missing_file_without_create_is_an_error(db_path):
    with pytest.raises(StoreError, match="No database"):
        open_store(db_path, create=False)
    assert not db_path.exists()
