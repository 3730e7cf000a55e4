"""File > Connect to Team Server… and File > Open Local Database…: a real window on a real
PostgreSQL role that needs a password (asked once per session, never stored)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QWidget
from tests import pg_server

from digest_desk.app import create_window
from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_by_slug
from digest_desk.ui import settings as keys
from digest_desk.ui.actions import ActionId as A
from digest_desk.ui.connect_dialog import ConnectDialog
from digest_desk.ui.main_window import MainWindow

SECRET = "Tr0ub4dor-&-3-horse"



@pytest.fixture
def no_libpq_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing where libpq looks for passwords: the window has to ask."""
    for name in ("PGPASSWORD", "PGSERVICE", "PGSERVICEFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))


@pytest.fixture
def local_window(qtbot, settings, tmp_path: Path) -> Iterator[MainWindow]:
    """A window on a local file; closed (with any window that replaced it) at the end."""
    store = open_store(tmp_path / "local.sqlite3")
    create_article(store, title="Local story", body="Only on this computer.")
    window = create_window(store, settings)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            widget.close()
            widget.list_panel.model.wait()
    store.close()


def when_shown(name: str, action: Callable[[QWidget], None]) -> list[bool]:
    """Run ``action`` on the top-level widget ``name`` once it shows (dialogs under exec());
    set the returned flag's item to False to stop waiting."""
    alive = [True]

    def poll() -> None:
        if not alive[0]:
            return
        found = [w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()]
        if not found:
            QTimer.singleShot(30, poll)
            return
        action(found[0])

    QTimer.singleShot(30, poll)
    return alive


def type_password(text: str, seen: list[str] | None = None) -> Callable[[QWidget], None]:
    def answer(dialog) -> None:
        if seen is not None:
            seen.append(dialog.labelText())
        dialog.setTextValue(text)
        dialog.accept()
    return answer


def fill(dialog: ConnectDialog, server: pg_server.PasswordServer, role: str, database: str) -> None:
    dialog.host_edit.setText(server.socket)
    dialog.port_spin.setValue(5432)
    dialog.database_edit.setText(database)
    dialog.user_edit.setText(role)
    dialog.tls_combo.setCurrentIndex(dialog.tls_combo.findData("disable"))


def connect_button(dialog: ConnectDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def switched_window(qtbot, old: MainWindow) -> MainWindow:
    found: list[MainWindow] = []
    old.switcher.switched.connect(found.append)
    return found


def status_store(window: MainWindow) -> str:
    return window.findChild(QLabel, "store-label").text()


def test_connecting_asks_the_password_once_and_switches_the_window(
        qtbot, server, local_window, settings, no_libpq_password) -> None:
    role, database = server.add_editor(SECRET)
    assert status_store(local_window).startswith("local: ")
    local_window.actions[A.CONNECT_SERVER].trigger()
    dialog = local_window.findChild(ConnectDialog, "connect-dialog")
    fill(dialog, server, role, database)
    new_windows = switched_window(qtbot, local_window)
    when_shown("password-dialog", type_password(SECRET))
    qtbot.mouseClick(connect_button(dialog), qtbot_left())
    qtbot.waitUntil(lambda: bool(new_windows), timeout=20000)
    window = new_windows[0]
    assert window.store.is_server
    assert status_store(window) == f"server: {role}@{server.socket}/{database}"
    assert _deleted(local_window) or not local_window.isVisible()
    url = keys.recent_servers(settings)[0]
    assert role in url and database in url and SECRET not in url

    # The same server again in this session: no question (the password is kept in memory).
    again = window.switcher.connect_to_server()
    again.recent_list.setCurrentRow(0)
    assert again.database_edit.text() == database and again.user_edit.text() == role
    newer = switched_window(qtbot, window)
    asked: list[str] = []
    waiting = when_shown("password-dialog", type_password("should-not-be-asked", asked))
    qtbot.mouseClick(connect_button(again), qtbot_left())
    qtbot.waitUntil(lambda: bool(newer), timeout=20000)
    qtbot.wait(100)
    waiting[0] = False
    assert asked == []


def test_a_wrong_password_is_asked_again_with_a_plain_message(
        qtbot, server, local_window, no_libpq_password) -> None:
    role, database = server.add_editor(SECRET)
    dialog = local_window.switcher.connect_to_server()
    fill(dialog, server, role, database)
    new_windows = switched_window(qtbot, local_window)
    labels: list[str] = []

    def first(box) -> None:
        type_password("wrong-" + SECRET, labels)(box)
        when_shown("password-dialog", type_password(SECRET, labels))

    when_shown("password-dialog", first)
    qtbot.mouseClick(connect_button(dialog), qtbot_left())
    qtbot.waitUntil(lambda: bool(new_windows), timeout=20000)
    assert len(labels) == 2
    assert "did not accept that password" in labels[1]
    assert all(SECRET not in text for text in labels)


def test_a_failed_connection_says_so_and_changes_nothing(qtbot, server, local_window,
                                                         no_libpq_password) -> None:
    role, _database = server.add_editor(SECRET)
    before = local_window.store
    dialog = local_window.switcher.connect_to_server()
    fill(dialog, server, role, "no_such_database")
    when_shown("password-dialog", type_password(SECRET))
    qtbot.mouseClick(connect_button(dialog), qtbot_left())
    error = dialog.findChild(QLabel, "errorLabel")
    qtbot.waitUntil(lambda: error.isVisible(), timeout=20000)
    assert "no_such_database" in error.text() and "Traceback" not in error.text()
    assert SECRET not in error.text()
    assert dialog.isVisible() and local_window.store is before and local_window.isVisible()
    dialog.reject()


def test_open_local_database_goes_back_to_a_file(qtbot, server, local_window, tmp_path,
                                                 no_libpq_password) -> None:
    other = open_store(tmp_path / "other.sqlite3")
    create_article(other, title="Other file story", body="Text.")
    other.close()
    dialog = local_window.switcher.open_local()
    assert dialog.objectName() == "open-local-dialog"
    assert dialog.directory().absolutePath() == str(tmp_path)
    new_windows = switched_window(qtbot, local_window)
    dialog.fileSelected.emit(str(tmp_path / "other.sqlite3"))
    qtbot.waitUntil(lambda: bool(new_windows), timeout=20000)
    window = new_windows[0]
    assert window.store.path == tmp_path / "other.sqlite3"
    assert status_store(window) == f"local: {tmp_path / 'other.sqlite3'}"
    assert window.article is not None and window.article.title == "Other file story"
    assert get_by_slug(window.store, "other-file-story").title == "Other file story"


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def _deleted(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return not isValid(widget)


def test_starting_with_a_server_url_asks_for_the_password_too(qtbot, server, settings,
                                                               no_libpq_password) -> None:
    from digest_desk.store.engine import server_address
    from digest_desk.ui.safety import open_database_safely

    role, database = server.add_editor(SECRET)
    url = server_address(server.socket, 5432, database, role)
    asked: list[str] = []
    when_shown("password-dialog", type_password(SECRET, asked))
    store = open_database_safely(url)
    try:
        assert store is not None and store.is_server and asked
        assert SECRET not in store.target and SECRET not in store.label
    finally:
        store.close()


class SilentHost:
    """A TCP port that takes connections and never answers them: to libpq it looks like a host
    whose firewall drops every packet after the handshake (it waits until connect_timeout)."""

    def __init__(self) -> None:
        import socket

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)  # never accepted: the kernel completes the handshake, nobody reads
        self.port = self.sock.getsockname()[1]

    def close(self) -> None:
        """Unanswered connections are reset: a connect still waiting fails at once."""
        self.sock.close()


@pytest.fixture
def silent_host() -> Iterator[SilentHost]:
    host = SilentHost()
    yield host
    host.close()


def _connecting_threads() -> list[object]:
    import threading

    return [t for t in threading.enumerate() if t.name == "digest-desk-connect"]


def test_a_host_that_never_answers_leaves_the_window_responsive_and_cancel_ends_it(
        qtbot, silent_host, local_window, no_libpq_password) -> None:
    from guihelpers import StallMeter

    from digest_desk.store.articles import list_articles

    before = local_window.store
    new_windows = switched_window(qtbot, local_window)
    dialog = local_window.switcher.connect_to_server()
    dialog.host_edit.setText("127.0.0.1")
    dialog.port_spin.setValue(silent_host.port)
    dialog.database_edit.setText("newsroom")
    dialog.user_edit.setText("editor")
    dialog.tls_combo.setCurrentIndex(dialog.tls_combo.findData("disable"))
    meter = StallMeter()
    meter.start()
    qtbot.mouseClick(connect_button(dialog), qtbot_left())
    busy = dialog.findChild(QWidget, "connect-busy")
    assert busy.isVisible() and dialog.connecting
    assert dialog.findChild(QLabel, "connect-status").text() == \
        f"Connecting to editor@127.0.0.1:{silent_host.port}/newsroom…"
    assert not connect_button(dialog).isEnabled() and not dialog.host_edit.isEnabled()
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.isEnabled()
    qtbot.wait(2000)  # libpq is still waiting for the silent host (its timeout is 10 s)
    longest = meter.stop()
    assert meter.ticks > 100, "the UI thread stopped handling timer events"
    assert dialog.connecting and busy.isVisible() and not dialog.error_label.isVisible()
    assert len(_connecting_threads()) >= 1

    qtbot.mouseClick(cancel, qtbot_left())
    assert not dialog.connecting
    qtbot.waitUntil(lambda: _deleted(dialog) or not dialog.isVisible(), timeout=5000)
    silent_host.close()  # the abandoned connect fails now instead of at its timeout
    qtbot.waitUntil(lambda: not _connecting_threads(), timeout=15000)
    qtbot.wait(100)  # its outcome is delivered (and dropped)
    print(f"\nlongest UI stall while connecting to a silent host: {longest * 1000:.0f} ms")
    assert new_windows == [] and local_window.isVisible() and local_window.store is before
    [row] = list_articles(before)  # the old store is still open and usable in the window
    assert local_window.load_article(row.id) and local_window.article.title == "Local story"
    assert longest < 1.0  # generous for a shared machine; the old UI-thread connect took 10 s


def test_a_connection_cancelled_before_it_arrives_is_closed_again(
        qtbot, server, local_window, no_libpq_password) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    database = make_url(pg_server.create_database(server.base_url)).database
    before = local_window.store
    new_windows = switched_window(qtbot, local_window)
    dialog = local_window.switcher.connect_to_server()
    fill(dialog, server, "postgres", database)  # trusted over the socket: no password asked
    qtbot.mouseClick(connect_button(dialog), qtbot_left())
    dialog.reject()  # before the worker's outcome can arrive (it comes through the event loop)
    qtbot.waitUntil(lambda: not _connecting_threads(), timeout=20000)
    qtbot.wait(200)
    assert new_windows == [] and local_window.store is before and local_window.isVisible()

    def sessions() -> int:
        with psycopg.connect(host=server.socket, user="postgres", dbname="postgres") as conn:
            return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                (database,)).fetchone()[0]

    qtbot.waitUntil(lambda: sessions() == 0, timeout=5000)  # the store it made was closed


def test_a_host_that_hangs_up_while_connecting_is_said_in_the_dialog(
        qtbot, silent_host, local_window, no_libpq_password) -> None:
    """The worker's failure comes back to the dialog as a plain message, as before."""
    before = local_window.store
    dialog = local_window.switcher.connect_to_server()
    dialog.host_edit.setText("127.0.0.1")
    dialog.port_spin.setValue(silent_host.port)
    dialog.database_edit.setText("newsroom")
    dialog.user_edit.setText("editor")
    dialog.tls_combo.setCurrentIndex(dialog.tls_combo.findData("disable"))
    qtbot.mouseClick(connect_button(dialog), qtbot_left())
    qtbot.wait(300)
    assert dialog.connecting
    silent_host.close()  # the waiting connection is reset
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=15000)
    text = dialog.error_label.text()
    assert f"editor@127.0.0.1:{silent_host.port}/newsroom" in text and "Traceback" not in text
    assert not dialog.connecting and not dialog.findChild(QWidget, "connect-busy").isVisible()
    assert dialog.isVisible() and connect_button(dialog).isEnabled() and dialog.host_edit.isEnabled()
    assert local_window.store is before
    dialog.reject()
