"""Spell check and readability in the real window: underline, context menu, site dictionary."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from digest_desk.prose.speller import dictionary_tag
from digest_desk.store.articles import create_article
from digest_desk.store.dictionary import site_words
from digest_desk.store.site import get_site, update_site

needs_en = pytest.mark.skipif(
    dictionary_tag("en") is None,
    reason="no English Hunspell dictionary through enchant here (apt-get install libenchant-2-2 hunspell-en-us)")
SPELL = QTextCharFormat.UnderlineStyle.SpellCheckUnderline
LONG = " ".join(["word"] * 34) + "."
BODY = (f"The goverment ferry left at seven. See [the recieve page](https://example.com/teh_page) "
        f"and `teh code`.\n\n```\nteh fenced\n```\n\n{LONG}\n")


def _open(window, store, body: str = BODY, title: str = "Ferry resumes", summary: str = "Teh ferry is back."):
    article = create_article(store, title=title, summary=summary, body=body)
    window.load_article(article.id)
    return window.editor.body


def _settle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.start_finished)  # the dictionary opens after the first paint
    tools = window.spelling
    before = tools.result
    tools.measure_now()
    qtbot.waitUntil(lambda: tools.result is not before and not tools.service.pending
                    and not tools.body.busy, timeout=5000)


def _underlined(body, word: str) -> bool:
    text = body.toPlainText()
    at = text.index(word)
    block = body.document().findBlock(at)
    column = at - block.position()
    for fmt_range in block.layout().formats():
        inside = fmt_range.start <= column < fmt_range.start + fmt_range.length
        if inside and fmt_range.format.underlineStyle() == SPELL:
            return True
    return False


def _point_of(body, word: str):
    cursor = body.textCursor()
    cursor.setPosition(body.toPlainText().index(word) + 1)
    return body.cursorRect(cursor).center()


@needs_en
def test_misspelled_word_is_underlined_but_syntax_urls_and_code_are_not(window, qtbot, store):
    body = _open(window, store)
    edits: list[bool] = []
    window.editor.edited.connect(lambda: edits.append(True))
    _settle(window, qtbot)
    assert edits == []  # underlining after the answers arrive is no edit: nothing to save
    assert not window.editor.body.document().isModified()
    assert _underlined(body, "goverment")
    assert _underlined(body, "recieve")  # link text is prose
    assert not _underlined(body, "ferry")
    assert not _underlined(body, "teh_page")  # the URL
    assert not _underlined(body, "teh code")  # inline code
    assert not _underlined(body, "teh fenced")  # fenced code
    title, summary = window.spelling.fields
    assert [w for _s, _e, w in summary.misspelled] == ["Teh"]
    assert title.misspelled == []


@needs_en
def test_add_to_site_dictionary_removes_the_underline_and_persists(window, qtbot, store, window_factory, db_path):
    body = _open(window, store)
    _settle(window, qtbot)
    menus = window.spelling.menus
    menu = menus.menu_for(window.spelling.body, _point_of(body, "goverment"))
    labels = [a.text() for a in menu.actions()]
    assert "government" in labels
    add = next(a for a in menu.actions() if a.objectName() == "spell-add")
    assert add.text() == "Add “goverment” to Site Dictionary"
    add.trigger()
    qtbot.wait(20)
    assert not _underlined(body, "goverment")
    assert "goverment" in site_words(store)
    # a suggestion replaces the word as one undoable edit
    menu = menus.menu_for(window.spelling.body, _point_of(body, "recieve"))
    next(a for a in menu.actions() if a.text() == "receive").trigger()
    assert "the receive page" in body.toPlainText()
    body.undo()
    assert "the recieve page" in body.toPlainText()
    # Ignore: this session only
    menu = menus.menu_for(window.spelling.body, _point_of(body, "recieve"))
    next(a for a in menu.actions() if a.objectName() == "spell-ignore").trigger()
    qtbot.wait(20)
    assert not _underlined(body, "recieve")
    assert "recieve" not in site_words(store)
    # a fresh window on the same database knows the site word
    window.close()
    again = window_factory(db_path)
    fresh = _open(again, store, body="Teh goverment.")
    _settle(again, qtbot)
    assert not _underlined(fresh, "goverment") and _underlined(fresh, "Teh")


@needs_en
def test_headline_context_menu_offers_suggestions_and_replaces(window, qtbot, store):
    _open(window, store, title="Ferry resumes aftr storm")
    _settle(window, qtbot)
    title = window.spelling.fields[0]
    assert [w for _s, _e, w in title.misspelled] == ["aftr"]
    edit = title.edit
    point = edit.cursorRect().center()
    edit.setCursorPosition(edit.text().index("aftr") + 1)
    point.setX(edit.cursorRect().center().x())
    menu = window.spelling.menus.menu_for(title, point)
    next(a for a in menu.actions() if a.text() == "after").trigger()
    assert edit.text() == "Ferry resumes after storm"
    assert window.editor.value("title") == "Ferry resumes after storm"
    qtbot.waitUntil(lambda: title.misspelled == [], timeout=2000)


def test_no_dictionary_for_the_language_shows_a_notice_and_nothing_breaks(window_factory, store, qtbot):
    update_site(store, language="xx")
    window = window_factory()
    qtbot.waitUntil(lambda: "no “xx” dictionary" in window.spelling.label.text(), timeout=3000)
    assert "No spelling dictionary" in window.statusBar().currentMessage()
    body = _open(window, store)
    _settle(window, qtbot)
    assert not _underlined(body, "goverment")
    body.textCursor().insertText("Mor txt ")  # typing goes on as before
    _settle(window, qtbot)
    assert not _underlined(body, "Mor")
    assert "Reading ease" in window.spelling.label.text()


def test_long_sentences_are_shaded_and_counted_in_the_status_bar(window, qtbot, store):
    body = _open(window, store)
    _settle(window, qtbot)
    label = window.spelling.label.text()
    assert "Reading ease" in label and "1 long sentence" in label
    block = body.document().findBlock(body.toPlainText().index(LONG))
    shaded = [r for r in block.layout().formats() if r.format.background().style() != Qt.BrushStyle.NoBrush]
    assert shaded and shaded[0].start == 0 and shaded[-1].start + shaded[-1].length >= len(LONG) - 1
    first = body.document().firstBlock().layout().formats()
    assert not [r for r in first if r.format.background().style() != Qt.BrushStyle.NoBrush]
    update_site(store, long_sentence_words=40)
    window._site_changed(get_site(store))
    _settle(window, qtbot)
    assert "long sentence" not in window.spelling.label.text()
