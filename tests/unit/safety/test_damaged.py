"""Damaged or foreign files: a clear message, never written to, backups offered; read-only opens."""

from __future__ import annotations

import re
import sqlite3

import pytest

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_by_slug
from digest_desk.store.backup import backup
from digest_desk.store.drafts import DraftKeeper, DraftSaveError
from digest_desk.store.errors import ReadOnlyDatabaseError
from digest_desk.store.safe_open import open_for_editing

from .helpers import checkpoint, digest, flip_btree_byte


def _healthy(path):
    store = open_store(path)
    create_article(store, title="Story", body="precious")
    backup(store)
    store.close()
    checkpoint(path)


def _empty(path):
    path.write_bytes(b"")


def _truncated(path):
    _healthy(path)
    path.write_bytes(path.read_bytes()[:60])


def _truncated_pages(path):
    _healthy(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _foreign_text(path):
    path.write_text("name,title\nthis is a spreadsheet,not a database\n")


def _foreign_sqlite(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE songs (title TEXT)")
    con.commit()
    con.close()


def _flipped(path):
    _healthy(path)
    flip_btree_byte(path)


def _newer(path):
    _healthy(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    checkpoint(path)


CASES = {
    "empty": (_empty, "empty"),
    "truncated header": (_truncated, "truncated"),
    "truncated pages": (_truncated_pages, "damaged|truncated|malformed"),
    "not sqlite": (_foreign_text, "not a SQLite database"),
    "another program": (_foreign_sqlite, "not a Digest Desk database"),
    "flipped byte": (_flipped, "damaged"),
    "newer schema": (_newer, "newer Digest Desk"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_damaged_files_are_refused_unwritten(case, db_path):
    make, words = CASES[case]
    make(db_path)
    before = digest(db_path)
    opened = open_for_editing(db_path)
    assert opened.store is None and not opened.writable
    assert re.search(words, opened.message), opened.message
    assert "not changed" in opened.message
    assert digest(db_path) == before
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # a read-only look adds no WAL frames
    if make not in (_empty, _foreign_text, _foreign_sqlite):
        assert opened.backups, "the automatic backup is offered for restore"


def test_read_only_open_disables_writes_and_leaves_the_file_alone(db_path, tmp_path):
    _healthy(db_path)
    before = digest(db_path)
    opened = open_for_editing(db_path, read_only=True)
    assert opened.store is not None and not opened.writable
    assert "read-only" in opened.message and "editing is disabled" in opened.message
    assert get_by_slug(opened.store, "story").body == "precious"
    with pytest.raises(ReadOnlyDatabaseError, match="read-only"):
        create_article(opened.store, title="Nope")
    keeper = DraftKeeper(opened.store, "s", recovery_folder=tmp_path / "rec")
    with pytest.raises(DraftSaveError) as caught:
        keeper.write(1, {"body": "precious and more"})
    assert caught.value.recovery_path.exists()
    opened.store.close()
    assert digest(db_path) == before


def test_healthy_file_opens_writable(db_path):
    _healthy(db_path)
    opened = open_for_editing(db_path)
    assert opened.writable and opened.message == ""
    opened.store.close()
