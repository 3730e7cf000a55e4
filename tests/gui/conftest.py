"""Fixtures for window tests: isolated settings, a real database file, the real main window."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402

from digest_desk.app import create_window, make_application  # noqa: E402
from digest_desk.store import open_store  # noqa: E402
from digest_desk.ui.preview.engine import prepare_webengine  # noqa: E402

prepare_webengine()  # this conftest is imported before any QApplication exists
QStandardPaths.setTestModeEnabled(True)


SCREEN = {"name": "desk", "x": 0, "y": 0, "width": 1920, "height": 1200,
          "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}


@pytest.fixture(scope="session")
def qapp_args(tmp_path_factory) -> list[str]:
    """A desktop-sized offscreen screen (the default is 800x600, too small for side-by-side previews)."""
    config = tmp_path_factory.mktemp("screen") / "screens.json"
    config.write_text(json.dumps({"screens": [SCREEN]}), encoding="utf-8")
    return ["digest-desk-tests", "-platform", f"offscreen:configfile={config}"]


@pytest.fixture
def settings(tmp_path: Path, qapp) -> QSettings:
    make_application()
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window_factory(qtbot, db_path: Path, settings: QSettings):
    """Builds main windows over the test database (several to test what persists between runs)."""
    made = []

    def make(path: Path = db_path):
        store = open_store(path)
        window = create_window(store, settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        made.append((window, store))
        return window

    yield make
    for window, store in made:
        if window.isVisible():
            window.close()
        window.list_panel.model.wait()
        store.close()


@pytest.fixture
def window(window_factory):
    return window_factory()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Remember the run's exit status for pytest_unconfigure below."""
    _FINISH["status"] = int(exitstatus)


_FINISH: dict[str, int] = {}


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without tearing Qt down once pytest has reported everything.

    QtWebEngine's profile and pages are destroyed in an order Qt does not control at interpreter
    exit (or when deleted after the test loop), and that ends a fully green run in a segmentation
    fault now and then. The results are printed by now, so exit with the run's own status.
    """
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_FINISH.get("status", 0))


@pytest.fixture(scope="module")
def server():
    """A cluster of the module's own where the editor roles must give a password."""
    from tests import pg_server

    if pg_server._bin_dir() is None:
        pytest.skip("no PostgreSQL binaries")
    srv = pg_server.PasswordServer()
    yield srv
    srv.stop()


@pytest.fixture
def local_data(tmp_path: Path, monkeypatch) -> Path:
    """The editor's per-user data folder (drafts of server databases go there)."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder
