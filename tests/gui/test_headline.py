"""The headline field: wrapped on two or more lines, Enter moves on, its length against the checks'."""

from __future__ import annotations

from PySide6.QtCore import Qt

from digest_desk.checks.editorial import HEADLINE_MAX
from digest_desk.store.articles import create_article
from digest_desk.ui.actions import ActionId

LONG = ("Harbour cranes return to work after the three-week strike as dock workers and the port "
        "authority agree on shift rules")


def lines_shown(edit) -> float:
    return edit.viewport().height() / edit.fontMetrics().lineSpacing()


def open_article(window, store, title: str):
    article = create_article(store, title=title, body="The cranes move.")
    window.load_article(article.id)
    return window.editor


def test_long_headline_wraps_and_the_field_grows(window, qtbot, store):
    editor = open_article(window, store, "Short")
    title = editor.title_edit
    assert 1.9 <= lines_shown(title) < 3  # two lines even for a short headline
    short_height = title.height()
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, LONG)
    qtbot.wait(20)
    wrapped = title.document().firstBlock().layout().lineCount()
    assert wrapped >= 2 and title.text() == LONG and "\n" not in title.toPlainText()
    assert title.height() >= short_height and lines_shown(title) >= min(wrapped, 4) - 0.1
    assert editor.value("title") == LONG


def test_enter_moves_on_and_adds_no_line(window, qtbot, store):
    editor = open_article(window, store, "Ferry resumes")
    title = editor.title_edit
    title.setFocus()
    title.setCursorPosition(5)
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert title.text() == "Ferry resumes" and editor.value("title") == "Ferry resumes"
    assert not title.hasFocus() or not window.isActiveWindow()
    assert title.document().blockCount() == 1


def test_length_counter_uses_the_checks_limit(window, qtbot, store):
    editor = open_article(window, store, "Ferry resumes")
    label = editor.title_length
    assert label.text() == f"13 / {HEADLINE_MAX}" and not label.property("over")
    title = editor.title_edit
    normal = label.styleSheet()
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "x" * (HEADLINE_MAX + 1))
    assert label.text() == f"{HEADLINE_MAX + 1} / {HEADLINE_MAX}" and label.property("over")
    assert "color" in label.styleSheet() and label.styleSheet() != normal
    window.undo()  # the article's undo stack, as for every field
    assert editor.value("title") == "Ferry resumes" and label.text() == f"13 / {HEADLINE_MAX}"
    assert not label.property("over") and label.styleSheet() == normal


def test_undo_and_find_reach_the_wrapped_headline(window, qtbot, store):
    editor = open_article(window, store, "Ferry resumes")
    title = editor.title_edit
    title.setFocus()
    title.setCursorPosition(len(title.text()))
    qtbot.keyClicks(title, " today")
    assert editor.value("title") == "Ferry resumes today"
    qtbot.keyClick(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # typing is one step
    assert editor.value("title") == "Ferry resumes" and title.text() == "Ferry resumes"
    window.actions[ActionId.REDO].trigger()
    assert editor.value("title") == "Ferry resumes today" and title.text() == "Ferry resumes today"
    window.actions[ActionId.REPLACE].trigger()
    bar = editor.find_bar
    qtbot.keyClicks(bar.find_edit, "Ferry")
    qtbot.keyClicks(bar.replace_edit, "Boat")
    bar.replace_all()
    assert editor.value("title").startswith("Boat resumes") and title.text() == editor.value("title")
    window.undo()
    assert editor.value("title").startswith("Ferry resumes")


def test_length_counter_is_legible_in_the_dark_theme(window, qtbot, store):
    editor = open_article(window, store, "Ferry resumes")
    window.actions[ActionId.THEME_DARK].trigger()
    label = editor.title_length
    qtbot.waitUntil(lambda: label.palette().color(label.backgroundRole()).lightness() < 100, timeout=2000)
    text = label.palette().color(label.foregroundRole())
    background = label.palette().color(label.backgroundRole())
    assert background.lightness() < 100 and text.lightness() - background.lightness() > 60
    window.actions[ActionId.THEME_LIGHT].trigger()
