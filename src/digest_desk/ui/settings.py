"""Every setting the workstation keeps (QSettings), declared once: key, type, default, meaning."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from digest_desk.identity import clean_name, default_display_name


@dataclass(frozen=True, slots=True)
class Setting:
    """One remembered value; ``read`` gives the default when it is missing or unusable."""

    key: str
    type: type
    default: Any
    doc: str

    def read(self, settings: QSettings) -> Any:
        value = settings.value(self.key)
        if value is None:
            return self.default
        return _convert(value, self.type, self.default)

    def write(self, settings: QSettings, value: Any) -> None:
        settings.setValue(self.key, value)

    def for_database(self, path: str | Path) -> Setting:
        """This setting kept apart per database file (ids mean nothing in another database)."""
        digest = hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:12]
        return Setting(f"{self.key}_{digest}", self.type, self.default, self.doc)


def _convert(value: Any, kind: type, default: Any) -> Any:
    if kind is bool:
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
    if kind is QByteArray:
        return value if isinstance(value, QByteArray | bytes) else default
    try:
        return kind(value)
    except (TypeError, ValueError):
        return default


WINDOW_GEOMETRY = Setting("window/geometry", QByteArray, None, "The main window's size and place.")
WINDOW_STATE = Setting("window/state", QByteArray, None, "Where the docks and toolbars are.")
WINDOW_SPLITTER = Setting("window/splitter", QByteArray, None,
                          "Widths of the list, the editor and the previews.")
VIEW_DETAILS = Setting("view/details", bool, True, "Whether the metadata form above the body shows.")
VIEW_LIST = Setting("view/article_list", bool, True, "Whether the article list shows (View menu).")
VIEW_PREVIEWS = Setting("view/previews", bool, True, "Whether the two previews show (View menu).")
VIEW_DEVICE = Setting("view/device", str, "desktop", "The previews' width: 'phone' or 'desktop'.")
VIEW_THEME = Setting("view/theme", str, "system", "The theme: 'system', 'light' or 'dark'.")
EXPORT_FOLDER = Setting("export/last_folder", str, "", "The folder the last export went to.")
LIST_STATUS = Setting("list/status", str, "", "The article list's status filter ('' for any).")
LIST_CATEGORY = Setting("list/category", str, "", "The article list's category filter ('' for any).")
LIST_SEARCH = Setting("list/search", str, "", "The text in the article list's search box.")
LAST_ARTICLE = Setting("session/last_article", int, None,
                       "The article open at closing, per database file (see for_database).")
RECENT_SERVERS = Setting("servers/recent", str, "",
                        "Team servers connected to lately, newest first, one URL a line (never a password).")
EDITOR_NAME = Setting("editor/display_name", str, "",
                      "The name shown with your locks and revisions ('': the computer account's full name).")
RECENT_SERVERS_KEPT = 8


def display_name(settings: QSettings) -> str:
    """The editor's display name: as set in Preferences, else the computer account's name."""
    return clean_name(EDITOR_NAME.read(settings)) or default_display_name()


def recent_servers(settings: QSettings) -> list[str]:
    """The remembered team servers (URLs without passwords), newest first."""
    return [line for line in RECENT_SERVERS.read(settings).splitlines() if line.strip()]


def remember_server(settings: QSettings, url: str) -> None:
    """Put ``url`` (which must carry no password) first in the recent servers."""
    kept = [url] + [u for u in recent_servers(settings) if u != url]
    RECENT_SERVERS.write(settings, "\n".join(kept[:RECENT_SERVERS_KEPT]))


ALL = (WINDOW_GEOMETRY, WINDOW_STATE, WINDOW_SPLITTER, VIEW_DETAILS, VIEW_DEVICE, VIEW_THEME,
       EXPORT_FOLDER, LIST_STATUS, LIST_CATEGORY, LIST_SEARCH, LAST_ARTICLE, VIEW_LIST,
       VIEW_PREVIEWS, RECENT_SERVERS, EDITOR_NAME)
