"""Rolling backups with SQLite's online backup API, each verified, and restoring from one."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from digest_desk.store.engine import APPLICATION_ID, BUSY_TIMEOUT_MS, Store, inspect_file
from digest_desk.store.errors import DatabaseOpenError, StoreError
from digest_desk.store.locks import process_gone
from digest_desk.store.rescue import plain_message

KEEP = {"daily": 7, "pre-migration": 3, "manual": 5}
BACKUP_DIR_ENV = "DIGEST_DESK_BACKUP_DIR"
_NAME = re.compile(r"^(?P<stem>.+)\.(?P<kind>daily|pre-migration|manual)\."
                   r"(?P<stamp>\d{8}-\d{6}-\d{6})\.sqlite3$")


class BackupError(StoreError):
    """A backup could not be made, verified or restored; nothing was changed."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    kind: str
    created: datetime

    def label(self) -> str:
        return f"{self.created.astimezone().strftime('%Y-%m-%d %H:%M:%S')} ({self.kind})"


def backups_dir(db_path: Path | str) -> Path:
    """Where a database's backups live: ``backups/`` beside it (or $DIGEST_DESK_BACKUP_DIR)."""
    override = os.environ.get(BACKUP_DIR_ENV)
    return Path(override) if override else Path(db_path).resolve().parent / "backups"


def _ro_connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                          timeout=BUSY_TIMEOUT_MS / 1000)
    return con


def verify_backup(path: Path) -> None:
    """Raise BackupError unless ``path`` is an intact Digest Desk database."""
    try:
        con = _ro_connect(path)
        try:
            check = [r[0] for r in con.execute("PRAGMA integrity_check(5)")]
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise BackupError(f"The backup {path.name} cannot be read ({exc}).") from exc
    if check != ["ok"]:
        raise BackupError(f"The backup {path.name} is damaged: {'; '.join(check)[:200]}.")
    if app_id != APPLICATION_ID:
        raise BackupError(f"{path.name} is not a Digest Desk database.")


def _copy(src_path: Path, dest: Path) -> None:
    """Copy a live database (with its WAL) into a fresh self-contained file ``dest``."""
    src = _ro_connect(src_path)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()
    with dest.open("rb") as fh:
        os.fsync(fh.fileno())


def backup_file(db_path: Path | str, dest_dir: Path | None = None, *, kind: str = "manual",
                now: datetime | None = None) -> Path:
    """Back up the database at ``db_path``; returns the verified backup file.

    The copy is written under a temporary name, checked with integrity_check, then renamed, so
    a failure (disk full, crash) never leaves a half backup that looks whole.
    """
    if kind not in KEEP:
        raise ValueError(f"unknown backup kind {kind!r}")
    db_path = Path(db_path)
    folder = dest_dir if dest_dir is not None else backups_dir(db_path)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S-%f")
    final = folder / f"{db_path.stem}.{kind}.{stamp}.sqlite3"
    partial = folder / f".{final.name}.partial"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _copy(db_path, partial)
        verify_backup(partial)
        os.replace(partial, final)
    except (OSError, sqlite3.Error, BackupError) as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, BackupError):
            raise
        raise BackupError(
            f"The backup of {db_path.name} failed: {plain_message(exc, final)}"
        ) from exc
    prune(db_path, folder)
    return final


def backup(store: Store, dest_dir: Path | None = None, *, kind: str = "manual") -> Path:
    """Back up an open store (other windows may keep writing meanwhile)."""
    return backup_file(store.path, dest_dir, kind=kind)


def list_backups(db_path: Path | str, dest_dir: Path | None = None) -> list[BackupInfo]:
    """The database's backups, newest first."""
    db_path = Path(db_path)
    folder = dest_dir if dest_dir is not None else backups_dir(db_path)
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and match["stem"] == db_path.stem:
            created = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S-%f").replace(tzinfo=UTC)
            found.append(BackupInfo(path, match["kind"], created))
    return sorted(found, key=lambda b: b.created, reverse=True)


