"""The prose words of markdown: syntax, URLs, e-mail addresses and code are masked out first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# Masked pieces become spaces of the same length, so offsets into the line stay right. Each rule
# runs only when its cheap guard is in the line (the editor masks every block it colours).
_TLD = r"(?:com|org|net|edu|gov|io|de|uk|fr|es|it|eu|info|co)"
_MASKS: tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...] = (
    (re.compile(r"`+[^`\n]*`+"), re.compile("`")),  # inline code
    (re.compile(r"\]\([^)\n]*\)"), re.compile(r"\]\(")),  # link and image targets: ](url "title")
    (re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*\S+.*$"), re.compile(r"\]:")),  # [id]: url
    (re.compile(r"</?[A-Za-z][^>\n]*>"), re.compile("<")),  # HTML tags and <https://autolinks>
    (re.compile(r"&#?\w+;"), re.compile("&")),  # HTML entities
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), re.compile("@")),  # e-mail addresses
    (re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE),
     re.compile(r"://|www\.", re.IGNORECASE)),  # URLs
    (re.compile(rf"\b(?:[\w-]+\.)+{_TLD}\b(?:/\S*)?", re.IGNORECASE),
     re.compile(rf"\w\.{_TLD}\b", re.IGNORECASE)),  # bare domains
    (re.compile(r"(?<!\S)[^\s/]*/\S*"), re.compile("/")),  # paths and anything with a slash
    (re.compile(r"\{[#.][^}\n]*\}"), re.compile(r"\{")),  # attribute lists {#id .class}
)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_LETTERS = r"[^\W\d_]+(?:['’][^\W\d_]+)*"  # apostrophes stay inside a word: don't, rock’n’roll
# A whole token of letters (maybe hyphenated): a token touching digits or underscores (slugs,
# ids, 3rd, file_names) gives no word at all.
_WORD = re.compile(rf"(?<!\w)(?<!\w[-'’]){_LETTERS}(?:-{_LETTERS})*(?!\w)(?![-'’]\w)")
_EMPHASIS = re.compile(r"(?<!\w)_+|_+(?!\w)")  # _emphasis_ and __strong__ markers


def _spaces(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def mask(line: str) -> str:
    """``line`` with markdown syntax, URLs, e-mail addresses and code replaced by spaces."""
    for rule, guard in _MASKS:
        if guard is None or guard.search(line):
            line = rule.sub(_spaces, line)
    return line


def is_fence(line: str) -> bool:
    return bool(_FENCE.match(line))


@lru_cache(maxsize=8192)
def spell_words(line: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, word) of every word of one markdown line (outside fenced code) worth a
    spelling check: no syntax, URL, address, code, acronym or word with digits or underscores.
    Cached per line: the editor asks again for every block it colours anew."""
    text = mask(line)
    if "_" in text:
        text = _EMPHASIS.sub(_spaces, text)
    out: list[tuple[int, int, str]] = []
    for match in _WORD.finditer(text):
        token = match.group(0)
        if "-" not in token:
            if len(token) > 1 and not token.isupper():  # acronyms: NATO, BBC
                out.append((match.start(), match.end(), token))
            continue
        at = match.start()
        for part in token.split("-"):  # hyphenated words are checked part by part
            if len(part) > 1 and not part.isupper():
                out.append((at, at + len(part), part))
            at += len(part) + 1
    return tuple(out)


def body_spell_words(body: str) -> Iterator[tuple[int, str]]:
    """(line number, word) of every checkable word of a markdown body, fenced code left out."""
    fenced = False
    for number, line in enumerate(body.split("\n"), 1):
        if is_fence(line):
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")) and not line.strip().startswith(("-", "*", "+")):
            continue
        for _start, _end, word in spell_words(line):
            yield number, word
