"""The heading-level check in the window: its Fix renumbers the markdown, undoably, and the preview agrees."""

from __future__ import annotations

from digest_desk.store.articles import create_article

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
