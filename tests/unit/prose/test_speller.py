"""Choosing a Hunspell dictionary by site language and checking words with the site's own words."""

from __future__ import annotations

import os
import shutil
import sys
import threading
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


def _dictionary_words(tag: str, limit: int = 30_000) -> list[str]:
    """Plain stems of the installed Hunspell dictionary (distinct: each speller caches its answers)."""
    for folder in ("/usr/share/hunspell", "/usr/share/myspell"):
        dic = Path(folder) / f"{tag}.dic"
        if dic.is_file():
            lines = dic.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
            stems = (line.split("/")[0].strip() for line in lines)
            return [s for s in dict.fromkeys(stems) if s.isalpha() and s.isascii()][:limit]
    return []


@pytest.mark.skipif(not _dictionary_words("en_GB") or dictionary_tag("en-GB") != "en_GB",
                    reason="needs the en_GB Hunspell dictionary (hunspell-en-gb) as a file")
def test_spellers_on_three_threads_never_miss_a_valid_word():
    """The window checks words on three threads at once: the UI thread's speller (suggestions),
    the spelling worker's and the checks worker's (``misspelled``). Hunspell objects are not
    thread-safe; enchant's shared broker handed all three the same one, and a word checked while
    another thread asked for suggestions came back misspelled now and then ("agreed")."""
    reference = open_speller("en-GB")
    words = [w for w, ok in reference.check_all(_dictionary_words("en_GB")).items() if ok]
    assert len(words) > 10_000
    ui = open_speller("en-GB")
    missed: dict[str, list[str]] = {}

    def worker() -> None:
        speller = open_speller("en-GB")
        missed["worker"] = [w for w, ok in speller.check_all(words).items() if not ok]

    def checks() -> None:
        missed["checks"] = misspelled(words, "en-GB")

    threads = [threading.Thread(target=worker), threading.Thread(target=checks)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        ui.suggest("agred")  # the UI thread's own dictionary, at the same time
        ui.check("agreed")
    for thread in threads:
        thread.join()
    assert missed == {"worker": [], "checks": []}
