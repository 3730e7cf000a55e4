"""The heading-level check in the window: its Fix renumbers the markdown, undoably, and the preview agrees."""

from __future__ import annotations

import pytest

from digest_desk import render
from digest_desk.store.articles import create_article
from digest_desk.ui.preview.quick import quick_blocks

BODY = "Intro.\n\n### First\n\nText.\n\n##### Deeper\n\nMore."


def test_the_heading_fix_rewrites_the_body_and_can_be_undone(window, qtbot, store):
    article = create_article(store, title="Imported story", body=BODY)
    panel = window.live.checks
    with qtbot.waitSignal(panel.problems_changed, timeout=20000,
                          check_params_cb=lambda ps: any(p.code == "structure.heading-levels" for p in ps)):
        window.load_article(article.id)
    row = next(i for i, p in enumerate(panel.problems()) if p.code == "structure.heading-levels")
    item = panel.tree.topLevelItem(row)
    panel.tree.setCurrentItem(item)
    panel.tree.itemActivated.emit(item, 0)
    assert window.editor.body.current_line() == 3
    with qtbot.waitSignal(panel.problems_changed, timeout=20000,
                          check_params_cb=lambda ps: not any(p.code == "structure.heading-levels" for p in ps)):
        panel.request_fix()
    body = window.editor.body
    assert body.toPlainText() == "Intro.\n\n## First\n\nText.\n\n### Deeper\n\nMore."
    body.undo()
    assert body.toPlainText() == BODY


PARAS = [f"Paragraph {n} about [topic {n}](https://example.com/{n})." for n in range(24)]
LONG = "\n\n".join(["### Section", *PARAS[:12], "##### Deep", *PARAS[12:]])


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("Paragraph 20", "#### Sub\n\nParagraph 20"),  # levelled under the headings before it
    lambda t: t.replace("Paragraph 18", "### Section\n\nParagraph 18"),  # its id numbered after the first
    lambda t: t.replace("##### Deep", "## Deep"),
])
@pytest.mark.parametrize("rendition", ["standard", "simplified"])
def test_the_quick_preview_update_levels_headings_as_the_exact_render(edit, rendition):
    ctx = render.RenderContext()
    old = render.render_blocks(LONG, rendition, ctx)
    quick = quick_blocks(LONG, old, edit(LONG), rendition, ctx)
    exact = render.render_blocks(edit(LONG), rendition, ctx)
    assert [(b.line, b.html) for b in quick] == [(b.line, b.html) for b in exact]
