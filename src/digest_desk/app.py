"""Starting the workstation (the ``digest-desk-gui`` entry point)."""

from __future__ import annotations

import sys


def run_workstation(db: str | None = None, open_slug: str | None = None) -> int:
    """Open the workstation window. Until the window exists, print the command line help."""
    from digest_desk.cli import build_parser

    build_parser().print_help()
    return 0


def main() -> int:
    return run_workstation()


if __name__ == "__main__":
    sys.exit(main())
