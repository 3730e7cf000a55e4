"""The safety hooks in the real window: drafts while typing, locks between windows, conflicts, recovery."""

from __future__ import annotations

import json

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import event

from digest_desk.store.articles import create_article, get_article, revisions, save_article
from digest_desk.store.drafts import DraftKeeper, pending_drafts
from digest_desk.store.rescue import list_recovery_files, read_recovery_file


def _drafts(store) -> list[dict]:
    with store.read() as session:
        rows = session.connection().exec_driver_sql("SELECT data FROM draft").all()
    return [json.loads(r[0]) for r in rows]


def _type_slowly(qtbot, widget, text: str, every_ms: int = 40) -> None:
    for ch in text:
        qtbot.keyClicks(widget, ch)
        qtbot.wait(every_ms)


def test_steady_typing_writes_drafts_without_waiting_for_a_pause(make_window, qtbot, db_path, store):
    article = create_article(store, title="Story", body="")
    window = make_window(db_path)
    window.autosaver.set_delay(60_000)  # the article save waits for a pause that never comes
    window.load_article(article.id)
    window.editor.body.setFocus()
    _type_slowly(qtbot, window.editor.body, "x" * 70)  # ~3 s of typing, never pausing 1 s
    window.safety.wait_for_drafts()
    assert any(d["body"].startswith("x" * 20) for d in _drafts(store))
    assert get_article(store, article.id).body == ""
    assert window.autosaver.save_now()
    window.safety.wait_for_drafts()
    assert _drafts(store) == []  # the save holds everything: the draft is gone


def test_second_window_sees_the_lock_and_takes_over(make_window, qtbot, db_path, store):
    article = create_article(store, title="Shared", body="start")
    first = make_window(db_path, "first")
    first.load_article(article.id)
    second = make_window(db_path, "second")
    second.load_article(article.id)
    assert not second.safety.editing
    assert second.safety.notice.isVisible()
    assert "is editing this article" in second.safety.notice.label.text()
    _click_yes_when_asked()  # "Take it over?"
    qtbot.mouseClick(second.safety.notice.findChild(QPushButton, "take-over-button"),
                     _left())
    assert second.safety.editing and not second.safety.notice.isVisible()
    assert first.safety.beat() is not None  # the first window's next heartbeat finds the lock gone
    qtbot.waitUntil(lambda: not first.safety.heartbeat_pending, timeout=10000)
    assert not first.safety.editing
    assert "took over" in first.safety.notice.label.text()


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def _click_yes_when_asked() -> None:
    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, poll)
            return
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(50, poll)


def _click_when_shown(name: str) -> None:
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        button = dialog.findChild(QPushButton, name) if dialog is not None else None
        if button is None:
            QTimer.singleShot(50, poll)
            return
        button.click()

    QTimer.singleShot(50, poll)


def test_stale_save_opens_the_conflict_dialog_and_keeps_both(make_window, qtbot, db_path, store):
    article = create_article(store, title="Story", body="original")
    window = make_window(db_path)
    window.load_article(article.id)
    theirs = get_article(store, article.id)
    theirs.body = "their newer text"
    save_article(store, theirs)
    window.editor.body.moveCursor(window.editor.body.textCursor().MoveOperation.End)
    window.editor.body.setFocus()
    qtbot.keyClicks(window.editor.body, " mine")
    _click_when_shown("conflict-both")
    window.autosaver.save_now()
    assert get_article(store, article.id).body == "their newer text"
    assert window.editor.body.toPlainText() == "their newer text"
    assert any(r.data.get("body") == "original mine" for r in revisions(store, article.id))


def test_recovery_offered_for_a_crashed_session(make_window, qtbot, db_path, store):
    article = create_article(store, title="Story", body="saved")
    DraftKeeper(store, "crashed-window").write(article.id, {"title": "Story",
                                                            "body": "saved and recovered"})
    window = make_window(db_path)
    _click_when_shown("recover-button")
    assert window.safety.offer_recovery() == 1
    assert window.editor.body.toPlainText() == "saved and recovered"
    assert pending_drafts(store) == []


def test_disk_full_save_in_the_window_keeps_the_text(make_window, qtbot, db_path, store):
    article = create_article(store, title="Story", body="saved")
    window = make_window(db_path)
    window.load_article(article.id)
    with store.read() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar_one()
    event.listen(window.store.engine, "connect",
                 lambda con, _r: con.execute(f"PRAGMA max_page_count = {pages + 2}"))
    window.store.engine.dispose()  # pooled connections reconnect with the cap
    big = "A long pasted report. " * 20000
    window.editor.body.setFocus()
    window.editor.body.insertPlainText(big)
    assert window.autosaver.save_now() is False
    assert "Not saved" in window.windowTitle()
    assert "disk is full" in window.statusBar().currentMessage()
    assert get_article(store, article.id).body == "saved"
    window.safety.wait_for_drafts()
    qtbot.waitUntil(lambda: "disk is full" in window.statusBar().currentMessage())
    [path] = list_recovery_files(window.safety.keeper.recovery_folder)
    assert read_recovery_file(path)["data"]["body"] == big + "saved"
    assert window.editor.body.toPlainText() == big + "saved"  # the editor keeps the text


def test_workstation_open_restores_a_damaged_database_from_its_backup(qtbot, tmp_path):
    from digest_desk.app import make_application
    from digest_desk.store import open_store
    from digest_desk.store.articles import get_by_slug
    from digest_desk.store.backup import backup, backup_infos
    from digest_desk.ui.safety import open_database_safely

    make_application()
    db = tmp_path / "desk.sqlite3"
    store = open_store(db)
    create_article(store, title="Precious", body="words")
    backup(store)
    store.close()
    damaged = b"this is not a database any more" * 50
    db.write_bytes(damaged)
    _click_when_shown("restore-button")
    restored = open_database_safely(str(db))
    assert get_by_slug(restored, "precious").body == "words"
    assert (tmp_path / "desk.sqlite3.before-restore").read_bytes() == damaged
    assert any(b.kind == "daily" for b in backup_infos(db))  # and today's backup was made
    restored.close()
