"""Live updates in the real window on a real PostgreSQL server: other processes' saves, publishes,
new articles and deletions reach the list; the open article's bar offers Reload and Compare; the
change feed comes back after a server restart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from tests.gui.guihelpers import settle
from tests.pg_server import start_restartable

from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article, revisions, save_article
from digest_desk.store.conflicts import YOURS_KEPT

SRC = Path(__file__).resolve().parents[2] / "src"
WAIT_MS = 15_000  # generous: a child process starts Python and imports the store first

# Another editor's process: open the server, change one article, leave.
CHILD = """
import os, sys
from digest_desk.store import open_store
from digest_desk.store.articles import create_article, delete_article, get_by_slug, save_article
store = open_store(sys.argv[1])
store.editor = os.environ.get("OTHER_EDITOR", "")  # the display name their window would record
what, slug, value = sys.argv[2:5]
if what == "new":
    create_article(store, title=value, body="Written elsewhere.")
elif what == "delete":
    delete_article(store, get_by_slug(store, slug).id)
else:
    article = get_by_slug(store, slug)
    setattr(article, what, value)
    save_article(store, article, reason="save")
store.close()
"""


@pytest.fixture
def db_path(pg_url):
    """The window tests of this module run on the PostgreSQL server."""
    return pg_url


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DIGEST_DESK_DB", None)
    return env


def other_editor(url: str, what: str, slug: str = "", value: str = "", name: str = "") -> None:
    """Change the database from a separate process, as another editor's workstation would
    (``name``: their display name, recorded with the revision)."""
    done = subprocess.run([sys.executable, "-c", CHILD, url, what, slug, value],
                          env={**_env(), "OTHER_EDITOR": name},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def listed(window) -> dict[int, tuple[str, str]]:
    """The list's rows as shown: id -> (title, status)."""
    model = window.list_panel.model
    rows = [model.row_at(i) for i in range(model.rowCount())]
    return {r.id: (r.title, str(r.status)) for r in rows if r is not None}


