"""Titles and user strings in the links panel are plain text; searches that fold to nothing are skipped."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from digest_desk.store.articles import create_article, get_article
from digest_desk.store.search import search
from digest_desk.ui.links_panel import LinksPanel

HOSTILE = "<b>Flood</b> <img src='file:///etc/passwd'> river & dam"


def test_suggested_titles_are_shown_as_plain_text(qtbot, store, stack):
    create_article(store, title=HOSTILE, tags=["flood"], body="The river and the dam.")
    main = create_article(store, title="River flood", tags=["flood"], body="Flood water and the river.")
    panel = LinksPanel(store)
    qtbot.addWidget(panel)
    panel.set_article(get_article(store, main.id), stack)
    qtbot.waitUntil(lambda: panel.suggestions.count() >= 1, timeout=5000)
    label = panel.suggestions.itemWidget(panel.suggestions.item(0)).findChild(QLabel)
    assert label.textFormat() == Qt.TextFormat.PlainText and label.text() == HOSTILE
    assert panel.status.textFormat() == Qt.TextFormat.PlainText
    assert panel.hint.textFormat() == Qt.TextFormat.PlainText
    panel.wait_for_suggestions()


def test_link_tooltips_show_markup_literally(qtbot, panel):
    panel.add_links([{"title": "x", "url": "https://e.example/<b>bold</b>", "kind": "read-more"}])
    model = panel.table.model()
    row = model.rowCount() - 1
    tips = [model.index(row, column).data(Qt.ItemDataRole.ToolTipRole) for column in range(model.columnCount())]
    assert all("<b>bold" not in (tip or "") for tip in tips)


@pytest.mark.parametrize("query", ["!!!", "-", "\u037a", "\uff9e", "\"\u037a\"", "ok \u037a"])
def test_a_search_that_folds_to_nothing_is_skipped(qtbot, store, panel, query):
    for n in range(3):
        create_article(store, title=f"Okapi story {n}", body="ok")
    assert search(store, query, window=2) == search(store, query.replace("\u037a", ""), window=2)
    panel.find_edit.setText(query)
    panel.run_find()  # no IndexError on the UI thread
    assert panel.find_results.count() == len([h for h in search(store, query) if h.id != panel.article.id])
