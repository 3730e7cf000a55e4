"""A fast, provisional body update for long reads: re-render only the blocks around the edit."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from typing import Any

from digest_desk import render

_LINE_ATTR = re.compile(r'data-line="\d+"')
RenderBlocks = Callable[..., list[Any]]  # as render.render_blocks: (body, rendition, ctx, before=text)


def relined(block: Any, line: int) -> Any:
    """The same block moved to source ``line`` (its wrapper's ``data-line`` too)."""
    if block.line == line:
        return block
    html = _LINE_ATTR.sub(f'data-line="{line}"', block.html, count=1)
    return render.Block(block.key, line, html)


def _changed_lines(old: list[str], new: list[str]) -> tuple[int, int] | None:
    """1-based first changed old line and the count of unchanged lines at the end."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    if head == len(old) == len(new):
        return None
    tail = 0
    while tail < limit - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    return head + 1, tail


def quick_blocks(old_body: str, old_blocks: Sequence[Any], new_body: str, rendition: str,
                 ctx: Any, render_blocks: RenderBlocks | None = None) -> list[Any] | None:
    """The new block list, rendering only the edited blocks and one neighbour on each side.

    Provisional: the region is rendered on its own, so a reference link or footnote defined
    elsewhere shows raw until the exact render replaces it. None when no shortcut applies.
    """
    starts = [block.line for block in old_blocks]
    if not starts or any(a > b for a, b in zip(starts, starts[1:], strict=False)):
        return None  # nothing shown yet, or blocks out of source order (footnotes)
    old_lines, new_lines = old_body.split("\n"), new_body.split("\n")
    changed = _changed_lines(old_lines, new_lines)
    if changed is None:
        return list(old_blocks)
    first, tail = changed
    last = max(len(old_lines) - tail, first)
    delta = len(new_lines) - len(old_lines)
    i0 = max(bisect.bisect_right(starts, first) - 2, 0)  # the edited block and the one before
    i1 = min(bisect.bisect_right(starts, last) + 1, len(starts))  # and the one after
    start_line = 1 if i0 == 0 else starts[i0]
    end_line = starts[i1] + delta - 1 if i1 < len(starts) else len(new_lines)
    region = "\n".join(new_lines[start_line - 1:end_line])
    before = "\n".join(new_lines[:start_line - 1])  # heading levels and ids continue from it
    render_blocks = render_blocks or render.render_blocks
    fresh = [relined(b, b.line + start_line - 1) for b in render_blocks(region, rendition, ctx, before=before)]
    after = [relined(b, b.line + delta) for b in old_blocks[i1:]]
    return [*old_blocks[:i0], *fresh, *after]
