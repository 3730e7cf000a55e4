"""Rolling verified backups, restore (healthy or damaged database), and the pre-migration backup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from digest_desk.store import StoreError, open_store
from digest_desk.store.articles import create_article, get_article, get_by_slug, save_article
from digest_desk.store.backup import (
    KEEP_BY_KIND,
    BackupError,
    backup,
    backup_infos,
    ensure_daily_backup,
    make_backup,
    restore,
    verify_backup,
)
from digest_desk.store.locks import acquire

from .helpers import flip_btree_byte, integrity, make_old_schema


def test_backup_is_a_verified_self_contained_copy(store):
    create_article(store, title="Kept", body="in the backup")
    path = backup(store)
    assert path.parent == store.path.parent / "backups"
    assert not path.with_name(path.name + "-wal").exists()
    verify_backup(path)
    copy = open_store(path)
    assert get_by_slug(copy, "kept").body == "in the backup"
    copy.close()
    [info] = backup_infos(store.path)
    assert info.kind == "manual" and info.path == path


def test_backups_roll(store):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for day in range(KEEP_BY_KIND["daily"] + 3):
        assert ensure_daily_backup(store.path, now=start + timedelta(days=day)) is not None
        assert ensure_daily_backup(store.path, now=start + timedelta(days=day, hours=1)) is None
    daily = [b for b in backup_infos(store.path) if b.kind == "daily"]
    assert len(daily) == KEEP_BY_KIND["daily"]
    assert daily[0].created.date() == (start + timedelta(days=KEEP_BY_KIND["daily"] + 2)).date()


def test_restore_brings_back_the_text_and_keeps_the_replaced_database(store):
    article = create_article(store, title="Story", body="good text")
    path = backup(store)
    article.body = "text I regret"
    save_article(store, article)
    before = restore(store.path, path)
    assert get_article(store, article.id).body == "good text"  # the open store sees it too
    assert "before-restore" in before.name
    old = open_store(before)
    assert get_article(old, article.id).body == "text I regret"
    old.close()
    assert integrity(store.path) == "ok"


def test_restore_refuses_while_another_window_edits(store):
    article = create_article(store, title="Story")
    path = backup(store)
    acquire(store, article.id, "other-window")
    with pytest.raises(BackupError, match="editing"):
        restore(store.path, path)
    assert restore(store.path, path, force=True) is not None


def test_restore_over_a_damaged_database_moves_it_aside_untouched(store, db_path):
    create_article(store, title="Story", body="before damage")
    path = backup(store)
    store.close()
    flip_btree_byte(db_path)
    damaged = db_path.read_bytes()
    aside = restore(db_path, path)
    assert aside.read_bytes() == damaged
    reopened = open_store(db_path)
    assert get_by_slug(reopened, "story").body == "before damage"
    reopened.close()


def test_a_damaged_backup_is_refused(store, tmp_path):
    path = backup(store)
    flip_btree_byte(path, "site")
    with pytest.raises(StoreError, match="damaged"):
        restore(store.path, path)


def test_opening_an_older_schema_backs_up_first(tmp_path):
    db = tmp_path / "old.sqlite3"
    make_old_schema(db)
    store = open_store(db)
    [info] = backup_infos(db)
    assert info.kind == "pre-migration"
    old = open_store(info.path, create=False)  # the backup itself migrates on open (its own backup)
    assert get_by_slug(old, "old").body == "old body"
    old.close()
    store.close()


def test_backup_file_of_missing_database_fails_plainly(tmp_path):
    with pytest.raises(BackupError, match="failed"):
        make_backup(tmp_path / "nothing.sqlite3")
