"""Suggestions for a freshly created article: they come from the text being typed, not a restart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from digest_desk.store.articles import create_article


def suggested_ids(qtbot, panel) -> list[int]:
    assert panel.wait_for_suggestions(5000)
    qtbot.wait(10)  # the results are delivered to the UI thread by a queued signal
    items = (panel.suggestions.item(i) for i in range(panel.suggestions.count()))
    return [item.data(Qt.ItemDataRole.UserRole) for item in items]


def type_new_article(qtbot, window, title: str, body: str) -> None:
    window.findChild(QAction, "article.new").trigger()
    qtbot.keyClicks(window.editor.title_edit, title)
    window.editor.body.setFocus()
    qtbot.keyClicks(window.editor.body, body)


def test_new_article_gets_suggestions_after_refresh(window, qtbot, store):
    dam = create_article(store, title="Glacier dam inspection",
                         body="Engineers inspected the glacier dam above the fjord village.")
    create_article(store, title="Bakery opens", body="Croissants and sourdough on the square.")
    type_new_article(qtbot, window, "Fjord village worried",
                     "The glacier dam above the fjord village is cracking, engineers say.")
    panel = window.links_panel
    panel.refresh_suggestions()  # the Refresh button, before any autosave
    assert suggested_ids(qtbot, panel) == [dam.id]

    assert window.autosaver.flush()  # stored now: its own words must not count as another article's
    panel.refresh_suggestions()
    assert suggested_ids(qtbot, panel) == [dam.id]


def test_suggestions_follow_later_edits_of_a_saved_article(window, qtbot, store):
    ferry = create_article(store, title="Ferry timetable", body="The island ferry sails twice a day.")
    create_article(store, title="Dam", body="The glacier dam holds.")
    type_new_article(qtbot, window, "Harbour news", "Nothing much yet.")
    assert window.autosaver.flush()
    panel = window.links_panel
    panel.refresh_suggestions()
    assert suggested_ids(qtbot, panel) == []
    qtbot.keyClicks(window.editor.body, " The island ferry was late.")
    panel.refresh_suggestions()  # typed, not saved: the index counts "ferry" once
    assert suggested_ids(qtbot, panel) == [ferry.id]
    assert window.autosaver.flush()  # saved: twice, one of them this article
    panel.refresh_suggestions()
    assert suggested_ids(qtbot, panel) == [ferry.id]
