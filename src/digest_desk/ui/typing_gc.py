"""Full garbage collections wait for a pause in typing (one can hold the window for 100 ms)."""

from __future__ import annotations

import gc
import time
from functools import partial

from PySide6.QtCore import QObject, QTimer

# Typing has paused after this long without an edit: a full collection that came due runs then.
IDLE_MS = 1000
# Typing without any pause for this long lets full collections run again (memory stays bounded).
MAX_DEFER_S = 30.0
# The oldest generation's threshold while typing: no full collection starts on its own.
DEFERRED_THRESHOLD = 1 << 30


class _Hold:
    """The one deferral of the process, shared by every collector (each editor has one): the
    threshold is raised by the first holder and restored when the last one lets go."""

    def __init__(self) -> None:
        self.saved: int | None = None
        self.holders: set[int] = set()

    def take(self, holder: int) -> None:
        if self.saved is None:
            first, second, third = gc.get_threshold()
            self.saved = third
            gc.set_threshold(first, second, DEFERRED_THRESHOLD)
        self.holders.add(holder)

    def release(self, holder: int) -> int | None:
        """Let go; the restored threshold when this was the last holder, else None."""
        self.holders.discard(holder)
        if self.holders or self.saved is None:
            return None
        saved, self.saved = self.saved, None
        first, second, _third = gc.get_threshold()
        gc.set_threshold(first, second, saved)
        return saved


_HOLD = _Hold()


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
        self._since: float | None = None  # when this collector started holding collections back
        self.full_collections = 0  # full collections this collector ran at pauses
        self._idle = QTimer(self, singleShot=True, interval=idle_ms)
        self._idle.timeout.connect(self.resume)
        self.destroyed.connect(partial(_HOLD.release, id(self)))

    @property
    def deferring(self) -> bool:
        return self._since is not None

    def typed(self) -> None:
        """An edit: hold full collections back until typing pauses."""
        if self._since is None:
            self._since = time.monotonic()
            _HOLD.take(id(self))
        elif time.monotonic() - self._since > self._max_defer_s:
            self.resume()  # half a minute without a pause: collect now, defer again afterwards
            return
        self._idle.start()

    def resume(self) -> None:
        """Typing paused: restore the threshold and run the full collection if it came due."""
        self._idle.stop()
        if self._since is None:
            return
        self._since = None
        saved = _HOLD.release(id(self))
        if saved is not None and gc.isenabled() and gc.get_count()[2] > saved:
            gc.collect()
            self.full_collections += 1
