"""Autosave writes off the UI thread, one save at a time, and the window waits for it on close."""

from __future__ import annotations

import sqlite3
import threading
import time

from guihelpers import answer_modal
from sqlalchemy import event

from digest_desk.store.articles import create_article, get_article, revisions, save_article
from digest_desk.store.conflicts import THEIRS_REPLACED


def _writer_threads(store) -> list[threading.Thread]:
    """The threads that run UPDATE statements on the article table (the database's own hook)."""
    seen: list[threading.Thread] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("UPDATE ARTICLE"):
            seen.append(threading.current_thread())

    event.listen(store.engine, "before_cursor_execute", record)
    return seen


def _type(window, qtbot, text: str) -> None:
    body = window.editor.body
    body.setFocus()
    body.moveCursor(body.textCursor().MoveOperation.End)
    qtbot.keyClicks(body, text)


def test_the_autosave_writes_on_a_worker_and_takes_each_new_version_back(window, qtbot, store):
    article = create_article(store, title="Ferry timetable", body="Boats at nine.")
    window.load_article(article.id)
    window.autosaver.set_delay(50)
    writers = _writer_threads(window.store)
    for round_, words in enumerate((" And at ten.", " And at noon."), start=1):
        _type(window, qtbot, words)
        qtbot.waitUntil(lambda: window.autosaver.state.value == "Saved", timeout=5000)
        assert window.editor.article.version == article.version + round_  # no conflict next time
    assert get_article(store, article.id).body == "Boats at nine. And at ten. And at noon."
    assert writers and all(t is not threading.main_thread() for t in writers)


def test_typing_goes_on_while_the_database_is_busy(window, qtbot, store, db_path):
    article = create_article(store, title="Council meeting", body="Agenda.")
    window.load_article(article.id)
    window.autosaver.set_delay(10)
    blocker = sqlite3.connect(db_path, timeout=1)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        _type(window, qtbot, " Item one.")
        qtbot.waitUntil(lambda: window.autosaver.state.value == "Saving…", timeout=3000)
        started = time.monotonic()
        _type(window, qtbot, " Item two.")  # the UI thread is free while the save waits
        qtbot.wait(300)
        assert time.monotonic() - started < 3
        assert window.editor.body_text() == "Agenda. Item one. Item two."
        assert get_article(store, article.id).body == "Agenda."
    finally:
        blocker.rollback()
        blocker.close()
    qtbot.waitUntil(lambda: window.autosaver.state.value == "Saved", timeout=20000)
    assert get_article(store, article.id).body == "Agenda. Item one. Item two."


def test_closing_waits_for_the_save_under_way(window, qtbot, store):
    article = create_article(store, title="Late news", body="")
    window.load_article(article.id)
    window.autosaver.set_delay(10)
    _type(window, qtbot, "Written just before closing.")
    qtbot.waitUntil(lambda: window.autosaver.state.value == "Saving…", timeout=3000)
    window.close()
    assert get_article(store, article.id).body == "Written just before closing."


def test_a_background_save_that_lost_the_race_asks_and_keeps_mine(window, qtbot, store):
    article = create_article(store, title="Shared story", body="Base.")
    window.load_article(article.id)
    elsewhere = get_article(store, article.id)
    elsewhere.body = "Their edit."
    save_article(store, elsewhere)
    window.autosaver.set_delay(10)
    answer_modal(lambda box: next(b for b in box.buttons() if b.text() == "Keep Mine").click())
    _type(window, qtbot, " Mine.")
    qtbot.waitUntil(lambda: window.autosaver.state.value == "Saved", timeout=10000)
    assert get_article(store, article.id).body == "Base. Mine."
    kept = [r for r in revisions(store, article.id) if r.reason == THEIRS_REPLACED]
    assert kept and kept[0].data["body"] == "Their edit."
    assert window.editor.article.version == get_article(store, article.id).version
