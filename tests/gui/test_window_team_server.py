"""The window on a real PostgreSQL server: one save queue that never conflicts with itself, and a
server that goes away while the editor types (offline message, local drafts, saves resume)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from guihelpers import StallMeter
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QPushButton
from tests import pg_server

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article
from digest_desk.store.drafts import DraftKeeper
from digest_desk.store.locks import current_lock
from digest_desk.ui.actions import ActionId

SENTENCE = "The tide came in early and the ferry waited at the pier for the last bus. "


class Typist:
    """Types the sentence into the body as a person would (real key events): a key every 25 ms,
    a short pause after each word, so the autosave gets its turns."""

    def __init__(self, window, qtbot) -> None:
        self.body, self.qtbot = window.editor.body, qtbot
        self.typed = ""
        self._timer = QTimer(interval=25)
        self._timer.timeout.connect(self._key)

    def _key(self) -> None:
        char = SENTENCE[len(self.typed) % len(SENTENCE)]
        self._timer.setInterval(400 if char == " " else 25)
        self.body.setFocus()
        self.qtbot.keyClicks(self.body, char)
        self.typed += char

    def start(self) -> None:
        self.body.setFocus()
        self.body.moveCursor(self.body.textCursor().MoveOperation.End)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()


def _reject_dialogs(seen: list[str]) -> QTimer:
    """Close any modal dialog (a conflict dialog would be a false conflict) and note its title."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            seen.append(dialog.windowTitle())
            dialog.reject()

    timer = QTimer(interval=20)
    timer.timeout.connect(poll)
    timer.start()
    return timer


def _in_thread(fn) -> threading.Thread:
    thread = threading.Thread(target=fn)
    thread.start()
    return thread


def test_a_burst_of_window_saves_never_conflicts_with_itself(window_factory, pg_url, local_data, qtbot):
    """Autosaves, Ctrl+S, focus flushes and metadata edits in a burst: every save starts from the
    version the one before brought back, so none of them meets a conflict."""
    store = open_store(pg_url)
    article = create_article(store, title="Live blog", body="")
    window = window_factory(pg_url)
    window.load_article(article.id)
    window.autosaver.set_delay(1)
    conflicts: list[object] = []
    window.autosaver.conflicted.connect(conflicts.append)
    dialogs: list[str] = []
    closer = _reject_dialogs(dialogs)
    body = window.editor.body
    try:
        for i in range(40):
            body.setFocus()
            body.moveCursor(body.textCursor().MoveOperation.End)
            qtbot.keyClicks(body, f" update {i}.")
            if i % 3 == 0:
                window.autosaver.save_in_background()
            if i % 4 == 0:
                qtbot.keyClicks(window.editor.summary_edit, f"{i}")  # metadata, same queue
            if i % 5 == 0:
                window.autosaver.flush()
            if i % 7 == 0:
                window.save_now()  # the explicit save waits for the queue, then records a revision
            qtbot.wait(i % 4 * 5)
        qtbot.waitUntil(lambda: window.autosaver.state.value == "Saved", timeout=20000)
    finally:
        closer.stop()
    assert conflicts == [] and dialogs == []
    stored = get_article(store, article.id)
    assert stored.body == window.editor.body_text()
    assert stored.summary == window.editor.value("summary")
    assert stored.version == window.editor.article.version > 10  # many saves, each taken back
    store.close()


