"""Spelling through pyenchant and Hunspell dictionaries, chosen by the site's language.

enchant is imported only when a speller is opened, so everything else works without it.
The installers ship English dictionaries in an enchant configuration folder of their own
(``enchant/hunspell`` inside the bundle): used when the machine has none for the language.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

# The usual dictionary for a bare language code, in order of preference.
_PREFERRED = {
    "en": ("en_US", "en_GB"), "de": ("de_DE", "de_AT", "de_CH"), "fr": ("fr_FR", "fr"),
    "es": ("es_ES", "es"), "it": ("it_IT",), "pt": ("pt_PT", "pt_BR"), "nl": ("nl_NL", "nl"),
}


# enchant's module-level broker (language lookups) and the making of brokers are serialised:
# the UI thread, the spelling worker and the checks worker all ask.
_BROKER_LOCK = threading.RLock()


def _enchant() -> Any | None:
    try:
        import enchant  # noqa: PLC0415 - optional native library, loaded on first use
    except (ImportError, OSError):
        return None
    return enchant


def dictionary_tag(language: str) -> str | None:
    """The installed dictionary for a site language ("en" → en_US or en_GB), or None."""
    enchant = _enchant()
    if enchant is None:
        return None
    code = (language or "").strip().replace("-", "_")
    base, _, region = code.partition("_")
    base = base.lower()
    candidates = [f"{base}_{region.upper()}"] if region else []
    candidates += [*_PREFERRED.get(base, ()), base]
    try:
        with _BROKER_LOCK:  # enchant's module-level broker, asked from several threads
            found = _first_installed(enchant, candidates, base)
            if found is None and _use_bundled_dictionaries():
                found = _first_installed(enchant, candidates, base)
    except enchant.errors.Error:
        return None
    return found


def _first_installed(enchant: Any, candidates: list[str], base: str) -> str | None:
    for tag in candidates:
        if tag and enchant.dict_exists(tag):
            return tag
    for tag in sorted(enchant.list_languages()):
        if tag.split("_")[0].lower() == base:
            return tag
    return None


def bundled_dictionaries() -> Path | None:
    """The enchant configuration folder the installers ship (its ``hunspell/`` holds the
    English .dic/.aff files), or None when running from source or a wheel."""
    root = getattr(sys, "_MEIPASS", None)
    folder = Path(root) / "enchant" if root else None
    return folder if folder is not None and (folder / "hunspell").is_dir() else None


def _use_bundled_dictionaries() -> bool:
    """Let enchant also search the bundled dictionaries; True when that is new.

    enchant reads ENCHANT_CONFIG_DIR on every lookup and searches its ``hunspell/`` before the
    system folders, so it is set only once the machine's own dictionaries came up short, and
    never over a folder the user chose.
    """
    folder = bundled_dictionaries()
    if folder is None or os.environ.get("ENCHANT_CONFIG_DIR"):
        return False
    os.environ["ENCHANT_CONFIG_DIR"] = str(folder)
    return True


class Speller:
    """One Hunspell dictionary plus the site's own words. Not shared between threads: each
    thread that checks opens its own.

    Each speller has an enchant broker of its own: enchant's shared broker hands every
    ``Dict(tag)`` of a language the same Hunspell object, which is not thread-safe, so checks on
    one thread while another asked for suggestions came back misspelled now and then."""

    def __init__(self, tag: str, site_words: Iterable[str] = ()) -> None:
        enchant = _enchant()
        if enchant is None:
            raise LookupError("pyenchant or the enchant library is not installed")
        self.tag = tag
        with _BROKER_LOCK:  # a new broker reads the providers and the environment
            self._broker = enchant.Broker()
            self._dict = enchant.Dict(tag, self._broker)
        self.site_words = set(site_words)
        self._known: dict[str, bool] = {}

    def check(self, word: str) -> bool:
        if word in self.site_words:
            return True
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = bool(self._dict.check(word.replace("’", "'")))
        return known

    def check_all(self, words: Iterable[str]) -> dict[str, bool]:
        return {word: self.check(word) for word in words}

    def suggest(self, word: str, limit: int = 6) -> list[str]:
        return [s for s in self._dict.suggest(word.replace("’", "'")) if s != word][:limit]


def open_speller(language: str, site_words: Iterable[str] = ()) -> Speller | None:
    """A speller for the site language, or None when no dictionary (or no enchant) exists."""
    tag = dictionary_tag(language)
    return Speller(tag, site_words) if tag else None


_LOCAL = threading.local()


@lru_cache(maxsize=8)
def _cached_tag(language: str) -> str | None:
    return dictionary_tag(language)


def misspelled(words: Iterable[str], language: str, site_words: Iterable[str] = ()) -> list[str] | None:
    """The distinct misspelled words in order of first use, or None when the language has
    no dictionary here."""
    tag = _cached_tag(language)
    if tag is None:
        return None
    spellers = _LOCAL.__dict__.setdefault("spellers", {})
    speller = spellers.get(tag)
    if speller is None:  # loading a dictionary takes a while: once per thread and language
        speller = spellers[tag] = Speller(tag)
    speller.site_words = set(site_words)
    seen: dict[str, None] = {}
    for word in words:
        if word not in seen and not speller.check(word):
            seen[word] = None
    return list(seen)