def click_in_dialog(name: str) -> None:
    """Click the button ``name`` of the next modal dialog."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        button = dialog.findChild(QPushButton, name) if dialog is not None else None
        if button is None:
            QTimer.singleShot(50, poll)
            return
        button.click()

    QTimer.singleShot(50, poll)


def wait_listening(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.team_live.listening, timeout=WAIT_MS)


def test_cli_publish_in_another_process_reaches_the_list(window, qtbot, store, db_path):
    article = create_article(store, title="Harbour cranes", body="Text")
    wait_listening(qtbot, window)
    qtbot.waitUntil(lambda: listed(window).get(article.id) == ("Harbour cranes", "draft"), timeout=WAIT_MS)
    done = subprocess.run([sys.executable, "-m", "digest_desk", "--db", db_path, "set", article.slug,
                           "status", "published"], env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: listed(window).get(article.id) == ("Harbour cranes", "published"),
                    timeout=WAIT_MS)


def test_a_burst_of_changes_makes_one_refresh(window, qtbot, store, db_path):
    articles = [create_article(store, title=f"Brief {n}", body="Text") for n in range(20)]
    wait_listening(qtbot, window)
    qtbot.waitUntil(lambda: len(listed(window)) == 20, timeout=WAIT_MS)
    qtbot.wait(500)  # the creations' own burst has been handled
    bursts, resets = [], []
    window.team_live.articles_changed.connect(bursts.append)
    window.list_panel.model.modelReset.connect(lambda: resets.append(1))
    done = subprocess.run([sys.executable, "-m", "digest_desk", "--db", db_path, "set",
                           *[a.slug for a in articles], "status", "ready"],
                          env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: {s for _t, s in listed(window).values()} == {"ready"}, timeout=WAIT_MS)
    qtbot.wait(500)
    assert len(bursts) == 1 and sorted(bursts[0]) == sorted(a.id for a in articles)
    assert len(resets) == 1


def test_new_saved_and_deleted_articles_reach_the_list(window, qtbot, store, db_path):
    wait_listening(qtbot, window)
    other_editor(db_path, "new", value="Budget night")
    qtbot.waitUntil(lambda: ("Budget night", "draft") in listed(window).values(), timeout=WAIT_MS)
    slug = get_article(store, next(iter(listed(window)))).slug
    other_editor(db_path, "title", slug, "Budget night, revised")
    qtbot.waitUntil(lambda: ("Budget night, revised", "draft") in listed(window).values(), timeout=WAIT_MS)
    other_editor(db_path, "delete", slug)
    qtbot.waitUntil(lambda: listed(window) == {}, timeout=WAIT_MS)
    assert window.list_panel.notice.text() == "0 articles"


def test_open_article_changed_elsewhere_shows_the_bar_and_reload_loads_theirs(window, qtbot, store,
                                                                              db_path):
    article = create_article(store, title="Council vote", body="First draft.")
    wait_listening(qtbot, window)
    window.load_article(article.id)
    notice = window.team_live.notice
    other_editor(db_path, "body", article.slug, "Their better text.")
    qtbot.waitUntil(notice.isVisible, timeout=WAIT_MS)
    assert "saved" in notice.label.text() and "version 2" in notice.label.text()
    assert window.editor.body.toPlainText() == "First draft."  # nothing replaced behind our back
    qtbot.mouseClick(notice.findChild(QPushButton, "changed-reload"), _left())
    assert window.editor.body.toPlainText() == "Their better text."
    assert window.article.version == 2 and not notice.isVisible()


def test_the_bar_names_the_other_editor_as_locks_and_history_do(window, qtbot, store, db_path):
    """The bar says who saved by the display name recorded with that version (what the lock
    and the revision history show), not by the database role both windows may share."""
    article = create_article(store, title="Council vote", body="First draft.")
    wait_listening(qtbot, window)
    window.load_article(article.id)
    notice = window.team_live.notice
    other_editor(db_path, "body", article.slug, "Their better text.", name="Ana Lima")
    qtbot.waitUntil(notice.isVisible, timeout=WAIT_MS)
    assert notice.label.text().startswith("Ana Lima saved a newer version of this article (version 2).")


def test_reload_with_unsaved_edits_goes_through_the_conflict_dialog(window, qtbot, store, db_path):
    article = create_article(store, title="Council vote", body="First draft.")
    wait_listening(qtbot, window)
    window.autosaver.set_delay(60_000)  # our edits stay unsaved
    window.load_article(article.id)
    window.editor.body.moveCursor(window.editor.body.textCursor().MoveOperation.End)
    window.editor.body.setFocus()
    qtbot.keyClicks(window.editor.body, " Mine too.")
    other_editor(db_path, "body", article.slug, "Their better text.")
    notice = window.team_live.notice
    qtbot.waitUntil(notice.isVisible, timeout=WAIT_MS)
    click_in_dialog("conflict-both")
    notice.findChild(QPushButton, "changed-reload").click()
    assert window.editor.body.toPlainText() == "Their better text."
    kept = [r for r in revisions(store, article.id) if r.reason == YOURS_KEPT]
    assert [r.data["body"] for r in kept] == ["First draft. Mine too."]  # ours was not lost


def test_compare_and_keep_mine_saves_ours_over_theirs(window, qtbot, store, db_path):
    article = create_article(store, title="Council vote", body="First draft.")
    wait_listening(qtbot, window)
    window.load_article(article.id)
    other_editor(db_path, "body", article.slug, "Their text.")
    notice = window.team_live.notice
    qtbot.waitUntil(notice.isVisible, timeout=WAIT_MS)
    seen = {}

    def keep_mine() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "conflict-dialog":
            QTimer.singleShot(50, keep_mine)
            return
        seen["diff"] = dialog.diff.toPlainText()
        dialog.findChild(QPushButton, "conflict-mine").click()

    QTimer.singleShot(50, keep_mine)
    notice.findChild(QPushButton, "changed-compare").click()
    assert "-Their text." in seen["diff"] and "+First draft." in seen["diff"]
    assert get_article(store, article.id).body == "First draft."
    assert any(r.data.get("body") == "Their text." for r in revisions(store, article.id))
    qtbot.wait(800)  # our own save's notification has arrived and been looked at
    assert not notice.isVisible()


def test_our_own_saves_neither_raise_the_bar_nor_reread_the_list(window_factory, qtbot, store):
    article = create_article(store, title="Council vote", body="First draft.")
    window = window_factory()  # listening after the article was made: it sends nothing more
    wait_listening(qtbot, window)
    settle(window)  # the list read when the window started listening
    qtbot.waitUntil(lambda: article.id in listed(window), timeout=WAIT_MS)  # its row is loaded
    window.load_article(article.id)
    resets = []
    window.list_panel.model.modelReset.connect(lambda: resets.append(1))
    for word in (" One.", " Two.", " Three."):
        window.editor.body.moveCursor(window.editor.body.textCursor().MoveOperation.End)
        qtbot.keyClicks(window.editor.body, word)
        assert window.autosaver.save_now()
    qtbot.keyClicks(window.editor.body, " Four.")
    window.autosaver.save_in_background()  # a background save too, racing its own notification
    qtbot.waitUntil(lambda: get_article(store, article.id).version == 5, timeout=WAIT_MS)
    qtbot.wait(1000)
    assert not window.team_live.notice.isVisible()
    assert window.article.version == 5
    assert resets == []  # each save updated its own row; no re-read of the whole list
    assert listed(window)[article.id] == ("Council vote", "draft")


def test_deleted_elsewhere_reload_closes_the_article(window, qtbot, store, db_path):
    article = create_article(store, title="Short-lived", body="Text.")
    wait_listening(qtbot, window)
    window.load_article(article.id)
    other_editor(db_path, "delete", article.slug)
    notice = window.team_live.notice
    qtbot.waitUntil(notice.isVisible, timeout=WAIT_MS)
    assert "deleted" in notice.label.text()
    notice.findChild(QPushButton, "changed-reload").click()
    assert window.article is None and not notice.isVisible()


def test_site_profile_changed_elsewhere_reaches_the_window(window, qtbot, db_path):
    wait_listening(qtbot, window)
    done = subprocess.run([sys.executable, "-m", "digest_desk", "--db", db_path, "site", "set", "name",
                           "The Harbour Digest"], env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: window.site.name == "The Harbour Digest", timeout=WAIT_MS)
    assert window.live.site.name == "The Harbour Digest"  # the previews render with it


def test_sqlite_window_has_no_live_updates(window_factory, tmp_path):
    window = window_factory(tmp_path / "local.sqlite3")
    assert window.team_live is None


def test_change_feed_comes_back_after_a_server_restart(window_factory, qtbot):
    cluster, url = start_restartable()
    store = window = None
    try:
        store = open_store(url)
        article = create_article(store, title="Before the restart", body="Text.")
        window = window_factory(url)
        wait_listening(qtbot, window)
        window.load_article(article.id)
        cluster.halt()
        qtbot.waitUntil(lambda: not window.team_live.listening, timeout=WAIT_MS)
        cluster.resume()
        # Written before the window listens again (no events ran since the restart): it learns
        # of it only by refreshing everything once it is back.
        theirs = get_article(store, article.id)
        theirs.title = "Changed while we were away"
        save_article(store, theirs, reason="save")
        qtbot.waitUntil(lambda: window.team_live.listening, timeout=WAIT_MS)
        notice = window.team_live.notice
        qtbot.waitUntil(notice.isVisible, timeout=WAIT_MS)
        assert "server connection was down" in notice.label.text()
        qtbot.waitUntil(lambda: listed(window).get(article.id, ("",))[0] == "Changed while we were away",
                        timeout=WAIT_MS)
        assert window.editor.value("title") == "Before the restart"
        other_editor(url, "new", value="After the restart")  # and it listens again
        qtbot.waitUntil(lambda: ("After the restart", "draft") in listed(window).values(), timeout=WAIT_MS)
    finally:
        if window is not None:
            window.close()  # while the server is still there
        if store is not None:
            store.close()
        cluster.stop()


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
