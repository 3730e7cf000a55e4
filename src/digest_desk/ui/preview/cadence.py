"""When the next preview render starts: next loop turn while cheap, spaced by cost, one at a time."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

Clock = Callable[[], float]  # seconds, monotonic

# A render may keep the renderer (and, through the GIL, the UI thread) busy at most this share
# of the time: the next one starts no sooner than cost / SHARE after the previous one started.
SHARE = 0.5
# A render that has not reported back by then is taken as lost (its answer was dropped):
# longer than the preview's own watchdog, so that one recovers first.
LOST_AFTER_S = 10.0


class Pacing:
    """The throttle rule alone, on an injectable clock: ``delay_ms()`` until the next render may
    start, given when the last one started and what it cost."""

    def __init__(self, clock: Clock = time.monotonic, share: float = SHARE) -> None:
        if not 0.0 < share <= 1.0:
            raise ValueError(f"share must be in (0, 1], not {share}")
        self.clock = clock
        self.share = share
        self.started: float | None = None  # when the last render started
        self.cost = 0.0  # seconds the last finished render took, start to both previews shown
        self.running = False

    def begin(self) -> None:
        self.started = self.clock()
        self.running = True

    def end(self, measured: bool = True) -> None:
        """The render is shown; ``measured=False`` keeps the cost of the last one (a whole-page
        load after opening an article says nothing about what the next keys cost)."""
        if measured and self.running and self.started is not None:
            self.cost = max(0.0, self.clock() - self.started)
        self.running = False

    def busy(self) -> bool:
        """A render is under way (and not so old that its answer must have been lost)."""
        return self.running and self.started is not None \
            and self.clock() - self.started < LOST_AFTER_S

    def delay_ms(self) -> int:
        """0 while renders are cheap; else what is left of ``cost / share`` since the last start."""
        if self.started is None:
            return 0
        wait = self.started + self.cost / self.share - self.clock()
        return max(0, math.ceil(round(wait * 1000.0, 6)))  # 80.0000001 ms is 80 ms


class Cadence(QObject):
    """Calls ``run`` for the newest change, at the pace ``Pacing`` allows.

    ``request()`` on every change (changes that arrive meanwhile coalesce into one run);
    the owner calls ``began()`` when a render starts and ``finished()`` when its result is shown.
    """

    def __init__(self, run: Callable[[], None], parent: QObject | None = None,
                 clock: Clock = time.monotonic, share: float = SHARE) -> None:
        super().__init__(parent)
        self._run = run
        self.pacing = Pacing(clock, share)
        self._wanted = False
        self._timer = QTimer(self, singleShot=True, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._due)

    def request(self) -> None:
        """Something changed: render it as soon as the pacing allows."""
        self._wanted = True
        if not self._timer.isActive() and not self.pacing.busy():
            self._timer.start(self.pacing.delay_ms())

    def pending(self) -> bool:
        return self._wanted

    def began(self) -> None:
        """A render started (through this cadence or directly): what was wanted is in it."""
        self._wanted = False
        self._timer.stop()
        self.pacing.begin()

    def finished(self, measured: bool = True) -> None:
        """The render's result is shown (or failed): start the next one if changes came."""
        self.pacing.end(measured)
        if self._wanted and not self._timer.isActive():
            self._timer.start(self.pacing.delay_ms())

    def cancel(self) -> None:
        """Nothing to render any more (the article closed)."""
        self._wanted = False
        self._timer.stop()
        self.pacing.running = False

    def _due(self) -> None:
        if self._wanted and not self.pacing.busy():
            self._run()
