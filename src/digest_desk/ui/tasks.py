"""Run a function off the UI thread and deliver its result (or its exception) back on it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, QThreadPool, Signal

# The renderer shares one Python-Markdown instance and unlocked caches between calls, so two
# threads rendering at once corrupt each other's output. Background work that renders holds this.
RENDER_LOCK = threading.RLock()

DoneCallback = Callable[[Any], None]
ProgressCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class Job:
    """A handle on one background call: cancel it, ask whether it finished, read its outcome."""

    def __init__(self) -> None:
        self.cancel_event = threading.Event()
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.taken = False  # the outcome was taken by ``take``: nothing is delivered

    def take(self, timeout: float | None = None) -> Any:
        """Wait here for the outcome and take it instead of ``on_done``/``on_error``: returns the
        result or raises the function's exception (TimeoutError when it did not finish in time)."""
        self.taken = True
        if not self.done.wait(timeout):
            raise TimeoutError("the background work did not finish in time")
        if self.error is not None:
            raise self.error
        return self.result

    def cancel(self) -> None:
        """Ask the function to stop (if it watches ``cancel_event``) and drop its result."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


# Relays made off the UI thread (a preview job asking the store for a picture) have no parent
# to keep them: kept here until they have delivered.
_ADOPTED: set[_Relay] = set()


class _Relay(QObject):
    """Lives on the UI thread; a signal emitted from the worker arrives here queued."""

    arrived = Signal()
    progressed = Signal(object)

    def __init__(self, job: Job, on_done: DoneCallback | None, on_error: ErrorCallback | None,
                 owner: QObject | None, on_progress: ProgressCallback | None = None) -> None:
        app = QCoreApplication.instance()
        on_ui = app is None or QThread.currentThread() == app.thread()
        # Qt gives an object no parent in another thread (with a warning): one made on a worker
        # thread is moved to the UI thread instead, where its signals then arrive.
        super().__init__(app if on_ui else None)
        if not on_ui:
            self.moveToThread(app.thread())
            _ADOPTED.add(self)
        self._job = job
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self._owner = owner
        self._owner_given = owner is not None
        self.arrived.connect(self._deliver)
        self.progressed.connect(self._progress)

    def _dropped(self) -> bool:
        return self._job.cancelled or self._job.taken or (self._owner_given and not shiboken6.isValid(self._owner))

    def _progress(self, value: Any) -> None:
        if self._on_progress is not None and not self._dropped():
            self._on_progress(value)

    def _deliver(self) -> None:
        job = self._job
        _ADOPTED.discard(self)
        self.deleteLater()
        if self._dropped():
            return
        if job.error is not None:
            if self._on_error is not None:
                self._on_error(job.error)
        elif self._on_done is not None:
            self._on_done(job.result)


def _work(job: Job, relay: _Relay, fn: Callable[..., Any], args: tuple[Any, ...],
          kwargs: dict[str, Any]) -> None:
    if job.cancelled:  # superseded while waiting in the queue: skip the work entirely
        job.done.set()
        relay.arrived.emit()
        return
    try:
        job.result = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - delivered to on_error on the UI thread
        job.error = exc
    job.done.set()
    relay.arrived.emit()


def run_in_background(fn: Callable[..., Any], *args: Any, on_done: DoneCallback | None = None,
                      on_error: ErrorCallback | None = None, owner: QObject | None = None,
                      pool: QThreadPool | None = None, pass_cancel: bool = False,
                      on_progress: ProgressCallback | None = None, **kwargs: Any) -> Job:
    """Run ``fn(*args, **kwargs)`` on a worker thread; call ``on_done``/``on_error`` on the UI thread.

    ``owner``: when given and destroyed before the result arrives, nothing is delivered.
    ``pass_cancel``: give ``fn`` the job's ``cancel_event`` as keyword ``cancel`` so long work
    can stop early. A cancelled job delivers nothing.
    ``on_progress``: ``fn`` gets a keyword ``progress``; each ``progress(value)`` it calls
    reaches ``on_progress(value)`` on the UI thread, in order, before the result.
    """
    job = Job()
    if pass_cancel:
        kwargs["cancel"] = job.cancel_event
    relay = _Relay(job, on_done, on_error, owner, on_progress)
    if on_progress is not None:
        kwargs["progress"] = relay.progressed.emit
    (pool or QThreadPool.globalInstance()).start(lambda: _work(job, relay, fn, args, kwargs))
    return job


def run_detached(fn: Callable[..., Any], *args: Any, on_done: DoneCallback | None = None,
                 on_error: ErrorCallback | None = None, owner: QObject | None = None,
                 thread_name: str = "digest-desk-detached", on_progress: ProgressCallback | None = None,
                 **kwargs: Any) -> Job:
    """Like ``run_in_background``, but on a daemon thread of its own (named ``thread_name``) rather than in a pool: for a
    call that may wait on a silent network for a long time (a team server that stopped answering).
    It holds no pool thread other work needs, and nothing waits for it when a window or the
    program closes (no Qt thread object is left running at exit); its outcome is dropped if
    ``owner`` is gone by then. ``on_progress`` works as in ``run_in_background``."""
    job = Job()
    relay = _Relay(job, on_done, on_error, owner, on_progress)
    if on_progress is not None:
        kwargs["progress"] = relay.progressed.emit
    threading.Thread(target=_work, args=(job, relay, fn, args, kwargs), name=thread_name,
                     daemon=True).start()
    return job


def answer_within(seconds: float, default: Any, fn: Callable[..., Any], *args: Any,
                  **kwargs: Any) -> tuple[Any, Job]:
    """``fn(*args, **kwargs)`` on a detached thread, waited for ``seconds`` at most here: its
    result (or its exception, raised here), or ``default`` when it has not answered in time.
    The job comes back too, to tell whether a late call is still out."""
    job = run_detached(fn, *args, **kwargs)
    try:
        return job.take(seconds), job
    except TimeoutError:
        return default, job


class LatestOnly:
    """Submit requests where only the newest matters: each one cancels the ones before it.

    With its own single-thread pool, superseded requests still waiting in the queue are skipped
    and the work never runs concurrently with itself (so caches in ``fn`` need no locks).
    """

    def __init__(self, owner: QObject | None = None, pool: QThreadPool | None = None) -> None:
        self._owner = owner
        if pool is None:
            pool = QThreadPool(owner)
            pool.setMaxThreadCount(1)
        self._pool = pool
        self._current: Job | None = None

    @property
    def current(self) -> Job | None:
        return self._current

    def busy(self) -> bool:
        return self._current is not None and not self._current.done.is_set()

    def submit(self, fn: Callable[..., Any], *args: Any, on_done: DoneCallback | None = None,
               on_error: ErrorCallback | None = None, pass_cancel: bool = False,
               on_progress: ProgressCallback | None = None, **kwargs: Any) -> Job:
        self.cancel()
        self._current = run_in_background(fn, *args, on_done=on_done, on_error=on_error,
                                          owner=self._owner, pool=self._pool,
                                          pass_cancel=pass_cancel, on_progress=on_progress,
                                          **kwargs)
        return self._current

    def cancel(self) -> None:
        if self._current is not None:
            self._current.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every queued job has run (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)


class InOrder:
    """Runs submitted calls one at a time, in the order submitted, on one worker thread of its own
    (database writes that must not overtake each other: autosaves, drafts)."""

    def __init__(self, owner: QObject | None = None) -> None:
        self._owner = owner
        self._pool = QThreadPool(owner)
        self._pool.setMaxThreadCount(1)

    def submit(self, fn: Callable[..., Any], *args: Any, on_done: DoneCallback | None = None,
               on_error: ErrorCallback | None = None, on_progress: ProgressCallback | None = None,
               **kwargs: Any) -> Job:
        return run_in_background(fn, *args, on_done=on_done, on_error=on_error, owner=self._owner,
                                 pool=self._pool, on_progress=on_progress, **kwargs)

    def wait(self, msecs: int = -1) -> bool:
        """Block until every submitted call has run (closing, tests)."""
        return self._pool.waitForDone(msecs)
