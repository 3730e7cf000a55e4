"""The smallest splice that turns one list of rendered body blocks into the next."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

_WRAPPER_ATTRS = re.compile(r'\sdata-(?:key|line)="[^"]*"')


class BlockLike(Protocol):
    key: str
    line: int
    html: str


@dataclass(frozen=True)
class Splice:
    """Remove ``delete`` blocks at ``start``, insert ``inserted`` there, then renumber lines.

    ``lines`` are the new ``data-line`` values of the blocks from index ``lines_from`` on.
    """

    start: int
    delete: int
    inserted: tuple[str, ...]
    lines_from: int
    lines: tuple[int, ...]
    total: int

    def as_args(self) -> list[object]:
        return [self.start, self.delete, list(self.inserted), self.lines_from, list(self.lines),
                self.total]


def diff_blocks(old: Sequence[BlockLike], new: Sequence[BlockLike]) -> Splice | None:
    """None when nothing changed; else the one contiguous splice covering every change."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and _same(old[head], new[head]):
        head += 1
    tail = 0
    while tail < limit - head and _same(old[len(old) - 1 - tail], new[len(new) - 1 - tail]):
        tail += 1
    start, old_end, new_end = head, len(old) - tail, len(new) - tail
    first_moved = _first_line_change(old, new, start, old_end, new_end)
    if start == old_end and start == new_end and first_moved is None:
        return None
    lines_from = len(new) if first_moved is None else first_moved
    return Splice(
        start=start,
        delete=old_end - start,
        inserted=tuple(block.html for block in new[start:new_end]),
        lines_from=lines_from,
        lines=tuple(block.line for block in new[lines_from:]),
        total=len(new),
    )


def _same(a: BlockLike, b: BlockLike) -> bool:
    """Same content. Keys may differ for equal content (a repeated paragraph's occurrence number
    shifts when an earlier copy changes), so equal HTML apart from the wrapper counts too."""
    if a.key == b.key:
        return True
    return _WRAPPER_ATTRS.sub("", a.html, count=2) == _WRAPPER_ATTRS.sub("", b.html, count=2)


def _first_line_change(old: Sequence[BlockLike], new: Sequence[BlockLike], start: int,
                       old_end: int, new_end: int) -> int | None:
    """Index (in ``new``) of the first kept block whose source line moved, if any."""
    for index in range(start):
        if old[index].line != new[index].line:
            return index
    for offset in range(len(new) - new_end):
        if old[old_end + offset].line != new[new_end + offset].line:
            return new_end + offset
    return None
