"""``import`` subcommand: markdown files with YAML front matter into the store."""

from __future__ import annotations

import argparse
import sys

from digest_desk.commands.common import CommandError, fail, open_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import markdown files with YAML front matter (folders are searched for *.md)",
    )
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--media", action="append", default=[], metavar="DIR",
                   help="a folder pictures may also be read from (besides each file's own folder)")
    p.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from digest_desk.store.importer import import_paths

    try:
        store = open_from_args(args)
    except CommandError as exc:
        return fail(str(exc))
    try:
        done, failed = import_paths(store, args.paths, args.media)
    finally:
        store.close()
    for result in done:
        for warning in result.warnings:
            print(f"digest-desk: warning: {warning}", file=sys.stderr)
        print(result.slug)
    for failure in failed:
        print(f"digest-desk: {failure}", file=sys.stderr)
    if not done and not failed:
        return fail("no markdown files found in " + ", ".join(args.paths), 1)
    if failed:
        files = "file" if len(failed) == 1 else "files"
        print(f"digest-desk: {len(failed)} {files} not imported, {len(done)} imported.",
              file=sys.stderr)
        return 1
    return 0
