"""``digest-desk gui``: the workstation window (also what runs without a subcommand)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the workstation window (the default)")
    p.add_argument("--open", metavar="SLUG", help="article to open first")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from digest_desk.app import run_workstation

    return run_workstation(db=getattr(args, "db", None), open_slug=getattr(args, "open", None))
