"""Start-up: the window is usable (the article in an editor that takes keys) before the previews
are ready; the previews, checks, spelling and icons arrive right after the first paint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel
from test_spelling import _underlined, needs_en
from test_window_previews import page_text

from digest_desk.app import create_window, open_first_article
from digest_desk.store import open_store
from digest_desk.store.articles import create_article
from digest_desk.ui import icons

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_window(qtbot, db_path, settings):
    """A window as the program makes it, shown but with no event processed yet."""
    store = open_store(db_path)
    made = []

    def make():
        window = create_window(store, settings)
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        if window.isVisible():
            window.close()
        window.list_panel.model.wait()
    store.close()


def _opaque_pixels(icon, size: int = 20) -> int:
    image = icon.pixmap(QSize(size, size)).toImage()
    return sum(image.pixelColor(x, y).alpha() > 0 for x in range(size) for y in range(size))


def test_the_editor_takes_keys_before_the_previews_then_they_show_the_article(fresh_window, qtbot, store):
    article = create_article(store, title="Harbour cranes return", body="The cranes are back.")
    window = fresh_window()
    window.show()
    open_first_article(window, None)
    pane = window.live.preview
    assert window.editor.article.id == article.id
    assert pane.views == {} and not window.live.started  # a placeholder, no web engine yet
    body = window.editor.body
    body.setFocus()
    body.moveCursor(body.textCursor().MoveOperation.End)
    qtbot.keyClicks(body, " Work resumes.")
    assert body.toPlainText() == "The cranes are back. Work resumes."
    assert pane.views == {}  # typing did not wait for the engine
    with qtbot.waitSignal(window.previews_ready, timeout=30000):
        pass  # the first paint starts the previews; nothing else is needed
    for name in ("standard", "simplified"):
        text = page_text(qtbot, pane.views[name])
        assert "Harbour cranes return" in text and "Work resumes." in text, name
    placeholder = pane.findChild(QLabel, "preview_standard_placeholder")
    assert placeholder is None or placeholder.isHidden()  # the views took its place


def test_checks_icons_and_readouts_arrive_after_the_start(fresh_window, qtbot, store):
    create_article(store, title="Short", body="One line [here](http://example.com/).")
    window = fresh_window()
    window.show()
    open_first_article(window, None)
    qtbot.waitUntil(lambda: window.start_finished, timeout=20000)
    checks = window.live.checks
    qtbot.waitUntil(lambda: bool(checks.problems()), timeout=20000)  # checked without an edit
    assert any(p.code == "editorial.link-insecure" for p in checks.problems())
    assert icons.loaded()
    save = window.findChild(QAction, "file.save")
    assert _opaque_pixels(save.icon()) > 0  # the glyph is drawn now
    qtbot.waitUntil(lambda: "word" in window.readouts.counts.text(), timeout=10000)


@needs_en
def test_misspellings_are_underlined_once_the_dictionary_opens(fresh_window, qtbot, store):
    create_article(store, title="Ferry", body="The goverment ferry left at seven.")
    window = fresh_window()
    window.show()
    open_first_article(window, None)
    body = window.editor.body
    assert not _underlined(body, "goverment")  # no dictionary in the first frame
    qtbot.waitUntil(lambda: window.start_finished, timeout=20000)
    qtbot.waitUntil(lambda: _underlined(body, "goverment"), timeout=10000)
    assert not _underlined(body, "ferry")


def test_a_real_start_paints_before_loading_the_heavy_parts(tmp_path, store, db_path):
    """The program itself (python -m digest_desk): phases in order, and the web engine, the icon
    fonts, the dictionary, Alembic, the renderer and the checks not yet loaded at the first paint."""
    article = create_article(store, title="Night trains", body="Ridership doubled.")
    env = dict(os.environ, DIGEST_DESK_STARTUP_TRACE="1", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONPATH=str(ROOT / "src"), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db_path), "gui",
                           "--open", article.slug], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    phases = [line.split()[1] for line in lines if line.startswith("startup: ")]
    assert phases == ["imported", "application", "store", "window", "shown", "painted", "usable",
                      "previews"]
    early = next(line for line in lines if line.startswith("startup-loaded-before-paint:"))
    assert early.split(":", 1)[1].split() == ["-"]


@needs_en
def test_the_status_bar_never_says_spelling_is_off_while_the_dictionary_is_still_to_open(
        fresh_window, qtbot, store):
    """Found on a fresh X11 desktop: the readability readout came before the first paint (which
    opens the dictionary) and said "Spelling off: no “en-GB” dictionary", and kept saying it once
    spelling worked."""
    create_article(store, title="Harbour cranes return", body="The cranes are back. " * 40)
    window = fresh_window()
    open_first_article(window, None)  # not shown yet: no paint, so no dictionary either
    label = window.findChild(QLabel, "status-readability")
    qtbot.waitUntil(lambda: "Reading ease" in label.text(), timeout=10000)
    assert not window.spelling.service.started
    assert "Spelling off" not in label.text()
    window.show()
    qtbot.waitUntil(lambda: window.spelling.service.started, timeout=10000)
    assert window.spelling.service.available
    assert "Spelling off" not in label.text() and "Reading ease" in label.text()
