"""``digest-desk backup`` and ``restore`` as real subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crash_tools import child_env

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article, save_article


def _cli(db, *args):
    return subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db), *args],
                          capture_output=True, text=True, env=child_env(), timeout=120)


def test_backup_then_restore_the_newest(tmp_path):
    db = tmp_path / "desk.sqlite3"
    store = open_store(db)
    article = create_article(store, title="Story", body="the good version")
    store.close()
    made = _cli(db, "backup")
    assert made.returncode == 0, made.stderr
    path = tmp_path / "backups" / made.stdout.strip().split("/")[-1]
    assert path.exists()
    store = open_store(db)
    article.body = "a mistake"
    save_article(store, article)
    store.close()
    listed = _cli(db, "restore", "--list")
    assert "(manual)" in listed.stdout and str(path) in listed.stdout
    done = _cli(db, "restore")
    assert done.returncode == 0, done.stderr
    assert "before-restore" in done.stdout
    store = open_store(db)
    assert get_article(store, article.id).body == "the good version"
    store.close()


def test_restore_a_damaged_database_from_a_named_backup(tmp_path):
    db = tmp_path / "desk.sqlite3"
    store = open_store(db)
    create_article(store, title="Story", body="kept")
    store.close()
    made = _cli(db, "backup")
    assert made.returncode == 0, made.stderr
    elsewhere = tmp_path / "elsewhere.sqlite3"  # a backup file kept anywhere can be named
    Path(made.stdout.strip()).rename(elsewhere)
    db.write_bytes(b"garbage" * 100)
    for side in ("-wal", "-shm"):
        (tmp_path / f"desk.sqlite3{side}").unlink(missing_ok=True)
    refused = _cli(db, "list")
    assert refused.returncode == 2 and "not a SQLite database" in refused.stderr
    done = _cli(db, "restore", str(elsewhere))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "desk.sqlite3.before-restore").read_bytes() == b"garbage" * 100
    assert "Story" in _cli(db, "list").stdout


def test_restore_without_backups_says_so(tmp_path):
    db = tmp_path / "desk.sqlite3"
    open_store(db).close()
    done = _cli(db, "restore")
    assert done.returncode == 2 and "no backups" in done.stderr
    missing = _cli(tmp_path / "none.sqlite3", "backup")
    assert missing.returncode == 2 and "no database" in missing.stderr
