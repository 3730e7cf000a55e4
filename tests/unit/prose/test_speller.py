"""Choosing a Hunspell dictionary by site language and checking words with the site's own words."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from digest_desk.prose.speller import bundled_dictionaries, dictionary_tag, misspelled, open_speller

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


def _bundle_with_dictionary(root: Path, tag: str) -> Path:
    """A folder laid out like the frozen bundle's enchant/hunspell, holding one dictionary."""
    system = Path("/usr/share/hunspell")
    folder = root / "enchant" / "hunspell"
    folder.mkdir(parents=True)
    for ext in ("dic", "aff"):
        shutil.copyfile(system / f"en_US.{ext}", folder / f"{tag}.{ext}")
    return root / "enchant"


@pytest.mark.skipif(not Path("/usr/share/hunspell/en_US.dic").is_file(), reason="needs hunspell-en-us")
@needs_en
def test_the_bundled_dictionaries_are_the_fallback_of_a_frozen_app(tmp_path, monkeypatch):
    # xx_YY stands for a language this machine has no dictionary for, shipped in the bundle
    assert dictionary_tag("xx-YY") != "xx_YY"
    monkeypatch.setenv("ENCHANT_CONFIG_DIR", "")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    bundled = _bundle_with_dictionary(tmp_path, "xx_YY")
    assert bundled_dictionaries() == bundled
    assert dictionary_tag("en") in ("en_US", "en_GB")  # found on the machine: no fallback yet
    assert os.environ["ENCHANT_CONFIG_DIR"] == ""
    assert dictionary_tag("xx-YY") == "xx_YY"
    assert os.environ["ENCHANT_CONFIG_DIR"] == str(bundled)
    speller = open_speller("xx-YY")
    assert speller.check("ferry") and not speller.check("goverment")


def test_a_folder_the_user_chose_is_never_replaced(tmp_path, monkeypatch):
    own = tmp_path / "mine"
    monkeypatch.setenv("ENCHANT_CONFIG_DIR", str(own))
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    (tmp_path / "enchant" / "hunspell").mkdir(parents=True)
    assert dictionary_tag("xx") is None
    assert os.environ["ENCHANT_CONFIG_DIR"] == str(own)


def test_no_bundled_dictionaries_outside_a_frozen_app(monkeypatch):
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert bundled_dictionaries() is None
