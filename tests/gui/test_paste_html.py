"""Pasting from the web, word processors and e-mail into the real window's editor."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication, QTextCursor

from digest_desk.store.articles import create_article
from digest_desk.ui.actions import ActionId
from digest_desk.ui.paste import HTML_PASTE_MAX, HTML_PASTE_SYNC

PASTE = Path(__file__).resolve().parents[1] / "data" / "paste"


def _mime(html: str | None = None, text: str | None = None) -> QMimeData:
    mime = QMimeData()
    if html is not None:
        mime.setHtml(html)
    if text is not None:
        mime.setText(text)
    return mime


def _open(window, store, body: str = "Start.\n"):
    article = create_article(store, title="Paste here", body=body)
    window.load_article(article.id)
    editor = window.editor.body
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    return editor


def test_ctrl_v_of_web_html_pastes_markdown_as_one_undo_step(window, qtbot, store):
    body = _open(window, store)
    html = (PASTE / "news_article.html").read_text(encoding="utf-8")
    QGuiApplication.clipboard().setMimeData(_mime(html, "Ferry service to the islands ..."))
    qtbot.keyClick(body, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    text = body.toPlainText()
    assert text.startswith("Start.\n# Ferry service to the islands resumes after storm\n")
    assert "[Island Lines](https://operator.example.org/timetable)" in text
    assert "gtag" not in text
    qtbot.keyClick(body, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert body.toPlainText() == "Start.\n"
    qtbot.waitUntil(lambda: "Island Lines" not in window.editor.body_text())


def test_an_html_only_clipboard_pastes(window, store):
    body = _open(window, store)
    mime = _mime("<p>Only <b>HTML</b> here, <a href='https://x.example/'>linked</a>.</p>")
    assert not mime.hasText() and body.canInsertFromMimeData(mime)
    body.insertFromMimeData(mime)
    assert body.toPlainText() == "Start.\nOnly **HTML** here, [linked](https://x.example/)."


def test_copying_inside_the_body_pastes_the_markdown_itself(window, store):
    body = _open(window, store, "**bold** and [a](https://a.example/)")
    body.selectAll()
    mime = body.createMimeDataFromSelection()  # Qt adds rich text: it must not be converted
    assert mime.hasHtml()
    body.moveCursor(QTextCursor.MoveOperation.End)
    body.insertFromMimeData(mime)
    assert body.toPlainText() == "**bold** and [a](https://a.example/)" * 2


def test_paste_as_plain_text_keeps_the_words_only(window, qtbot, store):
    body = _open(window, store)
    QGuiApplication.clipboard().setMimeData(_mime("<p><b>Bold</b> words</p>", "Bold words"))
    action = window.findChild(type(window.actions[ActionId.PASTE_PLAIN]), "edit.paste_plain")
    assert action.shortcut().toString() == "Ctrl+Shift+V" and not action.icon().isNull()
    assert action in window.findChild(type(window.menuBar().actions()[0].menu()), "menu-edit").actions()
    qtbot.keyClick(body, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert body.toPlainText() == "Start.\nBold words"
    QGuiApplication.clipboard().setMimeData(_mime("<p>Only <i>html</i></p>"))  # no text part
    action.trigger()
    assert body.toPlainText() == "Start.\nBold wordsOnly html"


def test_headline_and_summary_take_one_clean_line(window, qtbot, store):
    _open(window, store)
    editor = window.editor
    title = editor.title_edit
    title.setFocus()
    title.selectAll()
    QGuiApplication.clipboard().setMimeData(
        _mime("<h1>Ferry <b>resumes</b></h1>", "\n  Ferry\tservice\r\n resumes \n"))
    qtbot.keyClick(title, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert title.text() == "Ferry service resumes"
    assert editor.value("title") == "Ferry service resumes"
    window.undo()
    assert editor.value("title") == "Paste here"  # one undo step
    summary = editor.summary_edit
    summary.setFocus()
    QGuiApplication.clipboard().setMimeData(_mime("<p>First line</p><p>second <b>line</b></p>"))
    qtbot.keyClick(summary, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert editor.value("summary") == "First line second line"
    summary.selectAll()
    summary.insert("dropped\nwith\n\nbreaks\n")  # drag and drop or the context menu
    assert summary.text() == "dropped with breaks"


def test_a_large_paste_converts_off_the_ui_thread(window, qtbot, store):
    body = _open(window, store)
    block = (PASTE / "lists.html").read_text(encoding="utf-8")
    html = block * (HTML_PASTE_SYNC // len(block) + 20)
    assert HTML_PASTE_SYNC < len(html) < HTML_PASTE_MAX
    body.insertFromMimeData(_mime(html, "plain"))
    assert body.isReadOnly() and body.toPlainText() == "Start.\n"  # still converting
    assert "Converting" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not body.isReadOnly(), timeout=30_000)
    text = body.toPlainText()
    assert text.count("## Timeline of the strike") == html.count("<h2>Timeline")
    assert "converted" in window.statusBar().currentMessage()
    body.undo()
    assert body.toPlainText() == "Start.\n"


def test_five_megabytes_of_html_paste_as_plain_text_with_a_message(window, store):
    body = _open(window, store)
    page = (PASTE / "news_article.html").read_text(encoding="utf-8")
    html = page * (5_000_000 // len(page))
    body.insertFromMimeData(_mime(html))  # HTML only: its words are pasted
    text = body.toPlainText()
    assert text.count("Harbour master Lena Ott") == html.count("Harbour master")
    assert "<" not in text and not body.isReadOnly()
    assert "too large to convert (5.0 MB)" in window.statusBar().currentMessage()


def test_relative_links_resolve_against_the_page_firefox_names(window, store):
    body = _open(window, store)
    mime = _mime("<p>See <a href='/news/storm'>the storm story</a>.</p>", "See the storm story.")
    mime.setData("text/x-moz-url-priv", "https://news.example.com/2026/ferry".encode("utf-16-le"))
    body.insertFromMimeData(mime)
    assert body.toPlainText().endswith("See [the storm story](https://news.example.com/news/storm).")
