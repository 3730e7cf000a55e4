"""Icons by meaning: one map from what an action does to a qtawesome glyph, coloured from the palette."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtGui import QGuiApplication, QIcon, QPalette

GLYPHS: dict[str, str] = {
    "app": "mdi6.newspaper-variant-outline",
    "new": "mdi6.file-document-plus-outline",
    "save": "mdi6.content-save-outline",
    "settings": "mdi6.cog-outline",
    "quit": "mdi6.exit-to-app",
    "undo": "mdi6.undo",
    "redo": "mdi6.redo",
    "cut": "mdi6.content-cut",
    "copy": "mdi6.content-copy",
    "paste": "mdi6.content-paste",
    "find": "mdi6.magnify",
    "find-in-article": "mdi6.text-search",
    "replace": "mdi6.find-replace",
    "find-next": "mdi6.chevron-down",
    "find-previous": "mdi6.chevron-up",
    "match-case": "mdi6.format-letter-case",
    "whole-word": "mdi6.alpha-w-box-outline",
    "regex": "mdi6.regex",
    "paste-plain": "mdi6.clipboard-text-outline",
    "bold": "mdi6.format-bold",
    "italic": "mdi6.format-italic",
    "heading": "mdi6.format-header-pound",
    "link": "mdi6.link-variant",
    "image": "mdi6.image-plus",
    "quote": "mdi6.format-quote-close",
    "list": "mdi6.format-list-bulleted",
    "duplicate": "mdi6.content-duplicate",
    "delete": "mdi6.delete-outline",
    "history": "mdi6.history",
    "theme": "mdi6.theme-light-dark",
    "light": "mdi6.weather-sunny",
    "dark": "mdi6.weather-night",
    "phone": "mdi6.cellphone",
    "desktop": "mdi6.monitor",
    "export": "mdi6.export",
    "export-article": "mdi6.file-export-outline",
    "browser": "mdi6.web",
    "about": "mdi6.information-outline",
    "checks": "mdi6.file-check-outline",
    "links": "mdi6.link-plus",
    "split": "mdi6.view-split-vertical",
    "panel-list": "mdi6.page-layout-sidebar-left",
    "previews": "mdi6.page-layout-sidebar-right",
    "draft": "mdi6.pencil-outline",
    "ready": "mdi6.check-circle-outline",
    "published": "mdi6.earth",
    "scheduled": "mdi6.clock-outline",
    "ok": "mdi6.check",
    "error": "mdi6.alert-circle-outline",
    "details": "mdi6.tune-variant",
    "clear": "mdi6.close",
    "media-library": "mdi6.image-multiple-outline",
    "picture-words": "mdi6.image-edit-outline",
    "server": "mdi6.server-network",
    "local-db": "mdi6.database-outline",
    "preferences": "mdi6.account-cog-outline",
    "locked": "mdi6.account-edit-outline",  # another editor is editing this article
}

_cache: dict[tuple[str, str], QIcon] = {}


def _colours() -> tuple[str, str]:
    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    return text, disabled


def get(name: str) -> QIcon:
    """The icon for a meaning (``"save"``, ``"export"``…), drawn in the current palette's text colour."""
    glyph = GLYPHS.get(name)
    if glyph is None:
        raise KeyError(f"No icon for “{name}”; known: {', '.join(sorted(GLYPHS))}")
    colour, disabled = _colours()
    key = (name, colour)
    icon = _cache.get(key)
    if icon is None:
        icon = qta.icon(glyph, color=colour, color_disabled=disabled)
        _cache[key] = icon
    return icon


def clear_cache() -> None:
    """Forget drawn icons (after a theme change, so they pick up the new colours)."""
    _cache.clear()
