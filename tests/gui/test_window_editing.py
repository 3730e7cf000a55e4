"""Driving the real window: new article, typing, autosave, undo/redo, slugs, delete and undo."""

from __future__ import annotations

from guihelpers import answer_modal, settle
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from digest_desk.store.articles import create_article, get_article, list_articles, revisions
from digest_desk.ui.autosave import AUTOSAVE_DELAY_MS


def trigger(window, action_id: str) -> None:
    action = window.findChild(QAction, action_id)
    assert action is not None, action_id
    action.trigger()


def test_new_article_typed_text_is_autosaved(window, qtbot, store):
    assert AUTOSAVE_DELAY_MS == 2000
    trigger(window, "article.new")
    assert window.article is not None
    article_id = window.article.id
    qtbot.keyClicks(window.editor.title_edit, "Storm hits the coast")
    window.editor.body.setFocus()
    qtbot.keyClicks(window.editor.body, "Winds of 120 km/h were measured.")
    assert "Edited" in window.windowTitle()
    qtbot.waitUntil(lambda: "Saved" in window.windowTitle(), timeout=6000)
    stored = get_article(store, article_id)
    assert stored.title == "Storm hits the coast"
    assert stored.slug == "storm-hits-the-coast"
    assert stored.body == "Winds of 120 km/h were measured."


def test_explicit_save_records_a_revision_and_autosave_session_one(window, qtbot, store):
    article = create_article(store, title="Budget vote", body="First draft.")
    window.load_article(article.id)
    before = len(revisions(store, article.id))
    window.editor.body.moveCursor(window.editor.body.textCursor().MoveOperation.End)
    window.editor.body.setFocus()
    qtbot.keyClicks(window.editor.body, " More.")
    trigger(window, "file.save")
    reasons = [r.reason for r in revisions(store, article.id)]
    assert len(reasons) == before + 1 and reasons[0] == "save"
    assert get_article(store, article.id).body == "First draft. More."
    window.autosaver.set_delay(100)
    qtbot.keyClicks(window.editor.body, " Again.")
    qtbot.waitUntil(lambda: not window.autosaver.dirty, timeout=3000)
    qtbot.keyClicks(window.editor.body, " And again.")
    qtbot.waitUntil(lambda: not window.autosaver.dirty, timeout=3000)
    assert len(revisions(store, article.id)) == before + 1  # autosaves alone add none yet
    other = create_article(store, title="Other story")
    assert window.open_article(other.id)  # leaving ends the autosave session
    latest = revisions(store, article.id)[0]
    assert latest.reason == "autosave"
    assert latest.data["body"] == "First draft. More. Again. And again."


def test_metadata_undo_and_redo(window, qtbot, store):
    article = create_article(store, title="Quarterly results", author="Ann")
    window.load_article(article.id)
    editor = window.editor
    editor.author_edit.setFocus()
    editor.author_edit.selectAll()
    qtbot.keyClicks(editor.author_edit, "Bob")
    editor.status_edit.setCurrentIndex(editor.status_edit.findData("ready"))
    assert editor.value("author") == "Bob" and editor.value("status") == "ready"
    trigger(window, "edit.undo")
    assert editor.value("status") == "draft"
    assert editor.status_edit.currentData() == "draft"
    trigger(window, "edit.undo")
    assert editor.value("author") == "Ann" and editor.author_edit.text() == "Ann"
    trigger(window, "edit.redo")
    assert editor.author_edit.text() == "Bob"
    window.autosaver.flush()
    assert get_article(store, article.id).author == "Bob"


def test_slug_follows_headline_until_edited_by_hand(window, qtbot, store):
    create_article(store, title="Taken", slug="election-night")
    trigger(window, "article.new")
    editor = window.editor
    qtbot.keyClicks(editor.title_edit, "Election night")
    assert editor.slug_edit.text() == "election-night-2"  # unique, checked against the database
    editor.slug_edit.selectAll()
    qtbot.keyClicks(editor.slug_edit, "election-night")
    assert "already uses" in editor.slug_state.toolTip()
    editor.slug_edit.selectAll()
    qtbot.keyClicks(editor.slug_edit, "vote-count")
    assert editor.slug_state.toolTip() == "This slug is free"
    qtbot.keyClicks(editor.title_edit, " live")
    assert editor.slug_edit.text() == "vote-count"  # no longer follows
    window.autosaver.flush()
    assert get_article(store, window.article.id).slug == "vote-count"


def test_bad_slug_keeps_old_slug_and_saves_the_rest(window, qtbot, store):
    article = create_article(store, title="Rates rise")
    window.load_article(article.id)
    editor = window.editor
    editor.slug_edit.selectAll()
    qtbot.keyClicks(editor.slug_edit, "Not A Slug!")
    assert "may hold only" in editor.slug_state.toolTip()
    editor.body.setFocus()
    qtbot.keyClicks(editor.body, "Text survives.")
    assert window.autosaver.flush()
    stored = get_article(store, article.id)
    assert stored.slug == "rates-rise" and stored.body == "Text survives."


