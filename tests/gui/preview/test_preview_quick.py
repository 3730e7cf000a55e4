"""The provisional long-read update agrees with the exact render for ordinary edits."""

from __future__ import annotations

import pytest

from digest_desk import render
from digest_desk.ui.preview.quick import quick_blocks

PARAS = [f"Paragraph {n} says *something* about [topic {n}](https://example.com/{n})." for n in range(30)]
BASE = "\n\n".join(["# Title", *PARAS[:10], "- one\n- two\n\n- three", *PARAS[10:]])


def shape(blocks):
    return [(b.line, b.html) for b in blocks]


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("Paragraph 5 says", "Paragraph 5 now says"),       # inside a block
    lambda t: t.replace("Paragraph 0 says", "New para.\n\nParagraph 0 says"),  # a block added
    lambda t: t.replace("\n\nParagraph 7 says *something* about [topic 7](https://example.com/7).", ""),
    lambda t: t.replace("- two\n", "- two\n- two and a half\n"),          # a list grows
    lambda t: t + "\n\nA closing line.",                                      # at the very end
    lambda t: "Lead line.\n\n" + t,                                           # at the very start
    lambda t: t.replace("Paragraph 20", "## Heading\n\nParagraph 20"),
])
@pytest.mark.parametrize("rendition", ["standard", "simplified"])
def test_quick_update_matches_the_exact_render(edit, rendition):
    ctx = render.RenderContext()
    old_blocks = render.render_blocks(BASE, rendition, ctx)
    new_body = edit(BASE)
    assert new_body != BASE
    quick = quick_blocks(BASE, old_blocks, new_body, rendition, ctx)
    assert shape(quick) == shape(render.render_blocks(new_body, rendition, ctx))


def test_no_shortcut_without_shown_blocks():
    assert quick_blocks("", [], "text", "standard", render.RenderContext()) is None
