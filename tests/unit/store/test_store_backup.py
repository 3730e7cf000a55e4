"""Rolling backups: checked copies beside the database, pruning, restore, backup before migrating."""

from __future__ import annotations

import sqlite3

import pytest

from digest_desk.store import NewerSchemaError, StoreError, migrations, open_store
from digest_desk.store.articles import count_articles, create_article, get_by_slug
from digest_desk.store.backup import (
    BackupError,
    backup_dir,
    list_backups,
    make_backup,
    restore_backup,
)
from digest_desk.store.engine import make_engine


def test_backup_is_a_standalone_checked_copy_of_the_live_database(store, db_path):
    create_article(store, title="Saved before the backup")
    path = make_backup(db_path)
    assert path.parent == backup_dir(db_path) and list_backups(db_path) == [path]
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    copy = open_store(path)
    assert get_by_slug(copy, "saved-before-the-backup")
    copy.close()


def test_only_the_newest_backups_are_kept(store, db_path):
    made = [make_backup(db_path, keep=3) for _ in range(5)]
    assert list_backups(db_path) == list(reversed(made[-3:]))


def test_restore_brings_back_the_old_content_and_can_be_undone(store, db_path):
    create_article(store, title="Kept")
    make_backup(db_path)
    create_article(store, title="Added later")
    restore_backup(db_path)
    assert count_articles(store) == 1  # the open store sees the restored content
    undo = next(p for p in list_backups(db_path) if p.name.endswith("before-restore.sqlite3"))
    restore_backup(db_path, undo)
    assert count_articles(store) == 2


def test_damaged_or_newer_backups_are_refused_and_nothing_changes(store, db_path, tmp_path):
    create_article(store, title="Current")
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x01" * 2000)
    with pytest.raises(StoreError, match="bad.sqlite3"):
        restore_backup(db_path, bad)
    newer = make_backup(db_path)
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(NewerSchemaError):
        restore_backup(db_path, newer)
    assert count_articles(store) == 1
    with pytest.raises(BackupError, match="no backups"):
        restore_backup(tmp_path / "other.sqlite3")


def test_a_backup_is_taken_before_migrating(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    migrations.upgrade(engine, "0001")
    engine.dispose()
    store = open_store(path)
    [backup] = list_backups(path)
    assert backup.name.endswith(f"before-{migrations.head()}.sqlite3")
    con = sqlite3.connect(backup)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    con.close()
    store.close()
