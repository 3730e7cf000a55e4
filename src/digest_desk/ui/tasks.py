"""Run a function off the UI thread and deliver its result (or its exception) back on it."""

from __future__ import annotations

import queue
import threading
import traceback
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThreadPool

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


# A worker hands progress and outcomes to the UI thread through one dispatcher there, with posted
# events, not signals: a plain Python thread emitting a signal goes through PySide's signal
# machinery from a thread Qt did not start, which crashed the program now and then; posting an
# event is the thread-safe call Qt documents for any thread. The relays themselves are plain
# Python objects: no Qt object is made, moved or deleted per background call.
_RELAYED = QEvent.Type(QEvent.registerEventType())


class _Dispatcher(QObject):
    """Lives on the UI thread; runs the calls workers queue for it, in the order queued, one
    posted event each."""

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self._calls: deque[Callable[[], None]] = deque()

    def post(self, call: Callable[[], None]) -> None:
        """Any thread: run ``call`` on the UI thread."""
        self._calls.append(call)
        QCoreApplication.postEvent(self, QEvent(_RELAYED))

    def event(self, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == _RELAYED:
            call = self._calls.popleft()
            call()
            return True
        return super().event(event)


# The application's dispatcher once made, with a weak reference to the application (which this
# module must not keep alive: it ends with the program's start function).
_DISPATCHER: list[tuple[weakref.ref, _Dispatcher]] = []
_DISPATCHER_LOCK = threading.Lock()


def _dispatcher() -> _Dispatcher | None:
    """The application's dispatcher (made on first use); None without an application."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    with _DISPATCHER_LOCK:
        if _DISPATCHER and _DISPATCHER[0][0]() is app and shiboken6.isValid(_DISPATCHER[0][1]):
            return _DISPATCHER[0][1]
        if _on_ui_thread():
            dispatcher = _Dispatcher(app)  # a child of the application: deleted with it
        else:  # a worker asked first (the window's calls come first in this program): made
            dispatcher = _Dispatcher(None)  # here, moved to the UI thread, kept by _DISPATCHER
            dispatcher.moveToThread(app.thread())
        _DISPATCHER[:] = [(weakref.ref(app), dispatcher)]
        return dispatcher


class _Relay:
    """A background call's way back to the UI thread: progress and the outcome arrive in order,
    through the dispatcher. Everything the work needed (the function, its arguments, the
    callbacks) is let go of on the UI thread: a worker never drops the last reference to a
    window's objects."""

    __slots__ = ("_job", "_on_done", "_on_error", "_on_progress", "_owner", "_owner_given", "_spent",
                 "_dispatcher")

    def __init__(self, job: Job, on_done: DoneCallback | None, on_error: ErrorCallback | None,
                 owner: QObject | None, on_progress: ProgressCallback | None, dispatcher: _Dispatcher) -> None:
        self._job: Job | None = job
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self._owner = owner
        self._owner_given = owner is not None
        self._spent: Any = None  # the call's function and arguments, handed over by the worker
        self._dispatcher = dispatcher

    # -- worker side ----------------------------------------------------------------------
    def post_progress(self, value: Any) -> None:
        self._dispatcher.post(lambda: self._progress(value))

    def post_outcome(self) -> None:
        self._dispatcher.post(self._deliver)

    # -- UI side ----------------------------------------------------------------------------
    def _dropped(self) -> bool:
        job = self._job
        return (job is None or job.cancelled or job.taken
                or (self._owner_given and not shiboken6.isValid(self._owner)))

    def _progress(self, value: Any) -> None:
        if self._on_progress is not None and not self._dropped():
            self._on_progress(value)

    def _deliver(self) -> None:
        job = self._job
        try:
            if job is None or self._dropped():
                return
            if job.error is not None:
                if self._on_error is not None:
                    self._on_error(job.error)
            elif self._on_done is not None:
                self._on_done(job.result)
        finally:  # let go of the work here, on the UI thread
            self._job = self._on_done = self._on_error = self._on_progress = None
            self._owner = self._spent = None


class _Call:
    """One background call, run once on a worker thread. Whatever it holds is handed to its
    relay before the outcome is posted, so the worker keeps nothing of the call afterwards."""

    __slots__ = ("_job", "_relay", "_parts")

    def __init__(self, job: Job, relay: _Relay | None, fn: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> None:
        self._job: Job | None = job
        self._relay: _Relay | None = relay
        self._parts: tuple[Any, ...] | None = (fn, args, kwargs)

    def __call__(self) -> None:
        job, relay, parts = self._job, self._relay, self._parts
        self._job = self._relay = self._parts = None
        if job is None or parts is None:
            return  # already run
        fn, args, kwargs = parts
        if not job.cancelled:  # superseded while waiting in the queue: the work is skipped
            try:
                job.result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - delivered to on_error on the UI thread
                job.error = exc
        del fn, args, kwargs
        if relay is None:  # nothing to deliver, and nothing of a window's: let go of here
            del parts
            job.done.set()
            return
        relay._spent = parts  # let go of on the UI thread, with the delivery
        del parts
        job.done.set()
        del job
        relay.post_outcome()


def _on_ui_thread() -> bool:
    """Whether this is the UI thread (the program's main thread, where the application lives);
    asked without Qt, which would adopt a worker thread that only asks."""
    return QCoreApplication.instance() is None or threading.current_thread() is threading.main_thread()


def _prepared(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], on_done: DoneCallback | None,
              on_error: ErrorCallback | None, owner: QObject | None, on_progress: ProgressCallback | None,
              pass_cancel: bool = False) -> tuple[Job, Callable[[], None]]:
    """The job of one background call and the call to run on a worker thread (see
    ``run_in_background`` for the arguments)."""
    job = Job()
    if pass_cancel:
        kwargs["cancel"] = job.cancel_event
    relay = None
    # A worker's own call with nothing to deliver (``answer_within``) needs no way back; without
    # an application nothing is delivered (no event loop would run it).
    wanted = on_done is not None or on_error is not None or on_progress is not None or _on_ui_thread()
    dispatcher = _dispatcher() if wanted else None
    if dispatcher is not None:
        relay = _Relay(job, on_done, on_error, owner, on_progress, dispatcher)
    if on_progress is not None and relay is not None:
        kwargs["progress"] = relay.post_progress
    return job, _Call(job, relay, fn, args, kwargs)


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
    job, call = _prepared(fn, args, kwargs, on_done, on_error, owner, on_progress, pass_cancel)
    (pool or QThreadPool.globalInstance()).start(call)
    return job


def run_detached(fn: Callable[..., Any], *args: Any, on_done: DoneCallback | None = None,
                 on_error: ErrorCallback | None = None, owner: QObject | None = None,
                 thread_name: str = "digest-desk-detached", on_progress: ProgressCallback | None = None,
                 **kwargs: Any) -> Job:
    """Like ``run_in_background``, but on the daemon workers (``_Workers``, the thread named
    ``thread_name`` while it runs) rather than in a Qt pool: for a call that may wait on a silent
    network for a long time (a team server that stopped answering). It holds no thread other
    work needs, and nothing waits for it when a window or the program closes; its outcome is
    dropped if ``owner`` is gone by then. ``on_progress`` works as in ``run_in_background``."""
    job, call = _prepared(fn, args, kwargs, on_done, on_error, owner, on_progress)
    _WORKERS.run(call, thread_name)
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


IDLE_THREAD_S = 60.0  # a worker thread ends after this long without work (a later call starts one)


class _Workers:
    """The daemon Python threads that detached calls and serial workers run on. Not a Qt pool:
    a call a silent team server holds never keeps a window or the program from closing (a Qt
    pool waits for its threads when it is deleted, with its owner or at exit).

    A call takes an idle thread, or starts one when every thread is busy, so a call held by a
    silent server holds only its own thread; a thread ends after IDLE_THREAD_S without work. The
    threads are as many as calls ran at once, and live long: windows opened and closed all day
    do not start and end threads of their own (a window has a dozen serial workers)."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[tuple[Callable[[], None], str]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0  # threads waiting for a call and not yet promised one
        self._started = 0

    def run(self, call: Callable[[], None], name: str) -> None:
        with self._lock:
            if self._idle:
                self._idle -= 1  # that thread takes this call
                start = False
            else:
                start = True
                self._started += 1
        self._calls.put((call, name))
        if start:
            threading.Thread(target=self._serve, name=f"digest-desk-worker-{self._started}", daemon=True).start()

    def _serve(self) -> None:
        me = threading.current_thread()
        own_name = me.name
        while True:
            try:
                call, name = self._calls.get(timeout=IDLE_THREAD_S)
            except queue.Empty:
                with self._lock:
                    if self._idle:  # not promised a call: this thread ends
                        self._idle -= 1
                        return
                continue  # a call was promised to an idle thread just now: wait for it
            me.name = name
            try:
                call()
            except Exception:  # noqa: BLE001 - a call's own errors go to its job (_Call): this
                traceback.print_exc()  # is a fault of ours, shown, and the thread serves on
            finally:
                call = None  # nothing of the call stays with an idle thread
                me.name = own_name
                with self._lock:
                    self._idle += 1


_WORKERS = _Workers()


class _SerialThread:
    """Runs queued calls one at a time, in order, on the daemon workers (``_Workers``): one
    worker thread at a time drains the queue, so the calls never overlap. Who must see the calls
    done waits with ``wait``."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._calls: deque[Callable[[], None]] = deque()
        self._idle = threading.Condition()
        self._unfinished = 0
        self._draining = False

    def put(self, call: Callable[[], None]) -> None:
        with self._idle:
            self._unfinished += 1
            self._calls.append(call)
            if self._draining:
                return  # the thread draining the queue takes it
            self._draining = True
        _WORKERS.run(self._drain, self._name)

    def _drain(self) -> None:
        while True:
            with self._idle:
                if not self._calls:
                    self._draining = False
                    return
                call = self._calls.popleft()
            try:
                call()
            finally:
                call = None  # nothing of the call stays with the thread
                with self._idle:
                    self._unfinished -= 1
                    if not self._unfinished:
                        self._idle.notify_all()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every call put so far has run; False when ``msecs`` (milliseconds; -1:
        no limit) passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._unfinished, None if msecs < 0 else msecs / 1000)


