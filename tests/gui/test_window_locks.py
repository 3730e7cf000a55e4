"""Two windows on one database (SQLite file or PostgreSQL): the list shows who edits what, a locked
article opens read-only with "Take Over", and the window that lost the lock is told at once,
becomes read-only and keeps its unsaved text as a draft."""

from __future__ import annotations

import pytest
from guihelpers import answer_modal, settle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from digest_desk.store.articles import create_article, get_article
from digest_desk.store.drafts import pending_drafts
from digest_desk.ui.article_list import EDITOR_ROLE

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL


def _type(window, qtbot, text: str) -> None:
    body = window.editor.body
    body.setFocus()
    body.moveCursor(body.textCursor().MoveOperation.End)
    qtbot.keyClicks(body, text)


@pytest.fixture
def two(window_factory, store, qtbot):
    article = create_article(store, title="Harbour plan", body="Original text.")
    ana, ben = window_factory(), window_factory()
    ana.safety.display_name, ben.safety.display_name = "Ana Lima", "Ben Okafor"
    ana.autosaver.set_delay(600_000)  # Ana's edits stay unsaved until a save is asked for
    assert ana.open_article(article.id) and ana.editor.editable
    _type(ana, qtbot, " Ana's first words.")  # saved when the focus moves to Ben's window
    return article, ana, ben


def _row(window, article_id: int) -> int:
    model = window.list_panel.model
    settle(window)
    for row in range(model.rowCount()):
        model.row_at(row)
    settle(window)
    return model.row_of(article_id)


def _take_over(ben, qtbot, article_id: int) -> None:
    """Ben opens the article Ana edits (read-only, with the bar) and takes it over."""
    model = ben.list_panel.model
    model.refresh_locks()
    row = _row(ben, article_id)
    index = model.index(row, 0)
    assert model.data(index, EDITOR_ROLE) == "Ana Lima"
    assert "Ana Lima is editing" in model.data(index)
    assert model.data(index, Qt.ItemDataRole.DecorationRole) is not None  # the editing icon
    assert ben.open_article(article_id)
    notice = ben.safety.notice
    assert not ben.editor.editable and not notice.isHidden()
    assert notice.label.text().startswith("Ana Lima is editing this article.")
    answer_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ben.editor.editable, timeout=5000)
    assert notice.isHidden() and ben.safety.lock.ours


def _assert_ana_lost(ana, ben, store, article_id: int) -> None:
    assert not ana.editor.editable
    notice = ana.safety.notice
    assert not notice.isHidden() and notice.label.text().startswith("Ben Okafor took over")
    ana.safety.wait_for_drafts()
    drafts = [d for d in pending_drafts(store, ana.safety.keeper.drafts)  # local for a server
              if d.session_id == ana.safety.holder]
    assert [d.article_id for d in drafts] == [article_id]
    assert drafts[0].data["body"] == "Original text. Ana's first words. Ana's unsaved words."
    assert "unsaved" not in get_article(store, article_id).body  # nothing saved over theirs
    ana.list_panel.model.refresh_locks()
    settle(ana)
    assert ana.list_panel.model.data(ana.list_panel.model.index(_row(ana, article_id), 0),
                                     EDITOR_ROLE) == "Ben Okafor"


def test_the_heartbeat_tells_the_window_that_lost_the_lock(two, qtbot, store):
    article, ana, ben = two
    _take_over(ben, qtbot, article.id)
    _type(ana, qtbot, " Ana's unsaved words.")  # typed before Ana's window hears of it
    assert ana.safety.beat() is not None  # the next heartbeat (answered off the UI thread)
    qtbot.waitUntil(lambda: not ana.safety.heartbeat_pending, timeout=10000)
    _assert_ana_lost(ana, ben, store, article.id)
    _type(ben, qtbot, " Ben's words.")
    assert ben.autosaver.save_now()
    assert get_article(store, article.id).body == "Original text. Ana's first words. Ben's words."


def test_a_save_after_a_take_over_is_refused_and_tells_at_once(two, qtbot, store):
    article, ana, ben = two
    _take_over(ben, qtbot, article.id)
    _type(ana, qtbot, " Ana's unsaved words.")
    assert ana.autosaver.save_now()  # the save finds the lock gone: no dialog, nothing written
    _assert_ana_lost(ana, ben, store, article.id)
    assert ana.open_article(create_article(store, title="Something else").id)  # not stuck
    _type(ben, qtbot, " Ben's words.")
    assert ben.autosaver.save_now()
    assert get_article(store, article.id).body == "Original text. Ana's first words. Ben's words."


def test_declining_the_take_over_changes_nothing(two, qtbot, store):
    article, ana, ben = two
    assert ben.open_article(article.id) and not ben.editor.editable
    answer_modal(lambda box: box.button(QMessageBox.StandardButton.No).click())
    qtbot.mouseClick(ben.safety.notice.button, Qt.MouseButton.LeftButton)
    assert not ben.editor.editable and ana.editor.editable
    assert ana.safety.beat() is not None
    qtbot.waitUntil(lambda: not ana.safety.heartbeat_pending, timeout=10000)
    assert ana.editor.editable and ana.safety.lock.ours


def _click(window, qtbot, article_id: int) -> None:
    view = window.list_panel.view
    rect = view.visualRect(window.list_panel.model.index(_row(window, article_id), 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _opened(window, qtbot, article_id: int) -> None:
    """A click opens at once on SQLite, once the server answered on PostgreSQL."""
    qtbot.waitUntil(lambda: not window.opening and window.article is not None
                    and window.article.id == article_id, timeout=10000)


def test_a_click_in_the_list_opens_a_locked_article_read_only(two, qtbot, store):
    article, _ana, ben = two
    other = create_article(store, title="Quay notes", body="Other text.")
    ben.list_panel.model.reload()
    _click(ben, qtbot, article.id)
    _opened(ben, qtbot, article.id)
    notice = ben.safety.notice
    assert not ben.editor.editable and not notice.isHidden()
    assert notice.label.text().startswith("Ana Lima is editing this article.")
    qtbot.waitUntil(lambda: ben.list_panel.selected_id() == article.id)  # once a live refresh is in
    _click(ben, qtbot, other.id)
    _opened(ben, qtbot, other.id)
    assert ben.editor.editable and notice.isHidden() and ben.safety.lock.ours
    assert ben.editor.body_text() == "Other text."
