"""The workstation on a real X server (Xvfb from .ci/run): the xcb path, not only offscreen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest_desk.store import open_store
from digest_desk.store.articles import list_articles
from digest_desk.store.demo import seed_demo

DISPLAY = os.environ.get("DIGEST_DESK_X11_DISPLAY", "")
pytestmark = pytest.mark.skipif(
    not DISPLAY, reason="needs an X server: .ci/run starts Xvfb and sets DIGEST_DESK_X11_DISPLAY")


@pytest.fixture
def demo_db(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "demo.sqlite3"
    store = open_store(path)
    seed_demo(store)
    newest = list_articles(store, limit=1)[0].title
    store.close()
    return path, newest


def _x_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "DIGEST_DESK_SMOKE_TEST")}
    env.update(DISPLAY=DISPLAY, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), **extra)
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    return env


def _workstation(db: Path) -> list[str]:
    return [sys.executable, "-m", "digest_desk", "--db", str(db)]


def test_the_window_opens_an_article_and_renders_both_previews_on_x11(tmp_path, demo_db):
    db, _newest = demo_db
    # 0 s: the verdict waits for the first render however long the web engine takes to start
    # (a loaded machine, a fresh profile), 20 s at most; how fast is benchmarks/preview.py's.
    result = subprocess.run(_workstation(db), env=_x_env(tmp_path, DIGEST_DESK_SMOKE_TEST="0"),
                            capture_output=True, text=True, timeout=120)
    assert "smoke-test: window-ready" in result.stdout, result.stderr[-2000:]
    assert "smoke-test: previews ok engine=webengine" in result.stdout, result.stdout + result.stderr[-2000:]
    assert result.returncode == 0


def _xdotool(*args: str, timeout: float = 60) -> str:
    run = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": DISPLAY},
                         capture_output=True, text=True, timeout=timeout)
    return (run.stdout + run.stderr).strip()


def _article_window(title_start: str, app: subprocess.Popen, log: Path) -> str:
    """The visible window showing the article, once its X window has stayed the same for 2 s.

    Qt replaces the top-level X window once while the previews are set up (OpenGL surface), so
    an id seen too early can be gone by the time a key is typed.
    """
    seen, since = "", time.monotonic()
    deadline = since + 90
    while time.monotonic() < deadline:
        assert app.poll() is None, log.read_text()[-2000:]
        found = [w for w in _xdotool("search", "--onlyvisible", "--name", "Digest Desk").split()
                 if _xdotool("getwindowname", w).startswith(title_start)]
        current = found[0] if found else ""
        if current != seen:
            seen, since = current, time.monotonic()
        elif current and time.monotonic() - since >= 2.0:
            return current
        time.sleep(0.25)
    pytest.fail(f"no window showing {title_start!r} within 90 s\n{log.read_text()[-2000:]}")


def test_ctrl_q_closes_the_x11_window_with_exit_status_0(tmp_path, demo_db):
    assert shutil.which("xdotool"), "xdotool is needed to type on the X server (.ci/run installs it)"
    db, newest = demo_db
    log = tmp_path / "workstation.log"
    with log.open("w") as out:  # a file, not a pipe nobody reads while the app runs
        app = subprocess.Popen(_workstation(db), env=_x_env(tmp_path), stdout=out, stderr=out)
    try:
        window = _article_window(newest, app, log)  # the newest demo article is open
        focus = _xdotool("windowfocus", "--sync", window)
        assert "Error" not in focus, focus
        _xdotool("key", "--clearmodifiers", "ctrl+q")
        try:
            status = app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"Ctrl+Q did not quit (X focus on {_xdotool('getwindowfocus')}, "
                        f"window {window})\n{log.read_text()[-2000:]}")
        assert status == 0, log.read_text()[-2000:]
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
