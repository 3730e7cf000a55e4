"""Rolling backups with SQLite's online backup API: verified, kept per kind, restorable."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from digest_desk.domain.words import counted
from digest_desk.store.changelog import renew_identity_file
from digest_desk.store.engine import APPLICATION_ID, BUSY_TIMEOUT_MS, Store, inspect_file
from digest_desk.store.errors import DatabaseOpenError, StoreError
from digest_desk.store.locks import process_gone
from digest_desk.store.private import make_private, new_private_file, private_folder
from digest_desk.store.rescue import plain_message

KEEP = 5  # manual backups kept (the default of make_backup)
KEEP_BY_KIND = {"daily": 7, "pre-migration": 3, "manual": KEEP, "before-restore": 3}
BACKUP_DIR_ENV = "DIGEST_DESK_BACKUP_DIR"
_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})(?:-(?P<reason>[a-z0-9-]+))?\.sqlite3$")


class BackupError(StoreError):
    """A backup that could not be made, verified or restored; the database was not changed."""


def kind_of(reason: str) -> str:
    """Group a backup's reason into the kinds kept separately."""
    if reason in ("daily", "before-restore"):
        return reason
    return "pre-migration" if reason.startswith("before-") else "manual"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    reason: str
    created: datetime

    @property
    def kind(self) -> str:
        return kind_of(self.reason)

    def label(self) -> str:
        return f"{self.created.astimezone().strftime('%Y-%m-%d %H:%M:%S')} ({self.reason})"


def backup_dir(db_path: Path | str) -> Path:
    """Backups live beside the database, in ``backups/`` (or in $DIGEST_DESK_BACKUP_DIR)."""
    override = os.environ.get(BACKUP_DIR_ENV)
    return Path(override) if override else Path(db_path).resolve().parent / "backups"


def _private_copy_target(target: Path) -> None:
    target.unlink(missing_ok=True)
    new_private_file(target)  # a backup holds every article: readable by its owner only


def backup_infos(db_path: Path | str) -> list[BackupInfo]:
    """Backups of ``db_path`` with their reason and time, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    stem = Path(db_path).stem
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and match["stem"] == stem:
            created = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
            found.append(BackupInfo(path, match["reason"] or "manual", created))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def list_backups(db_path: Path | str) -> list[Path]:
    """Backups of ``db_path``, newest first."""
    return [info.path for info in backup_infos(db_path)]


def _ro_connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                           timeout=BUSY_TIMEOUT_MS / 1000)


def verify_backup(path: Path) -> None:
    """Raise BackupError unless ``path`` passes integrity_check and is a Digest Desk database."""
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
        raise BackupError(f"The backup {path.name} failed its integrity check: {'; '.join(check)[:200]}")
    if app_id != APPLICATION_ID:
        raise BackupError(f"{path.name} is not a Digest Desk database.")


def _copy(source: Path, target: Path) -> None:
    """Online backup of a live database (with its WAL) into one self-contained file."""
    src = _ro_connect(source)
    _private_copy_target(target)
    dst = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()
    with target.open("rb") as fh:
        os.fsync(fh.fileno())


def make_backup(db_path: Path | str, reason: str = "manual", keep: int | None = None, *,
                now: datetime | None = None) -> Path:
    """Copy the live database (others may keep writing) into a verified backup file.

    Written under a temporary name and renamed once checked, so a failure (disk full, crash)
    never leaves a half backup. Keeps ``keep`` backups of this kind (default: KEEP_BY_KIND).
    """
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)
    tag = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")
    final = folder / f"{db_path.stem}-{stamp}{'-' + tag if tag else ''}.sqlite3"
    part = final.with_suffix(".part")
    try:
        if not db_path.is_file():
            raise FileNotFoundError(2, "no such database", str(db_path))
        private_folder(folder)
        _copy(db_path, part)
        verify_backup(part)
        part.replace(final)
    except (sqlite3.Error, OSError) as exc:
        part.unlink(missing_ok=True)
        raise BackupError(f"The backup of {db_path.name} failed: {plain_message(exc, final)} "
                          "The database was not changed.") from exc
    except BackupError:
        part.unlink(missing_ok=True)
        raise
    prune(db_path, kind_of(tag or "manual"), keep)
    return final


def backup(store: Store, *, reason: str = "manual") -> Path:
    """Back up an open store (a file: a server is backed up with pg_dump)."""
    if store.path is None:
        raise BackupError(f"{store.label} is a database server: back it up with pg_dump.")
    return make_backup(store.path, reason)


def prune(db_path: Path | str, kind: str, keep: int | None = None) -> list[Path]:
    """Delete the backups of one kind beyond the number kept; returns the deleted files."""
    keep = KEEP_BY_KIND.get(kind, KEEP) if keep is None else keep
    same = [b for b in backup_infos(db_path) if b.kind == kind]
    for old in same[keep:]:
        old.path.unlink(missing_ok=True)
    return [old.path for old in same[keep:]]


def ensure_daily_backup(db_path: Path | str, now: datetime | None = None) -> Path | None:
    """Make today's daily backup unless one exists; returns the new file or None."""
    now = now or datetime.now(UTC)
    today = now.astimezone(UTC).date()
    if any(b.kind == "daily" and b.created.date() == today for b in backup_infos(db_path)):
        return None
    return make_backup(db_path, "daily", now=now)


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
    _private_copy_target(tmp)
    shutil.copyfile(backup_path, tmp)
    make_private(tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, db_path)


def _check_backup(backup_path: Path) -> None:
    from digest_desk.store import migrations

    info = inspect_file(backup_path)  # a Digest Desk database, readable, not damaged
    migrations.refuse_newer(backup_path, info["revision"])
    verify_backup(backup_path)


def restore(db_path: Path | str, backup_path: Path | str, *, force: bool = False) -> Path | None:
    """Replace the database with a backup; returns where the replaced database was kept.

    Refuses while other windows edit (fresh edit locks) unless ``force``. A healthy database is
    first backed up (reason "before-restore", so the restore can be undone); a damaged one is
    moved aside untouched as ``*.before-restore``.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    _check_backup(backup_path)
    if not db_path.exists():
        _place(backup_path, db_path)
        renew_identity_file(db_path)
        return None
    try:
        inspect_file(db_path)
    except DatabaseOpenError:
        aside = _set_aside(db_path)
        _place(backup_path, db_path)
        renew_identity_file(db_path)
        return aside
    busy = _live_editors(db_path)
    if busy and not force:
        raise BackupError(f"{counted(busy, 'window')} {'is' if busy == 1 else 'are'} editing articles in {db_path.name}; close them "
                          "before restoring (or restore with force).")
    kept = make_backup(db_path, "before-restore")
    try:
        _restore_into(backup_path, db_path)
        renew_identity_file(db_path)  # exports made since the backup must not trust its change log
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"Restoring {db_path.name} failed: {plain_message(exc, db_path)}") from exc
    return kept


def restore_backup(db_path: Path | str, backup: Path | str | None = None, *,
                   force: bool = False) -> Path:
    """Put a backup (default: the newest) back in place of the database; returns the backup."""
    db_path = Path(db_path)
    if backup is None:
        backups = list_backups(db_path)
        if not backups:
            raise BackupError(f"There are no backups of {db_path} in {backup_dir(db_path)}.")
        backup = backups[0]
    restore(db_path, backup, force=force)
    return Path(backup)


def _restore_into(backup_path: Path, db_path: Path) -> None:
    """Copy the backup over the live database in one SQLite transaction, then check it."""
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
    for path in (db_path, *_sidecars(db_path)):
        if path.exists():
            make_private(path)  # a restore never leaves the database readable by others