def test_delete_asks_and_undo_brings_the_article_back(window, qtbot, store):
    article = create_article(store, title="Doomed story", body="Keep me.", category="Tech",
                             links=[{"title": "Source", "url": "https://example.org/a"}])
    window.load_article(article.id)
    settle(window)
    answer_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    trigger(window, "article.delete")
    assert window.article is None
    assert list_articles(store) == []
    settle(window)
    assert window.list_panel.model.rowCount() == 0
    trigger(window, "edit.undo")
    rows = list_articles(store)
    assert [r.title for r in rows] == ["Doomed story"]
    back = get_article(store, rows[0].id)
    assert back.slug == "doomed-story" and back.body == "Keep me."
    assert [link.url for link in back.links] == ["https://example.org/a"]
    assert revisions(store, back.id)  # its history came back too
    assert window.article is not None and window.article.id == back.id
    trigger(window, "edit.redo")
    assert list_articles(store) == []


def test_an_undo_the_store_refuses_says_why_and_stays_to_be_tried_again(window, qtbot, store):
    """Undoing a delete whose slug another article took meanwhile: nothing is written, the
    status bar says why (no traceback), and the step stays on the stack for a later try."""
    from digest_desk.store.articles import delete_article

    article = create_article(store, title="Doomed story", body="Keep me.")
    window.load_article(article.id)
    window.ops.delete_article(confirm=False)
    blocker = create_article(store, title="Doomed story")  # another editor took the slug
    trigger(window, "edit.undo")
    assert window.statusBar().currentMessage().startswith("Not undone (Delete “Doomed story”): ")
    assert [r.id for r in list_articles(store)] == [blocker.id]
    assert window.library_stack.canUndo() and not window.library_stack.canRedo()
    delete_article(store, blocker.id)
    trigger(window, "edit.undo")  # tried again: restored, once
    [row] = list_articles(store)
    assert get_article(store, row.id).body == "Keep me."
    assert window.article is not None and window.article.id == row.id
    assert window.library_stack.canRedo()


def test_delete_cancelled_deletes_nothing(window, store):
    article = create_article(store, title="Safe story")
    window.load_article(article.id)
    answer_modal(lambda box: box.button(QMessageBox.StandardButton.No).click())
    trigger(window, "article.delete")
    assert [r.id for r in list_articles(store)] == [article.id]
    assert window.article is not None


def test_duplicate_makes_a_draft_copy(window, store):
    article = create_article(store, title="Original", body="Same words.", status="published")
    window.load_article(article.id)
    trigger(window, "article.duplicate")
    assert window.article.id != article.id
    copy = get_article(store, window.article.id)
    assert copy.title == "Original (copy)" and copy.body == "Same words."
    assert str(copy.status) == "draft" and copy.slug == "original-copy"


def test_formatting_actions_edit_the_body_undoably(window, qtbot, store):
    article = create_article(store, title="Format me", body="plain words")
    window.load_article(article.id)
    body = window.editor.body
    body.setFocus()
    body.selectAll()
    trigger(window, "format.bold")
    assert body.toPlainText() == "**plain words**"
    trigger(window, "format.heading")
    assert body.toPlainText() == "## **plain words**"
    trigger(window, "format.heading")
    assert body.toPlainText() == "**plain words**"
    trigger(window, "format.quote")
    assert body.toPlainText() == "> **plain words**"
    trigger(window, "edit.undo")
    assert body.toPlainText() == "**plain words**"
    qtbot.keyClick(body, Qt.Key.Key_End)
    qtbot.keyClick(body, Qt.Key.Key_Return)
    trigger(window, "format.italic")
    assert body.toPlainText().endswith("\n*italic text*")


def test_theme_switch_is_not_an_edit(window, store):
    article = create_article(store, title="Calm", body="# Heading\n\nText with **bold**.")
    window.load_article(article.id)
    version = get_article(store, article.id).version
    window.findChild(QAction, "view.theme_dark").trigger()
    window.findChild(QAction, "view.theme_light").trigger()
    assert not window.autosaver.dirty and "Saved" in window.windowTitle()
    assert window.autosaver.flush()
    assert get_article(store, article.id).version == version


def test_saving_updates_the_list_row_in_place(window, qtbot, store):
    from guihelpers import settle

    for n in range(3):
        create_article(store, title=f"Story {n}")
    window.list_panel.model.reload()
    settle(window)
    target = create_article(store, title="Old headline")
    window.list_panel.model.reload()
    settle(window)
    model = window.list_panel.model
    model.row_at(0)
    settle(window)
    window.load_article(target.id)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    window.editor.title_edit.selectAll()
    qtbot.keyClicks(window.editor.title_edit, "New headline")
    assert window.autosaver.flush()
    row = model.row_of(target.id)
    assert model.data(model.index(row, 0)) == "New headline"
    assert resets == []  # no reset: the list keeps its scroll position and selection
    assert window.list_panel.selected_id() == target.id


def test_ctrl_z_in_a_field_undoes_through_the_article_stack(window, qtbot, store):
    from PySide6.QtGui import QKeySequence

    article = create_article(store, title="Field undo", author="Ann")
    window.load_article(article.id)
    field = window.editor.author_edit
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "Bea")
    window.editor.summary_edit.setFocus()
    qtbot.keyClicks(window.editor.summary_edit, "Short")
    field.setFocus()
    qtbot.keySequence(field, QKeySequence(QKeySequence.StandardKey.Undo))
    assert window.editor.value("summary") == "" and window.editor.summary_edit.text() == ""
    qtbot.keySequence(field, QKeySequence(QKeySequence.StandardKey.Undo))
    assert window.editor.value("author") == "Ann" and field.text() == "Ann"
