"""Spelling and sentence length of an article: advice for the editor, never an error."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from digest_desk.checks.problems import Problem
from digest_desk.domain import Article, Site
from digest_desk.prose.readability import sentences
from digest_desk.prose.speller import misspelled
from digest_desk.prose.words import body_spell_words, spell_words

SHOWN_WORDS = 12  # a long list is cut: "… and 9 more"


def _article_words(article: Article) -> Iterator[tuple[int | None, str]]:
    for field in (article.title or "", article.summary or ""):
        for _start, _end, word in spell_words(field):
            yield None, word
    yield from body_spell_words(article.body or "")


def check_spelling(article: Article, site: Site, site_words: Iterable[str] = ()) -> list[Problem]:
    """One grouped problem naming the possible misspellings of headline, summary and body
    (the line of the first body one). Nothing when the site language has no dictionary here."""
    found = list(_article_words(article))
    wrong = misspelled((word for _line, word in found), site.language or "en", site_words)
    if not wrong:
        return []
    first = next((line for line, word in found if word == wrong[0]), None)
    shown = ", ".join(wrong[:SHOWN_WORDS])
    more = f" and {len(wrong) - SHOWN_WORDS} more" if len(wrong) > SHOWN_WORDS else ""
    noun = "possible misspelling" if len(wrong) == 1 else "possible misspellings"
    return [Problem("info", "editorial.spelling",
                    f"{len(wrong)} {noun}: {shown}{more}. Correct them, or add names and house "
                    "words to the site dictionary (right-click the word in the editor).",
                    first)]


def check_sentence_length(article: Article, site: Site) -> list[Problem]:
    """A warning naming how many sentences run over the site's limit, at the first one."""
    limit = site.long_sentence_words or 30
    body = article.body or ""
    long = [s for s in sentences(body) if s.words > limit]
    if not long:
        return []
    line = body.count("\n", 0, long[0].start) + 1
    what = "1 sentence has" if len(long) == 1 else f"{len(long)} sentences have"
    longest = max(s.words for s in long)
    return [Problem("warning", "editorial.long-sentences",
                    f"{what} more than {limit} words (the longest {longest}): split them so "
                    "readers keep up.", line)]
