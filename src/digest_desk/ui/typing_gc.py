"""Full garbage collections wait for a pause in typing (one can hold the window for 100 ms)."""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

# Typing has paused after this long without an edit: a full collection that came due runs then.
IDLE_MS = 1000
# Typing without any pause for this long lets full collections run again (memory stays bounded).
MAX_DEFER_S = 30.0
# The oldest generation's threshold while typing: no full collection starts on its own.
DEFERRED_THRESHOLD = 1 << 30


class TypingCollector(QObject):
    """While edits keep coming, Python's automatic full (oldest-generation) collections are held
    back; the young generations are still collected as usual. When typing pauses for ``IDLE_MS``
    the threshold is restored and a full collection that came due meanwhile runs there.

    A full collection walks every tracked object the process holds (the whole PySide, SQLAlchemy
    and markdown heap when nothing was frozen), so one that starts in the middle of a keystroke
    is the longest stall the window has while typing.
    """

    def __init__(self, parent: QObject | None = None, idle_ms: int = IDLE_MS,
                 max_defer_s: float = MAX_DEFER_S) -> None:
        super().__init__(parent)
        self._max_defer_s = max_defer_s
        self._saved: int | None = None  # the oldest generation's own threshold, while deferring
        self._since = 0.0
        self.full_collections = 0  # full collections this collector ran at pauses
        self._idle = QTimer(self, singleShot=True, interval=idle_ms)
        self._idle.timeout.connect(self.resume)
        self.destroyed.connect(_restore_threshold(self))

    @property
    def deferring(self) -> bool:
        return self._saved is not None

    def typed(self) -> None:
        """An edit: hold full collections back until typing pauses."""
        if self._saved is None:
            first, second, third = gc.get_threshold()
            if third >= DEFERRED_THRESHOLD:
                return  # someone else holds them back already (another editor)
            self._saved, self._since = third, time.monotonic()
            gc.set_threshold(first, second, DEFERRED_THRESHOLD)
        elif time.monotonic() - self._since > self._max_defer_s:
            self.resume()  # half a minute without a pause: collect now, defer again afterwards
            return
        self._idle.start()

    def resume(self) -> None:
        """Typing paused: restore the threshold and run the full collection if it came due."""
        self._idle.stop()
        saved, self._saved = self._saved, None
        if saved is None:
            return
        first, second, _third = gc.get_threshold()
        gc.set_threshold(first, second, saved)
        if gc.isenabled() and gc.get_count()[2] > saved:
            gc.collect()
            self.full_collections += 1


def _restore_threshold(collector: TypingCollector):
    """A slot for ``destroyed`` that does not need the (then deleted) collector's Python side."""
    state = collector.__dict__

    def restore(*_args: object) -> None:
        saved = state.get("_saved")
        if saved is not None:
            first, second, _third = gc.get_threshold()
            gc.set_threshold(first, second, saved)
            state["_saved"] = None

    return restore
