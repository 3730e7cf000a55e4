"""Fixtures for process-level safety tests: small real file systems (tmpfs) for disk-full and read-only."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _mount(target: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                          capture_output=True)
    return done.returncode == 0


@pytest.fixture
def small_fs(tmp_path: Path):
    """A 3 MB tmpfs mounted for the test (skipped where mounting is not permitted)."""
    target = tmp_path / "small"
    target.mkdir()
    if not _mount(target, "size=3m,mode=0777"):
        pytest.skip("mounting a tmpfs is not permitted here (the max_page_count tests still run)")
    yield target
    subprocess.run(["umount", "-l", str(target)], check=False)


@pytest.fixture
def make_window(qtbot, tmp_path: Path):
    """Builds real main windows (each over its own store on the given file), closed afterwards."""
    from PySide6.QtCore import QSettings, QStandardPaths

    from digest_desk.app import create_window, make_application
    from digest_desk.store import open_store

    QStandardPaths.setTestModeEnabled(True)
    make_application()
    made = []

    def make(db: Path, name: str = "w"):
        settings = QSettings(str(tmp_path / f"settings-{name}.ini"), QSettings.Format.IniFormat)
        store = open_store(db)
        window = create_window(store, settings)
        window.safety.keeper.recovery_folder = tmp_path / f"recovery-{name}"
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