class LatestOnly:
    """Submit requests where only the newest matters: each one cancels the ones before it.

    Its queue (a _SerialThread) runs one request at a time: superseded requests still waiting
    are skipped and the work never runs concurrently with itself (so caches in ``fn`` need no
    locks).
    """

    def __init__(self, owner: QObject | None = None) -> None:
        self._owner = owner
        self._thread = _SerialThread("digest-desk-latest")
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
        job, call = _prepared(fn, args, kwargs, on_done, on_error, self._owner, on_progress, pass_cancel)
        self._current = job
        self._thread.put(call)
        return job

    def cancel(self) -> None:
        if self._current is not None:
            self._current.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every queued job has run (for shutdown and tests)."""
        return self._thread.wait(msecs)


class InOrder:
    """Runs submitted calls one at a time, in the order submitted (database writes that must not
    overtake each other: autosaves, drafts; the list's reads), through a _SerialThread on the
    daemon workers: a call a silent team server holds never keeps the program from ending.
    Closing waits a bounded time for the last saves and drafts (``wait``)."""

    def __init__(self, owner: QObject | None = None) -> None:
        self._owner = owner
        self._thread = _SerialThread("digest-desk-in-order")

    def submit(self, fn: Callable[..., Any], *args: Any, on_done: DoneCallback | None = None,
               on_error: ErrorCallback | None = None, on_progress: ProgressCallback | None = None,
               **kwargs: Any) -> Job:
        job, call = _prepared(fn, args, kwargs, on_done, on_error, self._owner, on_progress)
        self._thread.put(call)
        return job

    def wait(self, msecs: int = -1) -> bool:
        """Block until every submitted call has run (closing, tests)."""
        return self._thread.wait(msecs)
