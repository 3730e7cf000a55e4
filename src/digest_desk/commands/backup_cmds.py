"""``backup`` and ``restore`` subcommands: rolling copies of the database beside it."""

from __future__ import annotations

import argparse
from pathlib import Path

from digest_desk.commands.common import CommandError, fail, open_from_args
from digest_desk.paths import resolve_db_path
from digest_desk.store import StoreError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="copy the database into backups/ beside it (5 kept)")
    p.add_argument("--list", action="store_true", help="list existing backups, newest first")
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", help="put a backup back (default: the newest); the current "
                                       "database is backed up first")
    p.add_argument("backup", nargs="?", type=Path, metavar="BACKUP")
    p.set_defaults(handler=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    from digest_desk.store.backup import list_backups, make_backup

    try:
        store = open_from_args(args)
    except CommandError as exc:
        return fail(str(exc))
    try:
        if args.list:
            for path in list_backups(store.path):
                print(path)
            return 0
        print(make_backup(store.path))
    except StoreError as exc:
        return fail(str(exc))
    finally:
        store.close()
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from digest_desk.store.backup import restore_backup

    path, _is_default = resolve_db_path(getattr(args, "db", None))
    try:
        restored = restore_backup(path, args.backup)
    except StoreError as exc:
        return fail(str(exc))
    print(f"restored {restored} into {path}")
    return 0