def test_server_restart_while_the_window_types(window_factory, own_cluster, local_data, qtbot):
    """pg_ctl stop -m immediate while keys are typed: the window says it is offline, typing goes on,
    the text is kept in the editor's own local draft file, and after the restart saving resumes by
    itself until the database holds exactly the editor's text."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    article = create_article(store, title="Storm warning", body="")
    other = create_article(store, title="Tide tables", body="")
    store.close()
    window = window_factory(url)
    # The previews off: their page updates cost a few hundred ms on a loaded machine whatever the
    # server does, and this test measures what the server going away costs the UI thread.
    window.findChild(QAction, ActionId.TOGGLE_PREVIEWS.value).setChecked(False)
    window.load_article(article.id)
    window.autosaver.set_delay(200)
    offline = window.readouts.offline
    typist, meter = Typist(window, qtbot), StallMeter()
    typist.start()
    qtbot.wait(800)
    meter.start()
    halting = _in_thread(own_cluster.halt)
    qtbot.waitUntil(lambda: offline.isVisible(), timeout=15000)
    assert offline.text() == "Offline: your changes are kept on this computer"
    assert window.autosaver.offline and "Offline" in window.windowTitle()
    qtbot.waitUntil(lambda: not halting.is_alive(), timeout=15000)
    typed_offline_from = len(typist.typed)
    qtbot.wait(2500)
    assert window.safety.editing  # editing goes on
    typist.stop()
    window.editor.title_edit.setFocus()
    window.editor.title_edit.moveCursor(window.editor.title_edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor.title_edit, " tonight")  # a new slug cannot be asked for now
    assert window.editor.value("title") == "Storm warning tonight"
    assert window.open_article(other.id) is False  # nothing else opens while the text is unsaved
    assert window.article.id == article.id
    meter.skip()
    typist.start()
    qtbot.wait(500)
    assert len(typist.typed) > typed_offline_from + 15  # the keys kept coming (no frozen window)

    drafts_file = Path(window.safety.keeper.drafts.path)
    assert drafts_file.is_relative_to(local_data)  # the editor's own folder, not the server
    assert drafts_file.stat().st_mode & 0o077 == 0

    def draft_has_offline_typing() -> bool:
        with sqlite3.connect(f"file:{drafts_file}?mode=ro", uri=True) as con:
            rows = con.execute("SELECT data FROM draft WHERE article_id = ?", (article.id,)).fetchall()
        return any(typist.typed[:typed_offline_from + 10] in data for (data,) in rows)

    qtbot.waitUntil(draft_has_offline_typing, timeout=10000)

    resuming = _in_thread(own_cluster.resume)
    qtbot.wait(600)
    typist.stop()
    qtbot.waitUntil(lambda: not resuming.is_alive(), timeout=30000)
    longest = meter.stop()
    print(f"\nlongest UI stall while the server was away and back: {longest * 1000:.0f} ms")
    qtbot.waitUntil(lambda: not offline.isVisible() and window.autosaver.state.value == "Saved",
                    timeout=30000)
    assert window.editor.body_text() == typist.typed  # no keystroke lost
    store = open_store(url)
    try:
        stored = get_article(store, article.id)
        assert (stored.body, stored.title) == (typist.typed, "Storm warning tonight")
    finally:
        store.close()
    # Generous: on a shared, loaded 2-core machine the whole process is sometimes not scheduled for
    # most of a second; a UI thread waiting on the dead server (connect timeout 10 s) is far above.
    assert longest < 2.0


def _as_admin(url: str, *statements: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(make_url(url).set(drivername="postgresql")
                         .render_as_string(hide_password=False), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def test_saving_resumes_through_the_conflict_dialog_when_the_article_changed_meanwhile(
        window_factory, pg_url, local_data, qtbot):
    """The window's link drops (its connections killed, new ones refused) while another editor
    still reaches the server and saves the article: when the window is let back in, its save meets
    the newer version and goes through the conflict dialog; "Keep Mine" keeps theirs in history."""
    from guihelpers import answer_modal
    from sqlalchemy.engine import make_url

    from digest_desk.store.articles import revisions, save_article
    from digest_desk.store.conflicts import THEIRS_REPLACED

    admin = open_store(pg_url)
    article = create_article(admin, title="Harbour works", body="Cranes arrive.")
    database, role = make_url(pg_url).database, f"editor_{os.getpid()}"
    _as_admin(pg_url, f'CREATE ROLE "{role}" LOGIN',
              f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"',
              f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
    try:
        window = window_factory(make_url(pg_url).set(username=role).render_as_string(hide_password=False))
        window.load_article(article.id)
        window.autosaver.set_delay(50)
        body = window.editor.body
        body.setFocus()
        body.moveCursor(body.textCursor().MoveOperation.End)
        qtbot.keyClicks(body, " Mine before.")
        qtbot.waitUntil(lambda: window.autosaver.state.value == "Saved", timeout=10000)

        _as_admin(pg_url, f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC',
                  f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'")
        qtbot.keyClicks(body, " Mine offline.")
        qtbot.waitUntil(lambda: window.readouts.offline.isVisible(), timeout=10000)
        theirs = get_article(admin, article.id)
        theirs.body = "Cranes arrive. Theirs, saved meanwhile."
        save_article(admin, theirs, reason="save")

        dialogs: list[str] = []

        def keep_mine(dialog) -> None:
            dialogs.append(dialog.objectName())
            [mine] = [b for b in dialog.buttons() if b.objectName() == "conflict-mine"]
            mine.click()

        answer_modal(keep_mine)
        _as_admin(pg_url, f'GRANT CONNECT ON DATABASE "{database}" TO PUBLIC')
        qtbot.waitUntil(lambda: dialogs == ["conflict-dialog"], timeout=20000)
        qtbot.waitUntil(lambda: not window.readouts.offline.isVisible()
                        and window.autosaver.state.value == "Saved", timeout=20000)
        stored = get_article(admin, article.id)
        assert stored.body == "Cranes arrive. Mine before. Mine offline." == window.editor.body_text()
        kept = [r.data["body"] for r in revisions(admin, article.id) if r.reason == THEIRS_REPLACED]
        assert kept == ["Cranes arrive. Theirs, saved meanwhile."]
    finally:
        _as_admin(pg_url, f'GRANT CONNECT ON DATABASE "{database}" TO PUBLIC')
        for made in QApplication.topLevelWidgets():
            if made.objectName() == "main-window" and made.isVisible():
                made.close()
                made.store.close()
        admin.close()
        # Revoked one by one: DROP OWNED needs the role's own privileges, which CI's admin lacks.
        _as_admin(pg_url, f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
                  f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "{role}"', f'DROP ROLE "{role}"')


def test_a_server_that_stops_answering_never_freezes_the_window(window_factory, own_cluster,
                                                                local_data, qtbot):
    """The server's processes stopped (SIGSTOP: a link that drops everything silently, no refusal):
    Ctrl+S gives up waiting after a moment and says Offline, typing goes on, and when the server
    answers again the queued save lands and the database holds the editor's text."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    article = create_article(store, title="Night shift", body="")
    store.close()
    window = window_factory(url)
    window.findChild(QAction, ActionId.TOGGLE_PREVIEWS.value).setChecked(False)  # as above
    window.load_article(article.id)
    window.autosaver.set_delay(200)
    typist, meter = Typist(window, qtbot), StallMeter()
    typist.start()
    qtbot.wait(600)
    typist.stop()
    qtbot.waitUntil(lambda: window.autosaver.state.value == "Saved", timeout=10000)
    own_cluster.freeze()
    try:
        typist.start()
        qtbot.wait(300)
        started = time.monotonic()
        window.save_now()  # waits for the server a moment only
        waited = time.monotonic() - started
        assert window.readouts.offline.isVisible()
        meter.start()
        qtbot.wait(2000)
        typist.stop()
        longest = meter.stop()
    finally:
        own_cluster.thaw()
    print(f"\nCtrl+S on a silent server waited {waited * 1000:.0f} ms; longest stall after: "
          f"{longest * 1000:.0f} ms")
    qtbot.waitUntil(lambda: not window.readouts.offline.isVisible()
                    and window.autosaver.state.value == "Saved", timeout=30000)
    store = open_store(url)
    try:
        assert get_article(store, article.id).body == window.editor.body_text() == typist.typed
    finally:
        store.close()
    assert waited < 3.0
    assert longest < 2.0  # generous, as above


