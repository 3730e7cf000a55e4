"""Helpers for window tests: waiting for background reads, answering modal dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def settle(window) -> None:
    """Let background reads of the article list finish and their results arrive."""
    window.list_panel.model.wait()
    QApplication.processEvents()


def answer_modal(action: Callable[[object], None], delay: int = 50) -> None:
    """Run ``action(dialog)`` on the next modal dialog (message boxes, dialogs under exec())."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(delay, poll)
            return
        action(dialog)

    QTimer.singleShot(delay, poll)
