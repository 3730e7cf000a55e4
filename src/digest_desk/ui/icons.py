"""Icons by meaning: one map from what an action does to a qtawesome glyph, coloured from the palette.

The icon fonts load after the window's first paint (``load_soon``): until then an icon draws
nothing at its full size (so no layout moves), and every window is repainted once they are in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap

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
}

_cache: dict[tuple[str, str], QIcon] = {}
_engines: list[QIconEngine] = []  # Qt owns the engines; their Python halves must live as long
_state: dict[str, Any] = {"qta": None, "asked": False, "held": False, "waiting": []}


def _colours() -> tuple[str, str]:
    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    return text, disabled


class _GlyphEngine(QIconEngine):
    """A qtawesome glyph drawn once the fonts are loaded; a transparent square before that."""

    def __init__(self, glyph: str, colour: str | None, disabled: str | None) -> None:
        super().__init__()
        self.glyph, self.colour, self.disabled = glyph, colour, disabled
        self._icon: QIcon | None = None
        _engines.append(self)

    def _real(self) -> QIcon | None:
        if self._icon is None:
            qta = _state["qta"]
            if qta is None:
                load_soon()
                return None
            options = {key: value for key, value in (("color", self.colour),
                                                     ("color_disabled", self.disabled)) if value}
            self._icon = qta.icon(self.glyph, **options)
        return self._icon

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        icon = self._real()
        if icon is not None:
            icon.paint(painter, rect, Qt.AlignmentFlag.AlignCenter, mode, state)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        icon = self._real()
        if icon is not None:
            return icon.pixmap(size, mode, state)
        blank = QPixmap(size)
        blank.fill(Qt.GlobalColor.transparent)
        return blank

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self.glyph, self.colour, self.disabled)


def glyph(name: str, color: str | None = None) -> QIcon:
    """A qtawesome glyph by its own name (``"mdi6.plus"``), in ``color`` or qtawesome's default."""
    key = (name, f"glyph:{color}")
    icon = _cache.get(key)
    if icon is None:
        icon = QIcon(_GlyphEngine(name, color, None))
        _cache[key] = icon
    return icon


def get(name: str) -> QIcon:
    """The icon for a meaning (``"save"``, ``"export"``…), drawn in the current palette's text colour."""
    glyph_name = GLYPHS.get(name)
    if glyph_name is None:
        raise KeyError(f"No icon for “{name}”; known: {', '.join(sorted(GLYPHS))}")
    colour, disabled = _colours()
    key = (name, colour)
    icon = _cache.get(key)
    if icon is None:
        icon = QIcon(_GlyphEngine(glyph_name, colour, disabled))
        _cache[key] = icon
    return icon


def loaded() -> bool:
    """Whether the icon fonts are in (icons draw their glyphs)."""
    return _state["qta"] is not None


def when_loaded(action: Callable[[], None]) -> None:
    """Run ``action`` now when the fonts are in, else right after they load (a pixmap taken
    from an icon before then would stay blank)."""
    if loaded():
        action()
        return
    _state["waiting"].append(action)
    load_soon()


def load_soon() -> None:
    """Load the fonts on the next turn of the event loop (the first paint goes first)."""
    if not _state["asked"] and not _state["held"] and not loaded():
        _state["asked"] = True
        QTimer.singleShot(0, load)


def hold() -> None:
    """Drawing an icon does not load the fonts until ``release`` (a window being built holds
    them until it has painted once: otherwise the first icon asked for would load them before)."""
    _state["held"] = True


def release() -> None:
    """Load the fonts soon, and from now on whenever an icon asks."""
    _state["held"] = False
    load_soon()


def load() -> None:
    """Load qtawesome and its fonts now, then repaint every window so icons appear."""
    if loaded():
        return
    import qtawesome

    qtawesome.icon(GLYPHS["app"])  # the fonts load with the first icon
    _state["qta"] = qtawesome
    waiting, _state["waiting"] = _state["waiting"], []
    for action in waiting:
        action()
    app = QGuiApplication.instance()
    if app is not None:
        for window in app.allWidgets() if hasattr(app, "allWidgets") else ():
            window.update()


def clear_cache() -> None:
    """Forget drawn icons (after a theme change, so they pick up the new colours)."""
    _cache.clear()