def test_the_heartbeat_and_list_reads_on_a_frozen_server_never_hold_the_window(
        window_factory, own_cluster, local_data, qtbot):
    """The server's processes stopped (SIGSTOP: nothing refuses, nothing answers, and over its
    Unix socket no TCP timeout can help): the lock heartbeat and the list's reloads wait on
    threads of their own, the UI thread keeps ticking, the window says Offline once a heartbeat
    goes unanswered, and it is back Online when the server answers again."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    article = create_article(store, title="Frozen harbour", body="Ice.", category="Weather")
    store.close()
    window = window_factory(url)
    window.findChild(QAction, ActionId.TOGGLE_PREVIEWS.value).setChecked(False)  # as above
    window.load_article(article.id)
    assert window.safety.lock is not None and window.safety.lock.ours
    qtbot.waitUntil(lambda: window.live.started, timeout=10000)  # the deferred start is done
    offline = window.readouts.offline
    meter = StallMeter(every_ms=10)
    rescue = own_cluster.freeze_for_at_most(20)
    try:
        meter.start()
        assert window.safety.beat() is not None  # the heartbeat due now
        window.list_panel.refresh()  # a list reload with its categories, as a live update does
        window.list_panel.model.reload()
        window.live.media_changed()  # the previews read the site's pictures and sections again:
        window.live.refresh_now()  # waited for a moment only, then rendered without them
        qtbot.waitUntil(lambda: offline.isVisible(), timeout=10000)
        qtbot.wait(1000)
        assert window.safety.heartbeat_pending and window.autosaver.offline
        assert offline.text() == "Offline: your changes are kept on this computer"
        longest = meter.stop()
    finally:
        own_cluster.thaw()
        rescue.cancel()
    print(f"\nlongest UI stall during a heartbeat and list reloads on a frozen server: "
          f"{longest * 1000:.0f} ms")
    qtbot.waitUntil(lambda: not window.safety.heartbeat_pending and not offline.isVisible(),
                    timeout=20000)
    assert window.autosaver.state.value == "Saved" and window.safety.lock.ours
    assert meter.ticks > 150  # the UI thread handled its timer all along (some 4 s at 10 ms)
    assert longest < 3.0  # generous for a shared machine; before, the heartbeat waited for the thaw


def _click_article(window, qtbot, article_id: int) -> None:
    """A real click on the article's row in the list (its rows are read already)."""
    view, model = window.list_panel.view, window.list_panel.model
    rect = view.visualRect(model.index(model.row_of(article_id), 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_opening_another_article_on_a_frozen_server_never_holds_the_window(
        window_factory, own_cluster, local_data, qtbot):
    """Clicks in the list while the server is frozen (SIGSTOP): the UI thread keeps ticking, the
    list shows the newest click, the status bar says the server is not answering, text typed
    meanwhile into the open article is saved, and once the server answers the newest click's
    article opens with its lock (the older click's lock is given back)."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    first = create_article(store, title="Anchor", body="Start.", category="Harbour")
    skipped = create_article(store, title="Buoy", body="Passed over.")
    wanted = create_article(store, title="Crane", body="Opened at last.", category="Docks")
    store.close()
    window = window_factory(url)
    window.findChild(QAction, ActionId.TOGGLE_PREVIEWS.value).setChecked(False)  # as above
    window.load_article(first.id)
    window.autosaver.set_delay(200)
    qtbot.waitUntil(lambda: window.live.started, timeout=10000)
    for article in (skipped, wanted):  # the rows are on screen before the server stops
        qtbot.waitUntil(lambda a=article: window.list_panel.model.row_of(a.id) >= 0, timeout=10000)
    meter, typist = StallMeter(every_ms=10), Typist(window, qtbot)
    rescue = own_cluster.freeze_for_at_most(25)
    try:
        meter.start()
        _click_article(window, qtbot, skipped.id)
        qtbot.wait(300)
        _click_article(window, qtbot, wanted.id)  # the newer click replaces the older
        typist.start()  # the open article stays editable while the server is silent
        qtbot.wait(1200)
        typist.stop()
        qtbot.waitUntil(lambda: "not answering" in window.statusBar().currentMessage(), timeout=3000)
        qtbot.wait(500)
        longest = meter.stop()
        assert window.opening and window.article.id == first.id
        assert window.list_panel.selected_id() == wanted.id  # the list shows the click
        assert window.statusBar().currentMessage() == (
            "The team server is not answering; the article opens when it does.")
        asked = time.monotonic()
        assert window.safety.still_holds_lock()  # a silent server is no take-over (a save's check)
        asked = time.monotonic() - asked
    finally:
        own_cluster.thaw()
        rescue.cancel()
    print(f"\nlongest UI stall while opening an article on a frozen server: {longest * 1000:.0f} ms")
    qtbot.waitUntil(lambda: not window.opening and window.article.id == wanted.id, timeout=20000)
    assert window.editor.body_text() == "Opened at last." and window.editor.editable
    assert window.safety.lock.article_id == wanted.id and window.safety.lock.ours
    assert window.editor.category_edit.findText("Docks") >= 0  # the categories came with it
    assert window.statusBar().currentMessage() == ""
    store = open_store(url)
    try:
        assert get_article(store, first.id).body == "Start." + typist.typed  # nothing typed is lost
        holder = window.safety.holder
        qtbot.waitUntil(lambda: current_lock(store, skipped.id, holder) is None, timeout=10000)
        assert current_lock(store, first.id, holder) is None  # given back on leaving it
    finally:
        store.close()
    assert longest < 3.0  # generous for a shared machine; before, the open waited for the thaw
    assert asked < 3.0  # the lock check waits a moment only (it waited for the thaw before)


def test_recovery_on_a_frozen_server_waits_for_its_answer_without_holding_the_window(
        window_factory, own_cluster, local_data, qtbot):
    """A crashed session's draft (kept in the local drafts file) is compared with the stored
    article on a thread of its own: the frozen server holds nothing, and the dialog comes once
    it answers; recovering there puts the draft's text in the editor and on the server."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    article = create_article(store, title="Lighthouse", body="Saved.")
    crashed = DraftKeeper(store, "crashed-window")
    crashed.write(article.id, {"title": "Lighthouse", "body": "Saved. Typed before the crash."})
    crashed.close()
    store.close()
    window = window_factory(url)
    window.findChild(QAction, ActionId.TOGGLE_PREVIEWS.value).setChecked(False)  # as above
    qtbot.waitUntil(lambda: window.live.started, timeout=10000)
    shown: list[str] = []

    def recover() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.objectName() == "recovery-dialog":
            shown.append(dialog.objectName())
            dialog.findChild(QPushButton, "recover-button").click()

    poller = QTimer(interval=20)
    poller.timeout.connect(recover)
    poller.start()
    meter = StallMeter(every_ms=10)
    rescue = own_cluster.freeze_for_at_most(20)
    try:
        meter.start()
        assert window.safety.offer_recovery() == 0  # asked on a thread of its own
        qtbot.wait(1500)
        longest = meter.stop()
        assert shown == []  # nothing to show before the server answers
        asked = time.monotonic()
        assert not window.load_article(article.id)  # a direct load (a reload) waits a moment only
        asked = time.monotonic() - asked
        assert window.article is None
        assert window.statusBar().currentMessage().startswith("The team server cannot be reached")
    finally:
        own_cluster.thaw()
        rescue.cancel()
    print(f"\nlongest UI stall while recovery waits on a frozen server: {longest * 1000:.0f} ms")
    qtbot.waitUntil(lambda: window.article is not None
                    and window.editor.body_text() == "Saved. Typed before the crash.", timeout=20000)
    poller.stop()
    assert shown == ["recovery-dialog"]
    store = open_store(url)
    try:
        assert get_article(store, article.id).body == "Saved. Typed before the crash."
    finally:
        store.close()
    assert longest < 3.0  # generous for a shared machine; before, the start waited for the thaw
    assert asked < 3.0  # before, it waited for the thaw
