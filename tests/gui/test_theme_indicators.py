"""Check boxes and radio buttons stand out from the window in the light and the dark theme."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
)

from digest_desk.ui.theme import ThemeManager, ThemeMode

# WCAG 2.1, 1.4.11: parts of a control needed to see its state contrast by at least 3:1.
MIN_CONTRAST = 3.0


def luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green())
            + 0.0722 * channel(colour.blue()))


def contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def strongest_contrast(image: QImage, rect, background: QColor) -> float:
    """The indicator's most visible pixel (its outline, when unchecked) against the background."""
    return max(contrast(image.pixelColor(x, y), background)
               for x in range(rect.left(), rect.right() + 1)
               for y in range(rect.top(), rect.bottom() + 1))


@pytest.fixture
def theme(qapp, settings):
    manager = ThemeManager(qapp, settings)
    yield manager
    manager.set_mode(ThemeMode.SYSTEM)


@pytest.mark.parametrize("mode", [ThemeMode.DARK, ThemeMode.LIGHT])
@pytest.mark.parametrize(("kind", "element"), [
    (QCheckBox, QStyle.SubElement.SE_CheckBoxIndicator),
    (QRadioButton, QStyle.SubElement.SE_RadioButtonIndicator),
])
def test_an_unchecked_indicator_stands_out_from_the_window(qtbot, theme, mode, kind, element):
    theme.set_mode(mode)
    assert theme.is_dark is (mode is ThemeMode.DARK)
    button = kind("Show drafts only")
    qtbot.addWidget(button)
    button.resize(button.sizeHint())
    option = QStyleOptionButton()
    button.initStyleOption(option)
    rect = button.style().subElementRect(element, option, button)
    image = button.grab().toImage()
    background = button.palette().color(QPalette.ColorRole.Window)
    assert image.pixelColor(image.width() - 1, 0) == background  # measured against what is there
    assert strongest_contrast(image, rect, background) >= MIN_CONTRAST


def test_check_boxes_in_lists_stand_out_in_the_dark_theme(qtbot, theme):
    theme.set_mode(ThemeMode.DARK)
    view = QListWidget()
    qtbot.addWidget(view)
    item = QListWidgetItem("Economy")
    item.setCheckState(item.checkState().Unchecked)
    view.addItem(item)
    view.resize(200, 60)
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    row = view.visualItemRect(item)
    base = view.palette().color(view.viewport().backgroundRole())
    assert strongest_contrast(image, row.adjusted(0, 0, -(row.width() - row.height()), 0), base) \
        >= MIN_CONTRAST
