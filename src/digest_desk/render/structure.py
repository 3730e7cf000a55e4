"""Document structure over a whole body: heading levels under the page's h1, no empty headings,
unique ids.

These rules depend on earlier blocks (a heading's level on the headings before it, an id on the
ids before it), so they run once over every block of the body in document order, after each
block is sanitised: a block's HTML is then the same whether the page or the preview asks for it.
The input is sanitised HTML: every ``<`` outside a tag is escaped and every attribute value is
double-quoted without a raw ``"`` in it, so tags can be found by a regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import partial
from html import unescape
from typing import NamedTuple

TOP_LEVEL = 2  # the page's headline is the h1; body headings start right under it
_ATTRS = r'[^<>"]*(?:"[^"]*"[^<>"]*)*'
_HEADING = re.compile(rf'<h([1-6])(\s{_ATTRS})?>((?:[^<]++|<(?!/h\1>){_ATTRS}>)*+)</h\1>')
_TAG = re.compile(rf"<[A-Za-z]{_ATTRS}>")
_ANY_TAG = re.compile(rf"</?[A-Za-z]{_ATTRS}>")
_ID = re.compile(r' id="([^"]*)"')

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Python-Markdown reads "#" at the start of a line as a heading (no space needed), also inside
# list items and block quotes; the heading's text ends before any closing #s.
_ATX = re.compile(r"^((?:> *|(?:[-*+]|\d{1,9}[.)]) +)*)(#{1,6})(?!#)(.*?)#*\s*$")
_LIST_OR_QUOTE = re.compile(r"^ {0,3}(?:>|[-*+] |\d{1,9}[.)] )")
_SETEXT = re.compile(r"^(=+|-+) *$")


class SourceHeading(NamedTuple):
    line: int  # 1-based
    level: int
    text: str
    setext: bool  # underlined with === or ---: the underline is the next line


def source_headings(body: str) -> list[SourceHeading]:
    """The body's markdown headings that render as headings, in order (empty ones, which the
    renderer drops, left out)."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found: list[SourceHeading] = []
    fence = ""
    for i, line in enumerate(lines):
        if fence:
            if (m := _FENCE.match(line)) and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = ""
            continue
        if m := _FENCE.match(line):
            fence = m.group(1)
            continue
        heading = _heading(lines, i)
        if heading is not None and heading.text.strip():
            found.append(heading)
    return found


def _heading(lines: list[str], i: int) -> SourceHeading | None:
    line = lines[i]
    if line.startswith(" ") and not _LIST_OR_QUOTE.match(line):
        return None  # indented: code or a continuation, not a heading
    m = _ATX.match(line.lstrip(" ") if _LIST_OR_QUOTE.match(line) else line)
    if m is not None:
        return SourceHeading(i + 1, len(m.group(2)), m.group(3).strip(), False)
    starts_block = i == 0 or not lines[i - 1].strip()
    if starts_block and line.strip() and i + 1 < len(lines) and (u := _SETEXT.match(lines[i + 1])):
        return SourceHeading(i + 1, 1 if u.group(1)[0] == "=" else 2, line.strip(), True)
    return None


def heading_outline(text: str) -> str:
    """Only the headings of ``text``, one ATX line each: what later text needs to be levelled
    and numbered as it would be after all of ``text`` (the preview's quick update)."""
    return "\n\n".join("#" * h.level + " " + h.text for h in source_headings(text))


def level_map(levels: Sequence[int], top: int = TOP_LEVEL) -> list[int]:
    """Levels without gaps: the first heading at ``top``; each heading one below the nearest
    earlier heading of a smaller source level (so siblings stay siblings), at most 6."""
    out: list[int] = []
    parents: list[tuple[int, int]] = []  # (source level, shown level), source levels increasing
    for level in levels:
        while parents and parents[-1][0] >= level:
            parents.pop()
        shown = min(6, parents[-1][1] + 1) if parents else top
        parents.append((level, shown))
        out.append(shown)
    return out


def _is_empty(inner: str, keep: str) -> bool:
    """A heading with no text a reader (or a screen reader) would get. ``keep`` is a mark
    (our embed placeholders) that counts as content."""
    if "<" not in inner and "&" not in inner:
        return not inner.strip()
    if keep and keep in inner:
        return False
    return not unescape(_ANY_TAG.sub("", inner)).strip()


def tidy_structure(pieces: Sequence[str], reserved: frozenset[str] = frozenset(), keep: str = "") -> list[str]:
    """The blocks of one body with headings levelled, empty headings removed and ids unique
    (a later duplicate gets ``-2``, ``-3``…; ``reserved`` ids belong to the page around)."""
    out = list(pieces)
    # Only pieces with a heading or an id can change (most hold neither; "=" is a memchr).
    marked = [i for i, p in enumerate(pieces) if "<h" in p or ("=" in p and " id=" in p)]
    found = {i: [(int(m.group(1)), _is_empty(m.group(3), keep)) for m in _HEADING.finditer(pieces[i])]
             for i in marked if "<h" in pieces[i]}
    shown = iter(level_map([level for i in marked for level, empty in found.get(i, ()) if not empty]))
    seen = set(reserved)
    for i in marked:
        piece, heads = pieces[i], found.get(i)
        if heads:
            new = [None if empty else next(shown) for _, empty in heads]
            if any(n != level for n, (level, _) in zip(new, heads, strict=True)):
                piece = _HEADING.sub(partial(_relevelled, iter(new)), piece)
        out[i] = _unique_ids(piece, seen) if " id=" in piece else piece
    return out


def _relevelled(levels: Iterator[int | None], m: re.Match[str]) -> str:
    level = next(levels)
    return "" if level is None else f"<h{level}{m.group(2) or ''}>{m.group(3)}</h{level}>"


def _unique_ids(html: str, seen: set[str]) -> str:
    ids = _ID.findall(html)
    if len(ids) == 1 and html.startswith("<h") and ids[0] not in seen:  # a heading alone: most blocks with an id
        seen.add(ids[0])
        return html

    def tag(m: re.Match[str]) -> str:
        return _ID.sub(ident, m.group(0)) if " id=" in m.group(0) else m.group(0)

    def ident(m: re.Match[str]) -> str:
        return _new_id(m.group(1), seen)

    return _TAG.sub(tag, html)


def _new_id(base: str, seen: set[str]) -> str:
    value, n = base, 1
    while value in seen:
        n += 1
        value = f"{base}-{n}"
    seen.add(value)
    return f' id="{value}"'
