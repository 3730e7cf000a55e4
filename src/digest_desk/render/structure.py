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
from collections.abc import Sequence
from html import unescape

TOP_LEVEL = 2  # the page's headline is the h1; body headings start right under it
_ATTRS = r'[^<>"]*(?:"[^"]*"[^<>"]*)*'
_HEADING = re.compile(rf'<h([1-6])(\s{_ATTRS})?>((?:[^<]++|<(?!/h\1>){_ATTRS}>)*+)</h\1>')
_TAG = re.compile(rf"<[A-Za-z]{_ATTRS}>")
_ANY_TAG = re.compile(rf"</?[A-Za-z]{_ATTRS}>")
_ID = re.compile(r' id="([^"]*)"')


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
    if keep and keep in inner:
        return False
    return not unescape(_ANY_TAG.sub("", inner)).strip()


def tidy_structure(pieces: Sequence[str], reserved: frozenset[str] = frozenset(), keep: str = "") -> list[str]:
    """The blocks of one body with headings levelled, empty headings removed and ids unique
    (a later duplicate gets ``-2``, ``-3``…; ``reserved`` ids belong to the page around)."""
    kept = [_HEADING.sub(lambda m: "" if _is_empty(m.group(3), keep) else m.group(0), p) if "<h" in p else p
            for p in pieces]
    found = [int(m.group(1)) for p in kept if "<h" in p for m in _HEADING.finditer(p)]
    levels = iter(level_map(found))

    def relevel(m: re.Match[str]) -> str:
        level = next(levels)
        return f"<h{level}{m.group(2) or ''}>{m.group(3)}</h{level}>"

    levelled = [_HEADING.sub(relevel, p) if "<h" in p else p for p in kept]
    seen = set(reserved)
    return [_unique_ids(p, seen) if " id=" in p else p for p in levelled]


def _unique_ids(html: str, seen: set[str]) -> str:
    def tag(m: re.Match[str]) -> str:
        return _ID.sub(ident, m.group(0)) if " id=" in m.group(0) else m.group(0)

    def ident(m: re.Match[str]) -> str:
        base = value = m.group(1)
        n = 1
        while value in seen:
            n += 1
            value = f"{base}-{n}"
        seen.add(value)
        return f' id="{value}"'

    return _TAG.sub(tag, html)
