"""Recovery files: the editor's text written beside the database when the database cannot take it."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_path

from digest_desk.store.private import private_folder

APP_NAME = "digest-desk"
LOW_SPACE = 1 << 20  # bytes: an I/O error with less free space than this is a full disk


def recovery_dir(folder: Path | None = None) -> Path:
    """The folder holding recovery files (``recovery/`` in the user data folder by default)."""
    path = folder if folder is not None else user_data_path(APP_NAME, appauthor=False) / "recovery"
    return private_folder(path)  # recovery files hold unsaved article text


def atomic_write(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` so a crash leaves either the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "draft"


def write_recovery_file(
    data: dict[str, Any],
    *,
    label: str,
    db_path: Path | str | None = None,
    article_id: int | None = None,
    reason: str = "",
    folder: Path | None = None,
) -> Path:
    """Keep ``data`` (the editor's fields) in ``<recovery dir>/<label>.json``, replaced atomically.

    The same label always names the same file, so repeated failures of one autosave do not pile up.
    """
    record = {
        "format": "digest-desk-recovery/1",
        "saved_at": datetime.now(UTC).isoformat(),
        "database": str(db_path) if db_path is not None else None,
        "article_id": article_id,
        "reason": reason,
        "data": data,
    }
    path = recovery_dir(folder) / f"{_safe_name(label)}.json"
    atomic_write(path, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
    return path


def read_recovery_file(path: Path) -> dict[str, Any]:
    """The record kept by write_recovery_file (keys: saved_at, database, article_id, reason, data)."""
    return json.loads(path.read_text(encoding="utf-8"))


def list_recovery_files(folder: Path | None = None) -> list[Path]:
    """Recovery files, newest first."""
    files = [p for p in recovery_dir(folder).glob("*.json") if not p.name.startswith(".")]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def _root_cause(exc: BaseException) -> BaseException:
    seen = exc
    while True:
        inner = getattr(seen, "orig", None) or seen.__cause__
        if inner is None or inner is seen:
            return seen
        seen = inner


def _space_left(path: Path | str | None) -> int | None:
    if path is None:
        return None
    try:
        return shutil.disk_usage(Path(path).resolve().parent).free
    except OSError:
        return None


def plain_message(exc: BaseException, db_path: Path | str | None = None) -> str:
    """Say in plain words why a write to the database failed.

    SQLite reports a full disk as SQLITE_FULL, or as an I/O error when growing its shared-memory
    file fails; with ``db_path`` the free space decides which it was.
    """
    cause = _root_cause(exc)
    text = str(cause).lower()
    name = getattr(cause, "sqlite_errorname", "") or ""
    free = _space_left(db_path) if name.startswith("SQLITE_IOERR") else None
    if (getattr(cause, "errno", None) == 28 or "disk is full" in text or "no space" in text
            or (free is not None and free < LOW_SPACE)):
        return "The disk is full, so the database could not take your changes."
    if "readonly" in text or "read-only" in text or isinstance(cause, PermissionError):
        return "The database is read-only here, so your changes cannot be written to it."
    if "locked" in text or "busy" in text:
        return "The database was busy in another window for too long, so this save did not go through."
    if isinstance(cause, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text):
        return "The database file is damaged, so nothing more is written to it."
    if isinstance(cause, OSError):
        return f"The database could not be written ({cause.strerror or cause})."
    return f"The database could not be written ({cause})."
