"""The site dictionary lives in the database (migration 0007), so everyone on the site shares it."""

from __future__ import annotations

import sqlite3

import pytest

from digest_desk.page_inputs import read_inputs
from digest_desk.store import migrations, open_store
from digest_desk.store.dictionary import (
    DictionaryWordError,
    add_site_word,
    remove_site_word,
    site_words,
)
from digest_desk.store.site import SiteSettingError, get_site, update_site


def test_words_are_added_once_trimmed_and_shared_by_another_connection(store, db_path):
    assert site_words(store) == frozenset()
    assert add_site_word(store, "  Kowalczyk ") == "Kowalczyk"
    add_site_word(store, "Kowalczyk")
    add_site_word(store, "livestream")
    other = open_store(db_path)
    try:
        assert site_words(other) == {"Kowalczyk", "livestream"}
        assert remove_site_word(other, "livestream") is True
        assert remove_site_word(other, "livestream") is False
    finally:
        other.close()
    assert site_words(store) == {"Kowalczyk"}
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrations.head()
        assert con.execute("SELECT word FROM site_word").fetchall() == [("Kowalczyk",)]


@pytest.mark.parametrize("bad", ["", "   ", "two words", "x" * 101])
def test_unusable_words_are_refused_and_nothing_is_saved(store, bad):
    with pytest.raises(DictionaryWordError):
        add_site_word(store, bad)
    assert site_words(store) == frozenset()


def test_page_inputs_carry_the_site_words_to_the_checks(store):
    add_site_word(store, "Kowalczyk")
    assert read_inputs(store).context().site_words == {"Kowalczyk"}


def test_long_sentence_limit_is_a_site_setting(store):
    assert get_site(store).long_sentence_words == 30
    assert update_site(store, long_sentence_words="25").long_sentence_words == 25
    for bad in ("many", "3", "500"):
        with pytest.raises(SiteSettingError):
            update_site(store, long_sentence_words=bad)
    assert get_site(store).long_sentence_words == 25
