"""Quitting while a team server is frozen (an export waiting on it, or only the window's reads
and its edit lock): the program ends within a bounded time,
without a Qt thread left running at exit, and the previous export stays as it was."""

from __future__ import annotations

import os
import sys

import pytest
from tests import pg_server
from tests.export_site_fixture import tree
from tests.frozen_program import run_while_frozen

from digest_desk.domain import Status
from digest_desk.export import export_site, settle
from digest_desk.store import open_store
from digest_desk.store.articles import create_article
from digest_desk.ui.main_window import EXPORT_QUIT_WAIT_S

# The program in a process of its own, reduced to the export dialog (the rest of the window has
# its own ways of meeting a silent server): once told the server is frozen it starts an export,
# closes the dialog half a second later, does what quitting the window does with the export
# (ExportDialog.finish, through ArticleOperations.finish_export) and ends.
PROGRAM = r'''
import sys
import time

from PySide6.QtCore import QStandardPaths, QTimer

QStandardPaths.setTestModeEnabled(True)
from digest_desk.app import make_application
from digest_desk.store import open_store
from digest_desk.ui.export_dialog import ExportDialog
from digest_desk.ui.main_window import EXPORT_QUIT_WAIT_S

url, out = sys.argv[1], sys.argv[2]
app = make_application()
store = open_store(url)
dialog = ExportDialog(store)
dialog.folder_edit.setText(out)
dialog.show()


def close_then_quit() -> None:
    started = time.monotonic()
    dialog.close()
    closed = time.monotonic() - started
    finished = dialog.finish(EXPORT_QUIT_WAIT_S)
    print(f"closed in {closed:.3f} quit in {time.monotonic() - started:.3f} finished {finished}", flush=True)
    app.quit()


def export_when_told() -> None:
    print("ready", flush=True)
    sys.stdin.readline()  # the server is frozen now
    dialog.export_button.click()
    QTimer.singleShot(500, close_then_quit)


QTimer.singleShot(0, export_when_told)
app.exec()
store.close()
print("left", flush=True)
'''


def test_quitting_while_a_frozen_server_holds_the_export_ends_the_program(own_cluster, tmp_path):
    """Closing the dialog goes at once, quitting waits EXPORT_QUIT_WAIT_S at most for the cancelled
    export, and the process then exits normally with the export thread still waiting (a Qt thread
    still running at exit would abort it; one waited for would hang it). The previous export is
    intact, and the working folder the export left is removed by the next export."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    create_article(store, title="Harbour reopens", body="Ships are back.", status=Status.PUBLISHED)
    out = tmp_path / "site"
    export_site(store, out)
    before = tree(out)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    seen: dict[str, object] = {}

    def look() -> None:  # before the thaw
        seen["left_behind"] = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("site.tmp-"))
        seen["after"] = tree(out)

    ended = run_while_frozen(own_cluster, [sys.executable, "-c", PROGRAM, url, str(out)], ready="ready",
                             timeout=30, env=env, while_frozen=look)
    if ended.seconds is None:
        pytest.fail("the program did not end within 30 s of quitting while the export waited")
    said, errors, left_behind, after = ended.said, ended.errors, seen["left_behind"], seen["after"]
    words = said.split()
    assert ended.returncode == 0, errors[-3000:]
    closed_in, quit_in = float(words[words.index("closed") + 2]), float(words[words.index("quit") + 2])
    print(f"\nquitting while the export waits on a frozen server: dialog closed in {closed_in * 1000:.0f} ms, "
          f"the export given up after {quit_in:.2f} s")
    assert "left" in words and words[words.index("finished") + 1] == "False"  # it still waited
    assert closed_in < 1.0 and quit_in < EXPORT_QUIT_WAIT_S + 1.0
    assert "QThread" not in errors
    assert after == before
    assert left_behind  # the cancelled export's working folder, marked as ours
    export_site(store, out)  # the next export removes it
    settle(10)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("site.")) == []
    assert tree(out) == before
    store.close()


# The whole window on the team server, with reads out when the server froze (the list's, a
# lock refresh) and an article open (its lock is given back on closing): it closes and the
# program ends, the reads left behind.
WINDOW = r'''
import sys
import time

from PySide6.QtCore import QStandardPaths, QTimer

QStandardPaths.setTestModeEnabled(True)
from digest_desk.app import create_window, make_application, open_first_article
from digest_desk.store import open_store

app = make_application()
store = open_store(sys.argv[1])
window = create_window(store)
window.show()
open_first_article(window, None)


def close_when_told() -> None:
    print("ready", flush=True)
    sys.stdin.readline()  # the server is frozen now
    window.list_panel.model.reload()
    window.list_panel.model.refresh_locks()
    QTimer.singleShot(300, window.close)


QTimer.singleShot(1500, close_when_told)
app.exec()
store.close()
print("left", flush=True)
'''


def test_quitting_the_window_while_the_server_is_frozen_ends_the_program(own_cluster, tmp_path):
    """Before, the window waited on its UI thread to give its edit lock back, and the program
    then waited at exit for the list's read (a Qt pool waits for its threads when deleted):
    it ended only when the server answered again."""
    url = pg_server.create_database(own_cluster.url)
    store = open_store(url)
    for i in range(3):
        create_article(store, title=f"Story {i}", body="Text.", status=Status.PUBLISHED)
    store.close()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    ended = run_while_frozen(own_cluster, [sys.executable, "-c", WINDOW, url], ready="ready", timeout=20, env=env)
    if ended.seconds is None:
        pytest.fail("the program did not end within 20 s of closing the window on a frozen server")
    assert ended.returncode == 0, ended.errors[-3000:]
    assert "left" in ended.said.split()
    print(f"\nclosing the window on a frozen server: the program ended after {ended.seconds:.1f} s")
    assert ended.seconds < 10
