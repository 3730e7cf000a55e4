"""Panel edits reach both renditions: what the window does on ``links_changed`` (render + autosave)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from digest_desk.links.edits import link_rows
from digest_desk.render import RenderContext, preview_simplified, preview_standard
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.site import get_site


def test_edits_undo_and_redo_change_both_renditions(qtbot, store, panel, stack, article):
    site = get_site(store)
    target = create_article(store, title="Dam inspection", body="The dam.")
    pages: dict[str, str] = {}
    current = {"article": article}

    def on_links_changed(links):
        # What the window does: autosave, then re-render both previews.
        saved = save_article(store, current["article"], links=links)
        current["article"] = saved
        shown = get_article(store, saved.id)
        shown.links = link_rows(links, saved.id)
        ctx = RenderContext(slugs={target.id: "dam-inspection", saved.id: saved.slug})
        pages["standard"] = preview_standard(shown, site, ctx)
        pages["simplified"] = preview_simplified(shown, site, ctx)

    panel.links_changed.connect(on_links_changed)
    panel.add_internal_link(target.id, "Dam inspection")
    std, amp = pages["standard"], pages["simplified"]
    assert 'href="https://example.com/dam-inspection/"' in std
    assert 'href="https://example.com/dam-inspection/amp/"' in amp
    assert "dam-inspection/amp/" not in std

    # Drag the internal link to the top: both pages list it first.
    model = panel.model
    model.dropMimeData(model.mimeData([model.index(2, 1)]), Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    for page in pages.values():
        assert page.index("dam-inspection/") < page.index("gauges.example.org")
    assert [link.title for link in get_article(store, article.id).links][0] == "Dam inspection"

    stack.undo()
    for page in pages.values():
        assert page.index("dam-inspection/") > page.index("gauges.example.org")
    stack.undo()
    assert "dam-inspection/" not in pages["standard"] and "dam-inspection/" not in pages["simplified"]
    assert len(get_article(store, article.id).links) == 2
    stack.redo()
    assert 'href="https://example.com/dam-inspection/amp/"' in pages["simplified"]
