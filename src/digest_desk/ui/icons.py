"""Icons by meaning: one map from what an action does to a Material Design glyph (qtawesome's
``mdi6`` font), coloured from the palette.

The font loads after the window's first paint (``release``/``load_soon``): until then an icon
draws nothing at its full size (so no layout moves), and every widget is repainted once it is
in. The glyphs are drawn from qtawesome's font file directly: importing qtawesome (through qtpy)
costs several times more than the font itself, so it is imported only for other prefixes.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)

FONT_PREFIX = "mdi6"
FONT_FILE = "materialdesignicons6-webfont-*.ttf"
GLYPH_HEIGHT = 0.875  # of the icon's height, as qtawesome draws it

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
_engines: list[QIconEngine] = []  # Qt owns the engines; their Python halves must live as long
_state: dict[str, Any] = {"font": None, "chars": {}, "asked": False, "held": False, "waiting": []}


def _colours() -> tuple[str, str]:
    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    return text, disabled


def _font_file() -> Path:
    """qtawesome's Material Design font, found without importing qtawesome."""
    spec = importlib.util.find_spec("qtawesome")
    folders = list(spec.submodule_search_locations or []) if spec else []
    if not folders:  # an importer that does not say where the package lives (a frozen bundle)
        import qtawesome  # noqa: PLC0415

        folders = [str(Path(qtawesome.__file__).parent)]
    for folder in folders:
        found = sorted((Path(folder) / "fonts").glob(FONT_FILE))
        if found:
            return found[-1]
    raise FileNotFoundError(f"qtawesome's {FONT_FILE} font is missing")


class _GlyphEngine(QIconEngine):
    """A glyph of the icon font once it is loaded; a transparent square before that."""

    def __init__(self, glyph: str, colour: str | None, disabled: str | None) -> None:
        super().__init__()
        self.glyph, self.colour, self.disabled = glyph, colour, disabled
        self._other: QIcon | None = None  # a glyph of another qtawesome font
        _engines.append(self)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        if not loaded():
            load_soon()
            return
        prefix, _, name = self.glyph.partition(".")
        if prefix != FONT_PREFIX:
            self._paint_other(painter, rect, mode, state)
            return
        char = _state["chars"].get(name)
        if char is None:
            return
        text, grey = _colours()
        colour = (self.disabled or grey) if mode == QIcon.Mode.Disabled else (self.colour or text)
        font = QFont(_state["font"])
        font.setPixelSize(max(1, round(GLYPH_HEIGHT * rect.height())))
        painter.save()
        painter.setFont(font)
        painter.setPen(QColor(colour))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), char)
        painter.restore()

    def _paint_other(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        if self._other is None:
            import qtawesome  # noqa: PLC0415 - only for fonts other than ours

            options = {key: value for key, value in (("color", self.colour),
                                                     ("color_disabled", self.disabled)) if value}
            self._other = qtawesome.icon(self.glyph, **options)
        self._other.paint(painter, rect, Qt.AlignmentFlag.AlignCenter, mode, state)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self.glyph, self.colour, self.disabled)


def glyph(name: str, color: str | None = None) -> QIcon:
    """A glyph by its qtawesome name (``"mdi6.plus"``), in ``color`` or the palette's text colour."""
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
    """Whether the icon font is in (icons draw their glyphs)."""
    return _state["font"] is not None


def when_loaded(action: Callable[[], None]) -> None:
    """Run ``action`` now when the font is in, else right after it loads (a pixmap taken
    from an icon before then would stay blank)."""
    if loaded():
        action()
        return
    _state["waiting"].append(action)
    load_soon()


def load_soon() -> None:
    """Load the font on the next turn of the event loop (the first paint goes first)."""
    if not _state["asked"] and not _state["held"] and not loaded():
        _state["asked"] = True
        QTimer.singleShot(0, load)


def hold() -> None:
    """Drawing an icon does not load the font until ``release`` (a window being built holds
    it until it has painted once: otherwise the first icon asked for would load it before)."""
    _state["held"] = True


def release() -> None:
    """Load the font soon, and from now on whenever an icon asks."""
    _state["held"] = False
    load_soon()


def load() -> None:
    """Load the icon font now, then repaint every widget so the icons appear."""
    if loaded():
        return
    path = _font_file()
    families = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(path)))
    if not families:
        raise OSError(f"Qt cannot load the icon font {path}")
    charmap = path.with_name(path.name.replace("-webfont-", "-webfont-charmap-")).with_suffix(".json")
    codes = json.loads(charmap.read_text(encoding="utf-8"))
    _state["chars"] = {name: chr(int(code, 16)) for name, code in codes.items()}
    font = QFont(families[0])
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)  # no other font's glyph for a missing one
    _state["font"] = font
    waiting, _state["waiting"] = _state["waiting"], []
    for action in waiting:
        action()
    app = QGuiApplication.instance()
    for widget in app.allWidgets() if hasattr(app, "allWidgets") else ():
        widget.update()


def clear_cache() -> None:
    """Forget drawn icons (after a theme change, so they pick up the new colours)."""
    _cache.clear()
