"""Helpers for window tests: waiting for background reads, answering modal dialogs, timing stalls."""

from __future__ import annotations

import time
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


class StallMeter:
    """A timer ticking every few ms on the UI thread: the longest gap between its ticks is the
    longest time the UI thread did not handle events (a freeze)."""

    def __init__(self, every_ms: int = 5) -> None:
        self.longest = 0.0
        self.ticks = 0
        self._last = time.monotonic()
        self._timer = QTimer(interval=every_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self._last)
        self._last = now
        self.ticks += 1

    def start(self) -> None:
        self.longest, self.ticks, self._last = 0.0, 0, time.monotonic()
        self._timer.start()

    def skip(self) -> None:
        """The test itself just held the UI thread (keys sent in one go): not the window's stall."""
        self._last = time.monotonic()

    def stop(self) -> float:
        self._tick()  # a stall running until now counts too
        self._timer.stop()
        return self.longest
