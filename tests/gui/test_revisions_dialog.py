"""Revision history in words: numbered 1, 2, 3, field changes as sentences, a word-level body diff."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from guihelpers import answer_modal
from PySide6.QtCore import QLocale
from PySide6.QtGui import QAction, QTextCharFormat

from digest_desk.domain import Status
from digest_desk.store.articles import create_article, get_article, revisions, save_article
from digest_desk.ui.revisions_dialog import RevisionsDialog, word_changes


@pytest.fixture(autouse=True)
def english_utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)
    monkeypatch.undo()
    time.tzset()


def edit(store, article_id: int, reason: str | None, **fields):
    article = get_article(store, article_id)
    for name, value in fields.items():
        setattr(article, name, value)
    return save_article(store, article, reason=reason)


def history(store):
    """A draft saved three times with a revision, and autosaves between (versions jump)."""
    article = create_article(store, title="Ferry <b>timetable</b> & fares", tags=["transport"],
                             body="Budget passengers pay less from Monday.", reason="created")
    edit(store, article.id, None, summary="typing")  # autosaves: no revision, the version moves on
    edit(store, article.id, None, summary="")
    edit(store, article.id, "save", body="Budget passengers pay much less from Monday.")
    for _ in range(4):
        edit(store, article.id, None, author="Lena Marsh")
    edit(store, article.id, "save", status=Status.PUBLISHED, tags=["transport", "ferries"],
         published_at=datetime(2026, 3, 3, 14, 0, tzinfo=UTC), author="Lena Marsh",
         body="Regular passengers pay less from Monday.")
    return get_article(store, article.id)


def fragments(dialog: RevisionsDialog) -> list[tuple[str, QTextCharFormat]]:
    out, block = [], dialog.diff.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            out.append((it.fragment().text(), it.fragment().charFormat()))
            it += 1
        block = block.next()
    return out


def open_dialog(window, store, article) -> RevisionsDialog:
    window.load_article(article.id)
    return RevisionsDialog(revisions(store, article.id), window.editor.snapshot(), window)


def test_revisions_count_up_by_one_in_order_of_time(window, store, qtbot):
    article = history(store)
    assert sorted(r.version for r in revisions(store, article.id)) == [1, 4, 9]  # what the store keeps
    dialog = open_dialog(window, store, article)
    qtbot.addWidget(dialog)
    labels = [dialog.list.item(row).text() for row in range(dialog.list.count())]
    assert [label.split(" · ")[0] for label in labels] == ["Revision 3", "Revision 2", "Revision 1"]
    assert labels[2].split(" · ")[1].splitlines()[0] == "created"
    assert not any(" v" in label for label in labels)


def test_field_changes_read_as_words(window, store, qtbot):
    article = history(store)
    dialog = open_dialog(window, store, article)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(2)  # revision 1, the draft as created
    lines = dialog.field_changes(2)
    assert "Tags: added ferries" in lines
    assert "Status: Draft → Published" in lines
    assert "Published: (none) → 3 March 2026 14:00" in lines
    assert "Author: (none) → “Lena Marsh”" in lines
    text = dialog.diff.toPlainText()
    assert "Changes from revision 1 to the current text" in text
    for program_output in ("None", "published_at", "['", "[]", "v1", "v9"):
        assert program_output not in text
    assert dialog.field_changes(0) == []  # revision 3 is the current state


def test_the_body_is_a_word_level_highlighted_diff(window, store, qtbot):
    article = history(store)
    dialog = open_dialog(window, store, article)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(1)  # revision 2: "Budget passengers pay much less from Monday."
    parts = fragments(dialog)
    struck = [text for text, fmt in parts if fmt.fontStrikeOut()]
    inserted = [text for text, fmt in parts if not fmt.fontStrikeOut()
                and fmt.background().color().green() > fmt.background().color().red() + 20]
    assert struck == ["Budget", "much"]
    assert inserted == ["Regular"]
    plain = dialog.diff.toPlainText()
    assert "passengers pay" in plain and "less from Monday." in plain


def test_user_text_is_escaped_not_interpreted(window, store, qtbot):
    article = history(store)
    edit(store, article.id, None, title="Ferry <i>times</i>")
    article = get_article(store, article.id)
    dialog = open_dialog(window, store, article)
    qtbot.addWidget(dialog)
    assert "Headline: “Ferry <b>timetable</b> & fares” → “Ferry <i>times</i>”" in dialog.diff.toPlainText()


def test_word_changes_keep_spacing_and_order():
    runs = word_changes("one two  three\nfour", "one 2  three\nfour five")
    assert "".join(text for kind, text in runs if kind != "delete") == "one 2  three\nfour five"
    assert "".join(text for kind, text in runs if kind != "insert") == "one two  three\nfour"
    assert ("delete", "two") in runs and ("insert", "2") in runs


def test_restore_from_the_dialog_in_the_window(window, store, qtbot):
    article = history(store)
    window.load_article(article.id)

    seen: dict[str, str] = {}

    def restore_first(dialog: RevisionsDialog) -> None:
        dialog.list.setCurrentRow(dialog.list.count() - 1)
        seen["label"] = dialog.list.currentItem().text()
        dialog.restore_button.click()

    answer_modal(restore_first)
    window.findChild(QAction, "article.revisions").trigger()
    assert seen["label"].startswith("Revision 1 · created")
    assert window.editor.body.toPlainText() == "Budget passengers pay less from Monday."
