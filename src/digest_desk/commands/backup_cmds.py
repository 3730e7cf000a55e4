"""``backup`` and ``restore`` subcommands: verified copies beside the database, and putting one back."""

from __future__ import annotations

import argparse
from pathlib import Path

from digest_desk.commands.common import CommandError, fail
from digest_desk.paths import resolve_db_path
from digest_desk.store import StoreError
from digest_desk.store.engine import shown


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="copy the database into backups/ beside it (verified, rolling)")
    p.add_argument("--list", action="store_true", help="list existing backups, newest first")
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", help="put a backup back (default: the newest); the current "
                                       "database is kept first")
    p.add_argument("backup", nargs="?", type=Path, metavar="BACKUP")
    p.add_argument("--list", action="store_true", help="list the backups that can be restored")
    p.add_argument("--force", action="store_true",
                   help="restore even while other windows are editing")
    p.set_defaults(handler=cmd_restore)


def _db(args: argparse.Namespace) -> Path:
    db = resolve_db_path(getattr(args, "db", None))[0]
    if isinstance(db, str):
        raise CommandError(
            f"{shown(db)} is a database server: back it up with the server's own tools "
            "(pg_dump), or copy it to a file with `digest-desk db copy`."
        )
    return db


def _print_list(db: Path) -> int:
    from digest_desk.store.backup import backup_infos

    found = backup_infos(db)
    if not found:
        print(f"No backups of {db} yet.")
    for info in found:
        print(f"{info.label():<40} {info.path}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from digest_desk.store.backup import make_backup

    db = _db(args)
    if args.list:
        return _print_list(db)
    if not db.exists():
        return fail(f"no database at {db}.")
    try:
        print(make_backup(db))
    except StoreError as exc:
        return fail(str(exc))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from digest_desk.store.backup import list_backups, restore

    db = _db(args)
    if args.list:
        return _print_list(db)
    chosen = args.backup
    if chosen is None:
        found = list_backups(db)
        if not found:
            return fail(f"no backups of {db} to restore (make one with “digest-desk backup”).")
        chosen = found[0]
    if not chosen.exists():
        return fail(f"no backup file at {chosen}.")
    try:
        kept = restore(db, chosen, force=args.force)
    except StoreError as exc:
        return fail(str(exc))
    print(f"restored {chosen} into {db}")
    if kept is not None:
        print(f"The database it replaced is kept as {kept}.")
    return 0