def prune(db_path: Path | str, dest_dir: Path | None = None) -> list[Path]:
    """Delete backups beyond the number kept for each kind; returns the deleted files."""
    gone: list[Path] = []
    for kind, keep in KEEP.items():
        same = [b for b in list_backups(db_path, dest_dir) if b.kind == kind]
        for old in same[keep:]:
            old.path.unlink(missing_ok=True)
            gone.append(old.path)
    return gone


def ensure_daily_backup(db_path: Path | str, dest_dir: Path | None = None,
                        now: datetime | None = None) -> Path | None:
    """Make today's daily backup unless one exists; returns the new file or None."""
    now = now or datetime.now(UTC)
    today = now.astimezone(UTC).date()
    if any(b.kind == "daily" and b.created.date() == today for b in list_backups(db_path, dest_dir)):
        return None
    return backup_file(db_path, dest_dir, kind="daily", now=now)


def backup_before_migration(db_path: Path | str) -> Path:
    """Called before a schema upgrade: a failure stops the upgrade with the database unchanged."""
    try:
        return backup_file(db_path, kind="pre-migration")
    except BackupError as exc:
        raise BackupError(
            f"Digest Desk must upgrade {Path(db_path).name} and backs it up first, but could not: "
            f"{exc} The database was not changed."
        ) from exc


def _live_editors(db_path: Path, stale_after: float = 120.0) -> int:
    con = _ro_connect(db_path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "edit_lock" not in tables:
            return 0
        cutoff = time.time() - stale_after
        rows = con.execute("SELECT host, pid FROM edit_lock WHERE heartbeat_at > ?",
                           (cutoff,)).fetchall()
        return sum(1 for host, pid in rows if not process_gone(host, pid))
    finally:
        con.close()


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _set_aside(db_path: Path) -> Path:
    """Move a damaged database (and its WAL files) aside as ``*.before-restore``, unwritten."""
    aside = db_path.with_name(db_path.name + ".before-restore")
    for old in [aside, *_sidecars(aside)]:
        old.unlink(missing_ok=True)
    os.replace(db_path, aside)
    for side, moved in zip(_sidecars(db_path), _sidecars(aside), strict=True):
        if side.exists():
            os.replace(side, moved)
    return aside


def _place(backup_path: Path, db_path: Path) -> None:
    tmp = db_path.with_name(f".{db_path.name}.restoring")
    shutil.copyfile(backup_path, tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, db_path)


def restore(db_path: Path | str, backup_path: Path | str, *, force: bool = False) -> Path | None:
    """Replace the database with a backup; returns where the replaced database was kept.

    Refuses while other windows edit (fresh edit locks) unless ``force``. A healthy database is
    first copied to ``*.before-restore``; a damaged one is moved there untouched.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    verify_backup(backup_path)
    if not db_path.exists():
        _place(backup_path, db_path)
        return None
    try:
        inspect_file(db_path)
        healthy = True
    except DatabaseOpenError:
        healthy = False
    if not healthy:
        aside = _set_aside(db_path)
        _place(backup_path, db_path)
        return aside
    busy = _live_editors(db_path)
    if busy and not force:
        raise BackupError(
            f"{busy} window(s) are editing articles in {db_path.name}; close them before "
            "restoring (or restore with force)."
        )
    aside = db_path.with_name(db_path.name + ".before-restore")
    aside.unlink(missing_ok=True)
    try:
        _copy(db_path, aside)
        _restore_into(backup_path, db_path)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"Restoring {db_path.name} failed: {plain_message(exc, db_path)}") from exc
    return aside


def _restore_into(backup_path: Path, db_path: Path) -> None:
    """Copy the backup over the live database in one SQLite transaction."""
    src = _ro_connect(backup_path)
    dst = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        src.backup(dst)
        check = [r[0] for r in dst.execute("PRAGMA integrity_check(5)")]
        if check != ["ok"]:
            raise BackupError(f"The restored database failed its check: {'; '.join(check)}")
        dst.execute("PRAGMA journal_mode = WAL")
    finally:
        dst.close()
        src.close()
