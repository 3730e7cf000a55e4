"""Split a markdown body into top-level blocks with their source lines, and defuse slow input."""

from __future__ import annotations

import re
from typing import NamedTuple

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BULLET = re.compile(r"^ {0,3}[*+-]\s")
_NUMBERED = re.compile(r"^ {0,3}\d{1,9}[.)]\s")
_QUOTE = re.compile(r"^ {0,3}>")
_DEEP_QUOTE = re.compile(r"^((?:\s*>){16})(?:\s*>)+")
MAX_BRACKETS_PER_BLOCK = 200
# Bracket storms are parked on private-use characters no markdown rule looks at, then restored.
PARKED = str.maketrans("[]()", "\ue000\ue001\ue002\ue003")
UNPARK = str.maketrans("\ue000\ue001\ue002\ue003", "[]()")


def has_fence(text: str) -> bool:
    """Whether ``text`` holds a code fence's opening (three backticks or tildes). A search for
    one character is a memchr, some twenty times quicker than one for three; most bodies hold
    neither character, so the longer search is skipped."""
    return ("`" in text and "```" in text) or ("~" in text and "~~~" in text)


class Chunk(NamedTuple):  # a tuple: made for every block of every body, faster than a frozen dataclass
    line: int  # 1-based line of the block's first line in the body
    text: str


def _kind(line: str) -> str:
    if line[:1].isalpha():  # most lines: every marker below starts with a space or a sign
        return "other"
    if _BULLET.match(line):
        return "bullets"
    if _NUMBERED.match(line):
        return "numbers"
    if _QUOTE.match(line):
        return "quote"
    return "other"


def _continues(line: str, prev_kind: str) -> bool:
    """Whether a line after a blank line still belongs to the block before it."""
    if line.startswith(("    ", "\t")):
        return True
    kind = _kind(line)
    return kind != "other" and kind == prev_kind


# Blank lines (only whitespace, as str.strip sees it: the same set as the regex's \s) after a
# line end; leading ones of a body.
_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n)+")
_LEADING_BLANKS = re.compile(r"(?:[^\S\n]*\n)*")


def split_chunks(body: str) -> list[Chunk]:
    """Top-level blocks separated by blank lines, keeping fences, lists and quotes whole."""
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    chunks = split_lines(body) if has_fence(body) else _split_paragraphs(body)
    # A block's text is a part of the body: without a storm of brackets or a ">" in the
    # whole body, defuse leaves every block as it is, and it is not called.
    if _bracket_storm(body):
        return [defuse(c) for c in chunks]
    if ">" in body:
        return [defuse(c) if ">" in c.text else c for c in chunks]
    return chunks


def _bracket_storm(text: str) -> bool:
    """More brackets than defuse lets through (counted over all of ``text``)."""
    return "[" in text and text.count("[") + text.count("(") > MAX_BRACKETS_PER_BLOCK


def _split_paragraphs(body: str) -> list[Chunk]:
    """split_lines for a body without fences, a run of lines at a time: each run of non-blank
    lines after blank ones starts a block unless it continues the block before (as a line
    after a blank line does there). A block's text is the body from its first line to the
    next block's, without the trailing line ends and spaces, as there."""
    chunks: list[Chunk] = []
    pos = _LEADING_BLANKS.match(body).end()
    first = _first_line(body, pos)
    if not first.strip():
        return chunks  # only blank lines
    start, kind = pos, _kind(first)
    starts = [m.end() for m in _BLANK_RUN.finditer(body, pos)]
    line, counted = 1, 0
    end = len(body)
    for at in starts:
        if at == end:
            break  # the body ends with blank lines
        if body[at].isalpha():  # most blocks: a line of words is neither blank, indented nor a marker
            first_kind = "other"
        else:
            first = _first_line(body, at)
            if not first or first.isspace() or first.startswith(("    ", "\t")):
                continue  # a last line of only whitespace, or an indented line: the block goes on
            if (first_kind := _kind(first)) != "other" and first_kind == kind:
                continue  # more of the same list or quote (as _continues)
        line += body.count("\n", counted, start)
        counted = start
        chunks.append(Chunk(line, body[start:at - 1].rstrip("\n ")))
        start, kind = at, first_kind
    line += body.count("\n", counted, start)
    chunks.append(Chunk(line, body[start:].rstrip("\n ")))
    return chunks


def _first_line(body: str, at: int) -> str:
    end = body.find("\n", at)
    return body[at:] if end < 0 else body[at:end]


def split_lines(body: str) -> list[Chunk]:
    """split_chunks line by line (before defusing), for any body with ``\n`` line ends."""
    lines = body.split("\n")
    chunks: list[Chunk] = []
    current: list[str] = []
    start = 0
    fence = ""
    blank_before = False
    kind = "other"
    fences = has_fence(body)  # most bodies have none: skip the per-line check
    for number, line in enumerate(lines, 1):
        if fence:
            current.append(line)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if not line.strip():
            blank_before = bool(current)
            if current:
                current.append(line)
            continue
        if current and blank_before and not _continues(line, kind):
            chunks.append(Chunk(start, "\n".join(current).rstrip("\n ")))
            current = []
        if not current:
            start = number
            kind = _kind(line)
        current.append(line)
        blank_before = False
        m = _FENCE.match(line) if fences else None
        if m:
            fence = m.group(1)
    if current:
        chunks.append(Chunk(start, "\n".join(current).rstrip("\n ")))
    return chunks


def defuse(chunk: Chunk) -> Chunk:
    """Tame inputs Python-Markdown handles in quadratic time (bracket storms, deep quotes)."""
    text = chunk.text
    if _bracket_storm(text) and not _FENCE.match(text):
        text = text.translate(PARKED)
    if ">" in text:
        text = "\n".join(_DEEP_QUOTE.sub(r"\1", line) for line in text.split("\n"))
    if text is chunk.text:
        return chunk
    return Chunk(chunk.line, text)
