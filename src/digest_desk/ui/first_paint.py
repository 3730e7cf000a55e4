"""Running something once a window has painted for the first time (what start-up defers)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class FirstPaint(QObject):
    """Calls ``painted`` during the widget's first paint event and ``then`` on the event-loop
    turn after it (the frame is on screen by then)."""

    def __init__(self, widget: QWidget, then: Callable[[], None],
                 painted: Callable[[], None] | None = None) -> None:
        super().__init__(widget)
        self.then, self.painted = then, painted
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if self.painted is not None:
                self.painted()
            QTimer.singleShot(0, self.then)
        return False
