"""Disk full during autosave, saves and migrations: plain words, rollback, the text kept, nothing lost."""

from __future__ import annotations

import os

import pytest
from crash_tools import fill, integrity
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.backup import BACKUP_DIR_ENV, BackupError
from digest_desk.store.drafts import DraftKeeper, DraftSaveError, pending_drafts
from digest_desk.store.rescue import plain_message, read_recovery_file
from digest_desk.store.safe_open import open_for_editing

BIG = "All work and no play makes a long article. " * 8000  # ~350 kB


def _assert_kept(caught: DraftSaveError, text: str) -> None:
    assert "disk is full" in str(caught)
    assert read_recovery_file(caught.recovery_path)["data"]["body"] == text


def test_autosave_and_save_on_a_full_disk(small_fs, tmp_path):
    db = small_fs / "desk.sqlite3"
    store = open_store(db)
    article = create_article(store, title="Story", body="saved before the disk filled")
    filler = fill(small_fs)
    keeper = DraftKeeper(store, "s1", recovery_folder=tmp_path / "recovery")
    with pytest.raises(DraftSaveError) as caught:
        keeper.write(article.id, {"body": BIG})
    _assert_kept(caught.value, BIG)
    article.body = BIG
    with pytest.raises(OperationalError) as failed:
        save_article(store, article)
    assert plain_message(failed.value, db) == "The disk is full, so the database could not take your changes."
    store.close()
    filler.unlink()  # space again: what was saved is intact and the same save goes through
    assert integrity(db) == "ok"
    store = open_store(db)
    fresh = get_article(store, article.id)
    assert (fresh.body, fresh.version) == ("saved before the disk filled", 1)
    fresh.body = BIG
    assert save_article(store, fresh).body == BIG
    store.close()


def test_migration_on_a_full_disk_rolls_back(small_fs, tmp_path, monkeypatch):
    from helpers_old_schema import make_old_schema

    monkeypatch.setenv(BACKUP_DIR_ENV, str(tmp_path / "backups"))  # the backup itself fits elsewhere
    db = small_fs / "old.sqlite3"
    make_old_schema(db)
    fill(small_fs, leave=64 * 1024)  # room to read the file, not to upgrade it
    opened = open_for_editing(db)
    assert opened.store is None
    assert "disk is full" in opened.message and "not changed" in opened.message
    assert isinstance(opened.error.__cause__, OperationalError)  # the upgrade failed, not the look
    assert list((tmp_path / "backups").glob("*-before-0*"))
    assert integrity(db) == "ok"
    import sqlite3

    con = sqlite3.connect(db)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert con.execute("SELECT body FROM article").fetchone()[0] == "old body"
    con.close()


def test_full_disk_at_open_is_not_called_damaged(small_fs):
    db = small_fs / "desk.sqlite3"
    store = open_store(db)
    create_article(store, title="Story")
    store.close()
    fill(small_fs)
    before = db.read_bytes()
    opened = open_for_editing(db)
    assert opened.store is None
    assert "disk is full" in opened.message and "damaged" not in opened.message
    assert db.read_bytes() == before


def test_migration_stops_when_its_backup_does_not_fit(small_fs):
    from helpers_old_schema import make_old_schema

    db = small_fs / "old.sqlite3"
    make_old_schema(db)
    fill(small_fs, leave=64 * 1024)  # room to read the file, not to copy it
    before = db.read_bytes()
    with pytest.raises(BackupError, match="(?s)disk is full.*not changed"):
        open_store(db)
    assert db.read_bytes() == before
    assert not [p for p in (small_fs / "backups").glob("*") if not p.name.startswith(".")]


def _cap_pages(store, pages: int) -> None:
    def cap(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(store.engine, "connect", cap)
    store.engine.dispose()  # pooled connections reconnect with the cap


def test_database_at_its_page_limit_behaves_like_a_full_disk(store, tmp_path):
    """Without mount rights: SQLite's max_page_count gives a genuine SQLITE_FULL."""
    article = create_article(store, title="Story", body="kept")
    keeper = DraftKeeper(store, "s1", recovery_folder=tmp_path / "recovery")
    keeper.write(article.id, {"body": "kept and a little more"})
    with store.read() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar_one()
    _cap_pages(store, pages + 2)
    with pytest.raises(DraftSaveError) as caught:
        keeper.write(article.id, {"body": BIG})
    _assert_kept(caught.value, BIG)
    [draft] = pending_drafts(store)
    assert draft.data["body"] == "kept and a little more"  # the previous draft survived
    article.body = BIG
    with pytest.raises(OperationalError, match="full"):
        save_article(store, article)
    assert get_article(store, article.id).body == "kept"
    assert integrity(store.path) == "ok"
    assert os.path.exists(caught.value.recovery_path)
