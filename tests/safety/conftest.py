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
