"""A window session on a team server with a password asked through the dialog (connect, save an
article, export) leaves that password nowhere: not in the settings, the program's output, the
local data folder (drafts, recovery, backups), the export, the server's log or its database."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from digest_desk import paths
from digest_desk.app import create_window
from digest_desk.store import open_store
from digest_desk.store.articles import get_by_slug
from digest_desk.ui.actions import ActionId as A
from digest_desk.ui.connect_dialog import ConnectDialog
from digest_desk.ui.export_dialog import failure_text
from digest_desk.ui.main_window import MainWindow

SECRET = "Pw-9f3Kq!zX&7 never-in-files"



@pytest.fixture
def data_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The editor's data folder (local database, backups, recovery) and no password for libpq."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("PGPASSWORD", "PGSERVICE", "PGSERVICEFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    return tmp_path / "data"


def _answer_password() -> None:
    def poll() -> None:
        box = next((w for w in QApplication.topLevelWidgets()
                    if w.objectName() == "password-dialog" and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(30, poll)
            return
        box.setTextValue(SECRET)
        box.accept()

    QTimer.singleShot(30, poll)


def _files_holding(root: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path}: {needle!r}" for needle in needles if needle in data]
    return found


def _needles() -> list[bytes]:
    forms = {SECRET, quote(SECRET, safe=""), quote(SECRET), SECRET.replace(" ", "+")}
    return [form.encode(enc) for form in forms for enc in ("utf-8", "utf-16-le")]


def _session(qtbot, settings, server, role: str, database: str, out: Path) -> MainWindow:
    local = open_store(paths.default_db_path())
    window = create_window(local, settings)
    window.show()
    qtbot.waitExposed(window)
    switched: list[MainWindow] = []
    window.switcher.switched.connect(switched.append)
    window.actions[A.CONNECT_SERVER].trigger()
    dialog = window.findChild(ConnectDialog, "connect-dialog")
    dialog.host_edit.setText(server.socket)
    dialog.database_edit.setText(database)
    dialog.user_edit.setText(role)
    _answer_password()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(switched), timeout=30000)
    team = switched[0]
    team.actions[A.NEW].trigger()
    qtbot.waitUntil(lambda: team.article is not None, timeout=5000)
    qtbot.keyClicks(team.editor.title_edit, "Harbour council votes")
    team.editor.body.setFocus()
    qtbot.keyClicks(team.editor.body, "The vote was close.")
    team.actions[A.SAVE].trigger()
    qtbot.waitUntil(lambda: team.autosaver.state.value == "Saved", timeout=10000)
    export = team.ops.export_dialog(False)
    export.folder_edit.setText(str(out))
    export.export_button.click()
    qtbot.waitUntil(lambda: not export.running(), timeout=60000)
    assert export.status.text().startswith("Done:"), export.status.text()
    export.close()
    return team


def test_the_password_is_written_nowhere(qtbot, settings, server, data_home, tmp_path, capfd) -> None:
    role, database = server.add_editor(SECRET)
    out = tmp_path / "site"
    team = _session(qtbot, settings, server, role, database, out)
    stored = get_by_slug(team.store, "harbour-council-votes")
    assert stored.body == "The vote was close." and team.store.password == SECRET
    # an export stopped by a driver error that repeats the password: the dialog and the status bar never show it
    said, _cancelled = failure_text(RuntimeError(f"connection lost (password={SECRET})"), team.store)
    assert SECRET not in said and "connection lost" in said
    team.close()
    team.list_panel.model.wait()
    team.store.close()
    settings.sync()

    needles = _needles()
    control = tmp_path / "control"
    control.mkdir()
    (control / "planted.txt").write_text(f"x{SECRET}x", encoding="utf-16-le")
    assert _files_holding(control, needles)  # the search itself finds a planted copy
    (control / "planted.txt").unlink()

    assert Path(settings.fileName()).is_file() and data_home.is_dir() and (out / "index.html").is_file()
    assert _files_holding(tmp_path, needles) == []  # settings, data folder, export, everything here
    output = capfd.readouterr()
    assert SECRET not in output.out and SECRET not in output.err
    # the server's log and its files on disk (tables, WAL): the role's password is kept hashed
    assert (server.cluster.root / "server.log").is_file()
    assert _files_holding(server.cluster.root, needles) == []
    dump = server.dump(database)
    assert "harbour-council-votes" in dump  # the dump holds the session's data …
    assert SECRET not in dump and quote(SECRET, safe="") not in dump  # … and not the password
