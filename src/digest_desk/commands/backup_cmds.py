"""``backup`` and ``restore`` subcommands: verified copies of the database, and putting one back."""

from __future__ import annotations

import argparse
from pathlib import Path

from digest_desk.commands.common import fail
from digest_desk.paths import resolve_db_path
from digest_desk.store.backup import BackupError, backup_file, list_backups, restore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="make a verified backup of the database")
    p.add_argument("--dest", metavar="DIR", type=Path, help="folder (default: backups/ beside it)")
    p.add_argument("--list", action="store_true", help="list the existing backups instead")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="replace the database with a backup (default: the newest)")
    p.add_argument("backup", nargs="?", type=Path, metavar="BACKUP", help="backup file to restore")
    p.add_argument("--force", action="store_true",
                   help="restore even while other windows are editing")
    p.add_argument("--list", action="store_true", help="list the backups that can be restored")
    p.set_defaults(handler=cmd_restore)


def _db(args: argparse.Namespace) -> Path:
    return resolve_db_path(getattr(args, "db", None))[0]


def _print_list(db: Path) -> int:
    found = list_backups(db)
    if not found:
        print(f"No backups of {db} yet.")
    for info in found:
        print(f"{info.label():<36} {info.path}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    db = _db(args)
    if args.list:
        return _print_list(db)
    if not db.exists():
        return fail(f"no database at {db}.")
    try:
        path = backup_file(db, args.dest)
    except BackupError as exc:
        return fail(str(exc))
    print(path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    db = _db(args)
    if args.list:
        return _print_list(db)
    chosen = args.backup
    if chosen is None:
        found = list_backups(db)
        if not found:
            return fail(f"no backups of {db} to restore (make one with “digest-desk backup”).")
        chosen = found[0].path
    if not chosen.exists():
        return fail(f"no backup file at {chosen}.")
    try:
        aside = restore(db, chosen, force=args.force)
    except BackupError as exc:
        return fail(str(exc))
    print(f"Restored {db} from {chosen}.")
    if aside is not None:
        print(f"The database it replaced is kept as {aside}.")
    return 0
