"""Insert Link and Bold on a selection made with the keyboard: spaces stay outside the markup."""

from __future__ import annotations

from guihelpers import answer_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from digest_desk.store.articles import create_article

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def typed_body(window, qtbot, store, text: str):
    article = create_article(store, title="Ferry fares")
    window.load_article(article.id)
    body = window.editor.body
    body.setFocus()
    qtbot.keyClicks(body, text)
    qtbot.keyClick(body, Qt.Key.Key_Home, CTRL)
    return body


def answer_link(url: str) -> list[str]:
    asked: list[str] = []

    def fill(dialog: QInputDialog) -> None:
        asked.append(dialog.labelText())
        dialog.setTextValue(url)
        dialog.accept()

    answer_modal(fill)
    return asked


def test_ctrl_k_after_ctrl_shift_right_keeps_the_space_outside(window, qtbot, store):
    body = typed_body(window, qtbot, store, "Budget passengers pay less.")
    qtbot.keyClick(body, Qt.Key.Key_Right, CTRL | SHIFT)
    assert body.textCursor().selectedText() == "Budget "  # what the keys select: the word and its space
    asked = answer_link("https://port.example.org/fares")
    qtbot.keyClick(body, Qt.Key.Key_K, CTRL)
    assert asked == ["Address:"]
    assert body.toPlainText() == "[Budget](https://port.example.org/fares) passengers pay less."


def test_a_leading_space_stays_outside_the_link_too(window, qtbot, store):
    body = typed_body(window, qtbot, store, "Budget passengers")
    qtbot.keyClick(body, Qt.Key.Key_Right, CTRL)
    qtbot.keyClick(body, Qt.Key.Key_Left)
    qtbot.keyClick(body, Qt.Key.Key_End, SHIFT)
    assert body.textCursor().selectedText() == " passengers"
    answer_link("https://port.example.org/")
    qtbot.keyClick(body, Qt.Key.Key_K, CTRL)
    assert body.toPlainText() == "Budget [passengers](https://port.example.org/)"


def test_bold_after_ctrl_shift_right_keeps_valid_emphasis(window, qtbot, store):
    body = typed_body(window, qtbot, store, "Budget passengers")
    qtbot.keyClick(body, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(body, Qt.Key.Key_B, CTRL)
    assert body.toPlainText() == "**Budget** passengers"


def test_a_selection_of_only_spaces_is_kept_and_gets_the_placeholder(window, qtbot, store):
    body = typed_body(window, qtbot, store, "Budget  passengers")
    qtbot.keyClick(body, Qt.Key.Key_Right, CTRL)
    qtbot.keyClick(body, Qt.Key.Key_Left)
    qtbot.keyClick(body, Qt.Key.Key_Left, SHIFT)
    assert body.textCursor().selectedText() == " "
    answer_link("https://port.example.org/")
    qtbot.keyClick(body, Qt.Key.Key_K, CTRL)
    assert body.toPlainText() == "Budget [link text](https://port.example.org/) passengers"
