"""Who is editing: the display name other editors see with locks and revisions."""

from __future__ import annotations

import getpass
import os
import uuid

HOLDER_MARK = "#"  # between the name and the window's token in a lock holder


def login_name() -> str:
    """The computer account's login name ('' when the system cannot tell)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def full_name() -> str:
    """The account's full name from the passwd GECOS field (its first part), or ''."""
    try:
        import pwd
    except ImportError:  # not on POSIX
        return ""
    try:
        gecos = pwd.getpwuid(os.getuid()).pw_gecos
    except (KeyError, OSError):
        return ""
    return " ".join(gecos.split(",", 1)[0].split())


def default_display_name() -> str:
    """The name used until the editor sets one: the full name, else the login name."""
    return full_name() or login_name() or "Editor"


def clean_name(text: str) -> str:
    """A display name as stored: one line, spaces folded, at most 80 characters."""
    return " ".join(text.split())[:80]


def lock_holder(name: str) -> str:
    """A lock holder for one window of ``name``: the name, then a token unique to the window
    (two windows of one editor are two holders)."""
    return f"{clean_name(name)}{HOLDER_MARK}{uuid.uuid4().hex[:12]}"


def holder_name(holder: str) -> str:
    """The display name inside a lock holder (an old holder without a name: '')."""
    name, mark, _token = holder.rpartition(HOLDER_MARK)
    return name if mark else ""
