"""Helpers shared by subcommands: opening the store named by --db with friendly errors."""

from __future__ import annotations

import argparse
import sys

from digest_desk.paths import resolve_db_path
from digest_desk.store import Store, StoreError, open_store


class CommandError(Exception):
    """A failure to report as one line on stderr with exit status 2."""


def open_from_args(args: argparse.Namespace) -> Store:
    """Open the database of --db / DIGEST_DESK_DB / the default, seeding a new default one."""
    path, is_default = resolve_db_path(getattr(args, "db", None))
    try:
        store = open_store(path)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    if store.created and is_default:
        from digest_desk.store.demo import seed_demo

        seed_demo(store)
    return store


def fail(message: str, status: int = 2) -> int:
    print(f"digest-desk: {message}", file=sys.stderr)
    return status
