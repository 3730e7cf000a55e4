"""The ``digest-desk`` command: no subcommand opens the workstation, subcommands script the store."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from digest_desk import __version__
from digest_desk.commands import COMMAND_MODULES
from digest_desk.commands.common import CommandError, fail


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest-desk",
        description="Digest Desk: write an article once, publish a standard and an AMP page.",
    )
    parser.add_argument("--version", action="version", version=f"digest-desk {__version__}")
    parser.add_argument(
        "--db", metavar="PATH|URL",
        help="database file, or a team server as postgresql+psycopg://USER@HOST/DATABASE "
             "(default: $DIGEST_DESK_DB or the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        from digest_desk.commands import gui  # the workstation is the default command

        return gui.run(args)
    try:
        return int(handler(args) or 0)
    except CommandError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
