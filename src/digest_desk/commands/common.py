"""Helpers shared by subcommands: opening the store named by --db with friendly errors."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from digest_desk.identity import clean_name, default_display_name
from digest_desk.paths import resolve_db_path
from digest_desk.store import Store, StoreError, open_store

NAME_SECTION, NAME_KEY = "editor", "display_name"  # ui/settings.py's EDITOR_NAME, "editor/display_name"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,4}|.)")  # \" \\ \n … and \xHHHH, as QSettings writes them


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
    store.editor = editor_name()  # every revision the command writes names who made it
    return store


def settings_file() -> Path | None:
    """Where the workstation keeps its settings as a file (QSettings' native INI file on Linux
    and other Unix desktops; None on macOS and Windows, where they live elsewhere)."""
    if sys.platform in ("darwin", "win32"):
        return None
    from digest_desk.app import APPLICATION, ORGANIZATION  # plain names: no Qt is loaded

    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / ORGANIZATION / f"{APPLICATION}.conf"


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] == "x" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)


def _ini_string(raw: str) -> str | None:
    """A string value as QSettings writes it in an INI file ("quoted" when it must be, with
    backslash escapes, a leading @ doubled); None for anything else (a list, a @Variant)."""
    raw = raw.strip()
    quoted = len(raw) >= 2 and raw[0] == raw[-1] == '"'
    body = raw[1:-1] if quoted else raw
    if (body.startswith("@") and not body.startswith("@@")) or (not quoted and "," in body):
        return None
    text = _ESCAPE.sub(_unescape, body)
    return text[1:] if text.startswith("@@") else text


def saved_display_name(path: Path | None = None) -> str:
    """The display name set in the workstation's Preferences, read from its settings file
    without Qt ('' when none is set or the file cannot be read)."""
    path = path or settings_file()
    if path is None:
        return ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    section = ""
    for line in lines:
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == NAME_SECTION and "=" in line:
            key, _sep, value = line.partition("=")
            if key.strip() == NAME_KEY:
                return clean_name(_ini_string(value) or "")
    return ""


def editor_name() -> str:
    """Who a command's revisions name: the Preferences' display name, else the account's name."""
    return saved_display_name() or default_display_name()


def fail(message: str, status: int = 2) -> int:
    print(f"digest-desk: {message}", file=sys.stderr)
    return status
