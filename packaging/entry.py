"""Frozen entry point: the ``digest-desk`` command (no subcommand opens the workstation)."""

from __future__ import annotations

import multiprocessing
import sys

if __name__ == "__main__":
    # The export's and the render-ahead's worker processes (a fork server on Linux, spawn
    # elsewhere) are this same program started again with multiprocessing's arguments:
    # PyInstaller's run-time hook makes freeze_support run their code and exit here, before
    # the program's own imports.
    multiprocessing.freeze_support()
    from digest_desk.cli import main

    sys.exit(main())
