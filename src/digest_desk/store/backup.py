"""Rolling backups with SQLite's online backup API: checked, a few kept, taken before migrations."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from digest_desk.store.engine import BUSY_TIMEOUT_MS, inspect_file
from digest_desk.store.errors import StoreError

KEEP = 5
_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})(?:-(?P<reason>[a-z0-9-]+))?\.sqlite3$")


class BackupError(StoreError):
    """A backup that could not be made or restored; the database was not changed."""


def backup_dir(db_path: Path) -> Path:
    """Backups live beside the database, in ``backups/``."""
    return Path(db_path).resolve().parent / "backups"


def list_backups(db_path: Path) -> list[Path]:
    """Backups of ``db_path``, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    stem = Path(db_path).stem
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and match["stem"] == stem:
            found.append((match["stamp"], path))
    return [path for _stamp, path in sorted(found, reverse=True)]


def _check(path: Path) -> None:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = [row[0] for row in con.execute("PRAGMA integrity_check(5)")]
    finally:
        con.close()
    if result != ["ok"]:
        raise BackupError(f"The backup {path.name} failed its integrity check: {'; '.join(result)}")


def _copy(source: Path, target: Path, *, standalone: bool, source_readonly: bool = False) -> None:
    """SQLite online backup of ``source`` into ``target``.

    A ``standalone`` copy is switched out of WAL mode so it is one self-contained file.
    """
    uri = source.resolve().as_uri() + ("?mode=ro" if source_readonly else "")
    src = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    dst = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        src.backup(dst)
        if standalone:
            dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()


def make_backup(db_path: Path, reason: str = "manual", keep: int = KEEP) -> Path:
    """Copy the live database (others may keep writing) into a checked backup file.

    Only the ``keep`` newest backups are kept. Returns the new backup's path.
    """
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime(_STAMP)
    tag = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")
    final = folder / f"{db_path.stem}-{stamp}{'-' + tag if tag else ''}.sqlite3"
    part = final.with_suffix(".part")
    try:
        _copy(db_path, part, standalone=True)
        _check(part)
        part.replace(final)
    except (sqlite3.Error, OSError) as exc:
        part.unlink(missing_ok=True)
        raise BackupError(f"Could not back up {db_path}: {exc}") from exc
    except BackupError:
        part.unlink(missing_ok=True)
        raise
    for old in list_backups(db_path)[keep:]:
        old.unlink(missing_ok=True)
    return final


def restore_backup(db_path: Path, backup: Path | None = None) -> Path:
    """Put a backup (default: the newest) back in place of the database.

    The backup is checked first; the current database is backed up before it is replaced,
    so a restore can itself be undone. Returns the backup that was restored.
    """
    db_path = Path(db_path)
    if backup is None:
        backups = list_backups(db_path)
        if not backups:
            raise BackupError(f"There are no backups of {db_path} in {backup_dir(db_path)}.")
        backup = backups[0]
    backup = Path(backup)
    from digest_desk.store import migrations

    info = inspect_file(backup)  # a Digest Desk database, readable, not damaged
    migrations.refuse_newer(backup, info["revision"])
    _check(backup)
    if db_path.exists():
        inspect_file(db_path)
        make_backup(db_path, "before-restore", keep=KEEP + 1)
    try:
        _copy(backup, db_path, standalone=False, source_readonly=True)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"Could not restore {backup.name}: {exc}") from exc
    return backup
