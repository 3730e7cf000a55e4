"""Subcommands of ``digest-desk``, one module per area; each exposes ``register(subparsers)``."""

from __future__ import annotations

from digest_desk.commands import (
    backup_cmds,
    db_cmds,
    export_cmds,
    gui,
    import_cmds,
    links_cmds,
    render_cmds,
    set_cmds,
    store_cmds,
)

COMMAND_MODULES = [gui, store_cmds, import_cmds, render_cmds, links_cmds, set_cmds, backup_cmds, export_cmds,
                   db_cmds]
