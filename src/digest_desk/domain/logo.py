"""What the site profile's ``logo`` holds: nothing, a web address, a stored picture or a local path."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

LogoKind = Literal["none", "web", "media", "file", "bad"]

MEDIA_REF = "media/"  # a logo kept in the media store is ``media/NAME``
# The names the media store gives (``safe_name``): no folders, no "..", no spaces.
_MEDIA_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def logo_media_name(value: str | None) -> str | None:
    """NAME when ``value`` is a stored picture reference ``media/NAME`` (a plain file name)."""
    value = (value or "").strip()
    if not value.startswith(MEDIA_REF):
        return None
    name = value[len(MEDIA_REF):]
    return name if _MEDIA_NAME.fullmatch(name) else None


def logo_kind(value: str | None) -> LogoKind:
    """Which kind of logo ``value`` is.

    "file" is a path of the computer the profile was edited on (``/home/…``, ``C:\\…``,
    ``file:…``, ``~/…``): a database may hold one from before logos were stored with the site,
    and it is never read or published. "bad" is any other address (``javascript:``, ``data:``…).
    """
    value = (value or "").strip()
    if not value:
        return "none"
    if logo_media_name(value):
        return "media"
    if value.startswith(MEDIA_REF):
        return "bad"  # media/ followed by a folder or an odd name: no stored picture has it
    scheme = _CONTROL.sub("", value).partition(":")[0].lower() if ":" in value else ""
    if len(scheme) > 1 and "/" not in scheme and "\\" not in scheme:  # "C:" is a Windows drive
        if scheme in ("http", "https") and urlsplit(value).netloc:
            return "web"
        return "file" if scheme == "file" else "bad"
    return "file"
