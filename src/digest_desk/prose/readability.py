"""Readability of a markdown body: Flesch reading ease, grade level, sentence lengths."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from digest_desk.prose.words import is_fence, mask

LONG_SENTENCE_WORDS = 30
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_END = re.compile(r"[.!?]+")
_BREAK_LINE = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\||$)")  # starts a new sentence
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "prof", "e.g", "i.e", "etc", "vs", "no",
                            "jan", "feb", "aug", "sept", "oct", "nov", "dec", "z.b", "bzw", "ca"})
_VOWELS = re.compile(r"[aeiouyäöüéèàáíóú]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int  # offset in the body
    end: int
    words: int


@dataclass(frozen=True, slots=True)
class Readability:
    words: int
    sentences: tuple[Sentence, ...]
    syllables: int
    reading_ease: float | None  # Flesch (Amstad's version for German); None without words
    grade: float | None  # Flesch-Kincaid grade level
    long_limit: int

    @property
    def average_sentence(self) -> float:
        return self.words / len(self.sentences) if self.sentences else 0.0

    @property
    def long_sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for s in self.sentences if s.words > self.long_limit)


@lru_cache(maxsize=8)
def _hyphenator(language: str) -> object | None:
    import pyphen  # noqa: PLC0415 - pure Python, but only readability needs it

    tag = pyphen.language_fallback((language or "en").replace("-", "_")) or "en"
    return pyphen.Pyphen(lang=tag)


@lru_cache(maxsize=50_000)
def syllables(word: str, language: str = "en") -> int:
    """Syllables of one word: pyphen's hyphenation points, or the vowel groups when there are
    more (hyphenation leaves short words and some endings whole)."""
    hyphenator = _hyphenator(language)
    points = len(hyphenator.positions(word.lower())) + 1 if hyphenator is not None else 1  # type: ignore[attr-defined]
    groups = len(_VOWELS.findall(word))
    if word.lower().endswith("e") and groups > 1 and not word.lower().endswith(("le", "ee")):
        groups -= 1  # silent e: "make"
    return max(1, points, groups)


def _ends_sentence(masked: str, word_end: int, word: str) -> bool:
    end = _END.match(masked, word_end)
    if not end:
        return False
    return not (end.group(0) == "." and word.lower() in _ABBREVIATIONS)


def sentences(body: str) -> list[Sentence]:
    """The sentences of a markdown body (code and syntax left out), with their word counts."""
    found: list[Sentence] = []
    start = end = words = 0
    offset, fenced = 0, False

    def close() -> None:
        nonlocal words
        if words:
            found.append(Sentence(start, end, words))
        words = 0

    for line in body.split("\n"):
        if is_fence(line):
            fenced = not fenced
            close()
        elif not fenced:
            if _BREAK_LINE.match(line):
                close()
            masked = mask(line)
            for match in _WORD.finditer(masked):
                if not words:
                    start = offset + match.start()
                words += 1
                end = offset + match.end()
                if _ends_sentence(masked, match.end(), match.group(0)):
                    end += len(_END.match(masked, match.end()).group(0))  # type: ignore[union-attr]
                    close()
            if line.lstrip().startswith("#"):
                close()  # a heading is a sentence of its own
        offset += len(line) + 1
    close()
    return found


def readability(body: str, language: str = "en", long_limit: int = LONG_SENTENCE_WORDS) -> Readability:
    """Reading ease, grade level and the sentences of ``body``."""
    found = tuple(sentences(body))
    words = [w for line in _prose_lines(body) for w in _WORD.findall(mask(line))]
    count = len(words)
    syl = sum(syllables(w, language) for w in words if not w.isdigit())
    if not count or not found:
        return Readability(count, found, syl, None, None, long_limit)
    per_sentence, per_word = count / len(found), syl / count
    if language.lower().startswith("de"):
        ease = 180 - per_sentence - 58.5 * per_word
    else:
        ease = 206.835 - 1.015 * per_sentence - 84.6 * per_word
    grade = 0.39 * per_sentence + 11.8 * per_word - 15.59
    return Readability(count, found, syl, round(ease, 1), round(grade, 1), long_limit)


def _prose_lines(body: str) -> list[str]:
    out, fenced = [], False
    for line in body.split("\n"):
        if is_fence(line):
            fenced = not fenced
        elif not fenced:
            out.append(line)
    return out
