"""``db status``, ``db upgrade``, ``db copy`` and editors' rights (``db grant``/``db revoke``):
a database file or a team server as a whole."""

from __future__ import annotations

import argparse

from digest_desk.commands.common import fail
from digest_desk.paths import resolve_db_path
from digest_desk.store import StoreError, open_store
from digest_desk.store.engine import schema_status, shown

UP_TO_DATE, NEEDS_UPGRADE = 0, 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="the database as a whole: status, upgrade, copy, grant, revoke")
    db_sub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    status = db_sub.add_parser(
        "status", help="show the schema version; exit status 1 when an upgrade is needed")
    status.set_defaults(handler=cmd_status)
    upgrade = db_sub.add_parser(
        "upgrade", help="bring the database to this Digest Desk's schema (a team server is "
                        "never upgraded by simply opening it)")
    upgrade.set_defaults(handler=cmd_upgrade)
    copy = db_sub.add_parser(
        "copy", help="copy all articles, revisions, links, pictures and the site profile from "
                     "SOURCE to TARGET (files or server URLs), verified by counts and hashes")
    copy.add_argument("source", metavar="SOURCE")
    copy.add_argument("target", metavar="TARGET")
    copy.add_argument("--force", action="store_true", help="replace the content of a non-empty target")
    copy.set_defaults(handler=cmd_copy)
    grant = db_sub.add_parser(
        "grant", help="team server: let the login role ROLE read and write articles (run as the "
                      "database's owner after creating the role; later upgrades keep it)")
    grant.add_argument("role", metavar="ROLE")
    grant.set_defaults(handler=cmd_grant, giving=True)
    revoke = db_sub.add_parser(
        "revoke", help="team server: take back what db grant gave ROLE (then DROP ROLE works)")
    revoke.add_argument("role", metavar="ROLE")
    revoke.set_defaults(handler=cmd_grant, giving=False)


def cmd_status(args: argparse.Namespace) -> int:
    target, _default = resolve_db_path(getattr(args, "db", None))
    try:
        revision, head = schema_status(target)
    except StoreError as exc:
        return fail(str(exc))
    print(f"database: {shown(target)}")
    print(f"schema:   {revision or 'none (empty)'}")
    print(f"current:  {head}")
    if revision == head:
        print("status:   up to date")
        return UP_TO_DATE
    print(f"status:   needs an upgrade: digest-desk --db '{shown(target)}' db upgrade")
    return NEEDS_UPGRADE


def cmd_upgrade(args: argparse.Namespace) -> int:
    target, _default = resolve_db_path(getattr(args, "db", None))
    try:
        before, head = schema_status(target)
        store = open_store(target, upgrade=True)
    except StoreError as exc:
        return fail(str(exc))
    store.close()
    if before == head:
        print(f"{shown(target)}: already at schema {head}.")
    else:
        print(f"{shown(target)}: schema {before or 'none'} → {head}.")
    return 0


def cmd_grant(args: argparse.Namespace) -> int:
    from digest_desk.store.roles import set_editor_rights

    target, _default = resolve_db_path(getattr(args, "db", None))
    try:
        store = open_store(target, create=False)
    except StoreError as exc:
        return fail(str(exc))
    try:
        set_editor_rights(store, args.role, giving=args.giving)
    except StoreError as exc:
        return fail(str(exc))
    finally:
        store.close()
    done = "may now read and write articles on" if args.giving else "no longer has editor rights on"
    print(f"{args.role} {done} {shown(target)}.")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from digest_desk.store.copy import copy_database

    try:
        report = copy_database(args.source, args.target, force=args.force)
    except StoreError as exc:
        return fail(str(exc))
    for table, count in report.counts.items():
        print(f"{table:<10} {count:>8} rows  sha256 {report.hashes[table][:16]}")
    print(f"Copied {report.source} → {report.target}; counts and contents verified.")
    return 0
