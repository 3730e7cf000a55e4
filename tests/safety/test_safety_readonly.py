"""Read-only places: a read-only file system and an unprivileged user in a read-only folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from crash_tools import HERE, child_env, remount_read_only

from digest_desk.store import open_store
from digest_desk.store.articles import create_article
from digest_desk.store.backup import backup
from digest_desk.store.rescue import read_recovery_file


def _seed(folder: Path) -> Path:
    db = folder / "desk.sqlite3"
    store = open_store(db)
    create_article(store, title="Readable story", body="precious")
    backup(store)
    store.close()
    return db


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _run_child(db: Path, recovery: Path, **popen) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "child_open_readonly.py"), str(db), str(recovery)],
        capture_output=True, text=True, env=child_env(), timeout=120, **popen,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_read_only_file_system(small_fs, tmp_path):
    db = _seed(small_fs)
    remount_read_only(small_fs)
    before = _tree(small_fs)
    report = _run_child(db, tmp_path / "recovery")
    assert report["writable"] is False
    assert "read-only" in report["message"] and "editing is disabled" in report["message"]
    assert report["titles"] == ["Readable story"]
    assert "read-only" in report["draft"]
    assert read_recovery_file(Path(report["recovery"]))["data"]["body"] == "typed in a read-only place"
    assert _tree(small_fs) == before  # not a byte written, no WAL or lock files created


def _nobody_can_run_python() -> bool:
    if os.geteuid() != 0:
        return False
    try:
        probe = subprocess.run([sys.executable, "-c", "pass"], user="nobody", capture_output=True,
                               timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


@pytest.mark.skipif(not _nobody_can_run_python(),
                    reason="needs root and an interpreter the user 'nobody' may run")
def test_unprivileged_user_in_a_read_only_folder():
    top = Path(tempfile.mkdtemp(prefix="dd-ro-"))
    try:
        top.chmod(0o755)
        folder = top / "shared"
        folder.mkdir()
        db = _seed(folder)
        for path in folder.rglob("*"):
            path.chmod(0o555 if path.is_dir() else 0o444)
        folder.chmod(0o555)
        recovery = top / "recovery"
        recovery.mkdir(mode=0o777)
        recovery.chmod(0o777)
        before = _tree(folder)
        report = _run_child(db, recovery, user="nobody")
        assert report["writable"] is False and "read-only" in report["message"]
        assert report["titles"] == ["Readable story"]
        assert Path(report["recovery"]).exists()
        assert _tree(folder) == before
    finally:
        shutil.rmtree(top, ignore_errors=True)
