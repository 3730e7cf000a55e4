"""Choosing a Hunspell dictionary by site language and checking words with the site's own words."""

from __future__ import annotations

import pytest

from digest_desk.prose.speller import dictionary_tag, misspelled, open_speller

needs_en = pytest.mark.skipif(
    dictionary_tag("en") is None,
    reason="no English Hunspell dictionary through enchant here (apt-get install libenchant-2-2 hunspell-en-us)")


def test_a_language_without_a_dictionary_gives_none():
    assert dictionary_tag("xx") is None
    assert open_speller("xx") is None
    assert misspelled(["teh"], "xx") is None


@needs_en
def test_english_picks_an_installed_regional_dictionary():
    assert dictionary_tag("en") in ("en_US", "en_GB")
    assert dictionary_tag("en-US") == "en_US"
    assert dictionary_tag("EN_us") == "en_US"


@needs_en
def test_misspelled_words_in_order_once_and_site_words_accepted():
    words = ["Teh", "ferry", "goverment", "Teh", "Kowalczyk", "don’t", "recieve"]
    assert misspelled(words, "en") == ["Teh", "goverment", "Kowalczyk", "recieve"]
    assert misspelled(words, "en", {"Kowalczyk"}) == ["Teh", "goverment", "recieve"]


@needs_en
def test_suggestions():
    speller = open_speller("en", ["Kowalczyk"])
    assert "government" in speller.suggest("goverment")
    assert speller.check("Kowalczyk") and not speller.check("goverment")
