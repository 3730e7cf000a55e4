"""The prose words of markdown: syntax, URLs, e-mail addresses and code are masked out first."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Masked pieces become spaces of the same length, so offsets into the line stay right.
_MASKS = (
    re.compile(r"`+[^`\n]*`+"),  # inline code
    re.compile(r"\]\([^)\n]*\)"),  # link and image targets: ](url "title")
    re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*\S+.*$"),  # reference definitions: [id]: url
    re.compile(r"</?[A-Za-z][^>\n]*>"),  # HTML tags and <https://autolinks>
    re.compile(r"&#?\w+;"),  # HTML entities
    re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),  # e-mail addresses
    re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE),  # URLs
    re.compile(r"\b(?:[\w-]+\.)+(?:com|org|net|edu|gov|io|de|uk|fr|es|it|eu|info|co)\b(?:/\S*)?",
               re.IGNORECASE),  # bare domains
    re.compile(r"\S*/\S*"),  # paths and anything with a slash
    re.compile(r"\{[#.][^}\n]*\}"),  # attribute lists {#id .class}
)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_TOKEN = re.compile(r"[\w’'-]+")
_EDGE = "’'-"


def mask(line: str) -> str:
    """``line`` with markdown syntax, URLs, e-mail addresses and code replaced by spaces."""
    for rule in _MASKS:
        line = rule.sub(lambda m: " " * len(m.group(0)), line)
    return line


def is_fence(line: str) -> bool:
    return bool(_FENCE.match(line))


def _parts(token: str, start: int) -> Iterator[tuple[int, int, str]]:
    """Hyphenated words are checked part by part; apostrophes stay inside a word (don't)."""
    offset = 0
    for part in token.split("-"):
        core = part.strip(_EDGE)
        if core:
            lead = len(part) - len(part.lstrip(_EDGE))
            begin = start + offset + lead
            yield begin, begin + len(core), core
        offset += len(part) + 1


def _checkable(word: str) -> bool:
    if len(word) < 2 or any(ch.isdigit() or ch == "_" for ch in word):
        return False
    return not (word.isupper() and len(word) > 1)  # acronyms: NATO, BBC


def spell_words(line: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every word of one markdown line (outside fenced code) worth a
    spelling check: no syntax, URL, address, code, acronym or word with digits or underscores."""
    out: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(mask(line)):
        token = match.group(0)
        core = token.strip("_")  # _emphasis_ and __strong__ markers
        if any(ch.isdigit() or ch == "_" for ch in core):
            continue  # slugs, ids, 3rd, file_names
        lead = len(token) - len(token.lstrip("_"))
        for start, end, word in _parts(core, match.start() + lead):
            if _checkable(word):
                out.append((start, end, word))
    return out


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
