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
