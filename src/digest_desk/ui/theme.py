"""Light and dark themes: follow the system by default, or a manual choice kept in the settings."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory

from digest_desk.ui.settings import VIEW_THEME


class ThemeMode(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


_DARK = {
    QPalette.ColorRole.Window: "#202326",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#17191b",
    QPalette.ColorRole.AlternateBase: "#24272a",
    QPalette.ColorRole.ToolTipBase: "#2b2f33",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8a8f94",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#2b2f33",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Link: "#6cb6ff",
    QPalette.ColorRole.Highlight: "#2f6fb3",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Light: "#3a3f44",
    QPalette.ColorRole.Midlight: "#33373b",
    QPalette.ColorRole.Mid: "#2a2d31",
    QPalette.ColorRole.Dark: "#141618",
    QPalette.ColorRole.Shadow: "#000000",
}
_DARK_DISABLED = "#6f757a"


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DARK_DISABLED))
    return palette


def indicator_outline(palette: QPalette) -> QColor:
    """The outline of check boxes and radio buttons: 60 % of the way from field to text colour.

    Fusion derives it from the window colour (darker), which on a dark window is nearly black on
    black (1.1:1); this stands out by more than 3:1 in both themes, and is dimmer for a disabled
    box because its Text is.
    """
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    return QColor(*(round(b + 0.6 * (t - b)) for t, b in
                    zip(text.getRgb()[:3], base.getRgb()[:3], strict=True)))


class IndicatorStyle(QProxyStyle):
    """Fusion, with check box and radio button outlines one can see (also in item views)."""

    _INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
                   QStyle.PrimitiveElement.PE_IndicatorRadioButton)

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802 (Qt override)
        if element in self._INDICATORS and option is not None:
            option = type(option)(option)
            palette = QPalette(option.palette)
            # Fusion draws the outline in Window darkened by 140 %: give it a Window that yields ours
            palette.setColor(QPalette.ColorRole.Window, indicator_outline(palette).lighter(140))
            option.palette = palette
        super().drawPrimitive(element, option, painter, widget)


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


class ThemeManager(QObject):
    """Applies the chosen theme to the application and tells listeners when it changes."""

    changed = Signal(bool)  # is_dark

    def __init__(self, app: QApplication, settings: QSettings) -> None:
        super().__init__(app)
        self._app = app
        self._settings = settings
        app.setStyle(IndicatorStyle())
        self._light = app.style().standardPalette()
        value = VIEW_THEME.read(settings)
        self._mode = ThemeMode(value) if value in ThemeMode._value2member_map_ else ThemeMode.SYSTEM
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        self._dark = False
        self._apply()

    @property
    def mode(self) -> ThemeMode:
        return self._mode

    @property
    def is_dark(self) -> bool:
        return self._dark

    def set_mode(self, mode: ThemeMode | str) -> None:
        self._mode = ThemeMode(mode)
        VIEW_THEME.write(self._settings, self._mode.value)
        self._apply()

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._mode is ThemeMode.SYSTEM:
            self._apply()

    def _apply(self) -> None:
        dark = self._mode is ThemeMode.DARK or (self._mode is ThemeMode.SYSTEM and system_is_dark())
        self._app.setPalette(dark_palette() if dark else self._light)
        self._dark = dark
        self.changed.emit(dark)
