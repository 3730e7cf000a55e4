"""Text from articles, files and databases is shown as plain text, never read as rich text."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox


def plain(widget: QLabel | QMessageBox) -> QLabel | QMessageBox:
    """``widget`` set to show its text literally (Qt guesses rich text from a leading tag)."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def plain_tip(text: str | None) -> str | None:
    """A tooltip showing ``text`` literally: tooltips have no plain-text switch, so escape it."""
    if not text:
        return None
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
