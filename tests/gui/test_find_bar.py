"""Find & replace in the open article, driven with keys in the real window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextCursor

from digest_desk.store.articles import create_article
from digest_desk.ui.actions import ActionId

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
BODY = ("The ferry left at seven. Ferry staff cheered.\n\n"
        "A second ferry 🚢 followed the ferry; ferrymen waved.\n")


def _open(window, store):
    article = create_article(store, title="Ferry resumes", summary="The ferry is back.", body=BODY)
    window.load_article(article.id)
    body = window.editor.body
    body.setFocus()
    body.moveCursor(QTextCursor.MoveOperation.Start)
    return window.editor.find_bar, body


def _type(qtbot, bar, text: str) -> None:
    bar.find_edit.selectAll()
    qtbot.keyClicks(bar.find_edit, text)


def test_ctrl_f_counts_and_walks_matches_in_headline_summary_and_body(window, qtbot, store):
    bar, body = _open(window, store)
    qtbot.keyClick(body, Qt.Key.Key_F, CTRL)
    assert bar.isVisible() and not bar.replace_row.isVisible() and bar.find_edit.hasFocus()
    qtbot.keyClicks(bar.find_edit, "ferry")
    # headline 1, summary 1, body 5 (ferry, Ferry, ferry, ferry, and in "ferrymen")
    assert len(bar.matches) == 7
    assert bar.count_label.text() == "3 of 7 · body"  # starts at the body's caret
    assert body.textCursor().selectedText() == "ferry"
    assert len(body.extraSelections()) == 5
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "4 of 7 · body"
    assert body.textCursor().selectedText() == "Ferry"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return, SHIFT)
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return, SHIFT)
    assert bar.count_label.text() == "2 of 7 · summary"
    assert window.editor.summary_edit.selectedText() == "ferry"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_F3, SHIFT)
    assert bar.count_label.text() == "1 of 7 · headline"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_F3)
    assert bar.count_label.text() == "2 of 7 · summary"

    bar.case_button.click()
    assert len(bar.matches) == 5
    bar.word_button.click()  # "ferrymen" no longer counts
    assert len(bar.matches) == 4
    _type(qtbot, bar, "nothing like this")
    assert bar.count_label.text() == "No matches" and body.extraSelections() == []
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and body.hasFocus()


def test_matches_after_an_emoji_select_the_right_characters(window, qtbot, store):
    bar, body = _open(window, store)
    window.actions[ActionId.FIND_IN_ARTICLE].trigger()
    _type(qtbot, bar, "followed")
    assert body.textCursor().selectedText() == "followed"


def test_a_malformed_regular_expression_says_so_in_the_bar(window, qtbot, store):
    bar, body = _open(window, store)
    qtbot.keyClick(body, Qt.Key.Key_F, CTRL)
    bar.regex_button.click()
    qtbot.keyClicks(bar.find_edit, "fer(ry")
    assert bar.error_label.text().startswith("Not a valid regular expression: missing ),")
    assert bar.error_label.isVisible()
    assert bar.matches == [] and not bar.replace_all_button.isEnabled()
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Backspace)
    _type(qtbot, bar, r"f\w+y\b")
    assert bar.count_label.text() == "3 of 6 · body" and not bar.error_label.isVisible()


def test_replace_all_is_one_undo_step_in_the_body(window, qtbot, store):
    bar, body = _open(window, store)
    qtbot.keyClick(body, Qt.Key.Key_H, CTRL)
    assert bar.isVisible() and bar.replace_row.isVisible()
    bar.word_button.click()
    qtbot.keyClicks(bar.find_edit, "ferry")
    qtbot.keyClicks(bar.replace_edit, "boat")
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert body.toPlainText() == ("The boat left at seven. boat staff cheered.\n\n"
                                  "A second boat 🚢 followed the boat; ferrymen waved.\n")
    editor = window.editor
    assert editor.value("title") == "boat resumes" and editor.value("summary") == "The boat is back."
    assert bar.count_label.text() == "Replaced 6"
    qtbot.waitUntil(lambda: "boat" in editor.edited_copy().body)
    body.setFocus()
    qtbot.keyClick(body, Qt.Key.Key_Z, CTRL)  # Edit > Undo in the body: the whole replace
    assert body.toPlainText() == BODY
    editor.title_edit.setFocus()
    window.undo()  # the headline and summary through the article's undo stack
    window.undo()
    assert editor.value("title") == "Ferry resumes" and editor.value("summary") == "The ferry is back."


def test_replace_one_and_regex_groups(window, qtbot, store):
    bar, body = _open(window, store)
    window.actions[ActionId.REPLACE].trigger()
    bar.regex_button.click()
    qtbot.keyClicks(bar.find_edit, r"(\w+) staff")
    qtbot.keyClicks(bar.replace_edit, r"staff of the \1")
    qtbot.keyClick(bar.replace_edit, Qt.Key.Key_Return)
    assert "staff of the Ferry cheered" in body.toPlainText()
    assert bar.count_label.text() == "No matches"
    body.undo()
    assert body.toPlainText() == BODY
    qtbot.waitUntil(lambda: bar.count_label.text() == "1 of 1 · body")  # found again after the undo
    bar.replace_edit.setText(r"\9")
    qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert bar.error_label.text().startswith("Cannot replace: invalid group reference 9")
    assert body.toPlainText() == BODY


def test_find_actions_have_shortcuts_icons_and_the_article_search_moved(window, qtbot, store):
    expected = {ActionId.FIND_IN_ARTICLE: "Ctrl+F", ActionId.REPLACE: "Ctrl+H",
                ActionId.FIND_NEXT: "F3", ActionId.FIND_PREVIOUS: "Shift+F3",
                ActionId.FIND: "Ctrl+Shift+F", ActionId.HEADING: "Ctrl+Alt+H"}
    for action_id, keys in expected.items():
        action = window.findChild(QAction, str(action_id))
        assert action.shortcut().toString() == keys
        assert not action.icon().isNull() and action.statusTip() and keys in action.toolTip()
    search = window.findChild(QAction, "edit.find")
    assert [k.toString() for k in search.shortcuts()] == ["Ctrl+Shift+F", "Ctrl+L"]
    _open(window, store)
    qtbot.keyClick(window.editor.body, Qt.Key.Key_L, CTRL)
    assert window.list_panel.search_box.hasFocus()


def test_the_bar_redraws_its_icons_for_a_theme_switch(window, qtbot):
    bar = window.editor.find_bar
    before = bar.next_button.icon().pixmap(16, 16).toImage()
    option_before = bar.regex_button.icon().pixmap(16, 16).toImage()
    window.theme.set_mode("dark" if window.theme.mode != "dark" else "light")
    qtbot.waitUntil(lambda: bar.next_button.icon().pixmap(16, 16).toImage() != before)
    assert bar.regex_button.icon().pixmap(16, 16).toImage() != option_before
