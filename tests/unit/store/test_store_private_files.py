"""Private files stay private: data folder, database, WAL/SHM, backups and recovery files."""

from __future__ import annotations

import os
import stat

import pytest

from digest_desk import paths
from digest_desk.store import open_store
from digest_desk.store.articles import create_article
from digest_desk.store.backup import make_backup, restore
from digest_desk.store.rescue import recovery_dir, write_recovery_file


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def _permissive_umask():
    old = os.umask(0o022)  # what most desktops use: files 0644, folders 0755 unless we say so
    yield
    os.umask(old)


def test_database_wal_and_shm_are_the_owners_alone(tmp_path):
    db = tmp_path / "new-folder" / "desk.sqlite3"
    store = open_store(db)
    try:
        create_article(store, title="Private", body="Text.")
        assert _mode(db.parent) == 0o700
        assert _mode(db) == 0o600
        for side in ("-wal", "-shm"):
            assert (db.parent / (db.name + side)).exists()
            assert _mode(db.parent / (db.name + side)) == 0o600
    finally:
        store.close()


def test_an_existing_folder_named_by_the_editor_is_left_as_it_is(tmp_path):
    tmp_path.chmod(0o755)
    store = open_store(tmp_path / "desk.sqlite3")
    store.close()
    assert _mode(tmp_path) == 0o755 and _mode(tmp_path / "desk.sqlite3") == 0o600


def test_backups_and_restores_stay_private(tmp_path):
    db = tmp_path / "desk.sqlite3"
    store = open_store(db)
    create_article(store, title="Kept", body="Text.")
    store.close()
    copy = make_backup(db, "manual")
    assert _mode(copy.parent) == 0o700 and _mode(copy) == 0o600
    copy.chmod(0o644)  # a backup that was shared or copied around
    db.chmod(0o644)
    kept = restore(db, copy, force=True)
    assert _mode(db) == 0o600 and _mode(kept) == 0o600
    db.unlink()
    restore(db, copy)  # into an empty place
    assert _mode(db) == 0o600


def test_recovery_files_and_the_data_folder_are_private(tmp_path, monkeypatch):
    folder = recovery_dir(tmp_path / "recovery")
    assert _mode(folder) == 0o700
    path = write_recovery_file({"title": "Unsaved", "body": "secret draft"}, label="a",
                               folder=folder)
    assert _mode(path) == 0o600
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert _mode(paths.data_dir()) == 0o700
