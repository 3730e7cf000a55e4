"""Frozen entry point: the ``digest-desk`` command (no subcommand opens the workstation)."""

from __future__ import annotations

import sys

from digest_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
