"""The background helper: work runs off the UI thread, results and errors come back on it."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QObject

from digest_desk.ui.tasks import LatestOnly, run_in_background


def test_result_arrives_on_the_ui_thread(qtbot):
    seen: dict[str, object] = {}

    def work(a: int, b: int) -> int:
        seen["worker"] = threading.current_thread()
        return a + b

    def done(value: int) -> None:
        seen["value"] = value
        seen["deliverer"] = threading.current_thread()

    job = run_in_background(work, 2, 3, on_done=done)
    qtbot.waitUntil(lambda: "value" in seen, timeout=5000)
    assert seen["value"] == 5 and job.result == 5
    assert seen["worker"] is not threading.main_thread()
    assert seen["deliverer"] is threading.main_thread()


def test_exception_arrives_on_error_callback(qtbot):
    errors: list[BaseException] = []

    def boom() -> None:
        raise ValueError("bad markdown")

    run_in_background(boom, on_done=lambda _v: errors.append(AssertionError("no")),
                      on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError) and str(errors[0]) == "bad markdown"


def test_ui_thread_keeps_running_while_work_is_busy(qtbot):
    got: list[float] = []
    job = run_in_background(time.sleep, 0.4, on_done=lambda _v: got.append(1.0))
    ticks = 0
    while not job.done.is_set():
        qtbot.wait(20)  # the event loop turns while the worker sleeps
        ticks += 1
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert ticks >= 5


def test_latest_only_delivers_just_the_newest(qtbot):
    owner = QObject()
    latest = LatestOnly(owner)
    delivered: list[int] = []
    gate = threading.Event()

    def slow(n: int) -> int:
        gate.wait(5)
        return n

    for n in range(5):
        latest.submit(slow, n, on_done=delivered.append)
    gate.set()
    latest.wait(5000)
    qtbot.wait(100)
    assert delivered == [4]


def test_cancel_flag_reaches_long_work(qtbot):
    started = threading.Event()
    stopped: list[bool] = []

    def long_work(cancel: threading.Event) -> str:
        started.set()
        stopped.append(cancel.wait(5))
        return "late"

    results: list[str] = []
    job = run_in_background(long_work, on_done=results.append, pass_cancel=True)
    assert started.wait(5)
    job.cancel()
    qtbot.waitUntil(job.done.is_set, timeout=5000)
    qtbot.wait(100)
    assert stopped == [True] and results == []  # stopped early and delivered nothing


def test_nothing_is_delivered_to_a_destroyed_owner(qtbot):
    owner = QObject()
    gate = threading.Event()
    results: list[int] = []
    job = run_in_background(lambda: gate.wait(5) and 1, on_done=results.append, owner=owner)
    owner.deleteLater()
    qtbot.wait(50)
    gate.set()
    qtbot.waitUntil(job.done.is_set, timeout=5000)
    qtbot.wait(100)
    assert results == []


def test_progress_arrives_in_order_before_the_result(qtbot):
    events: list[object] = []

    def counting(n: int, progress) -> str:
        for i in range(n):
            progress(i)
        return "done"

    run_in_background(counting, 4, on_progress=events.append, on_done=events.append)
    qtbot.waitUntil(lambda: "done" in events, timeout=5000)
    assert events == [0, 1, 2, 3, "done"]


def test_in_order_runs_one_call_at_a_time_in_submission_order(qtbot):
    from digest_desk.ui.tasks import InOrder

    owner = QObject()
    worker = InOrder(owner)
    ran: list[int] = []
    delivered: list[int] = []
    busy = threading.Lock()

    def step(n: int) -> int:
        assert busy.acquire(blocking=False)  # never two at once
        time.sleep(0.01)
        ran.append(n)
        busy.release()
        return n

    for n in range(8):
        worker.submit(step, n, on_done=delivered.append)
    qtbot.waitUntil(lambda: len(delivered) == 8, timeout=5000)
    assert ran == list(range(8)) and delivered == list(range(8))


def test_a_taken_outcome_is_not_delivered_again(qtbot):
    from digest_desk.ui.tasks import InOrder

    owner = QObject()
    worker = InOrder(owner)
    delivered: list[object] = []
    job = worker.submit(lambda: 42, on_done=delivered.append)
    assert job.take(5) == 42
    failing = worker.submit(lambda: 1 / 0, on_error=delivered.append)
    with pytest.raises(ZeroDivisionError):
        failing.take(5)
    worker.submit(lambda: "not taken", on_done=delivered.append)
    qtbot.waitUntil(lambda: delivered == ["not taken"], timeout=5000)


@pytest.mark.parametrize("first", [False, True])
def test_work_started_from_a_worker_thread_delivers_on_the_ui_thread(qtbot, monkeypatch, first):
    """A preview job asks the store for a picture through run_detached from a pool thread: its
    outcome must still arrive on the UI thread, also when that is the first background call of
    the program (the way back to the UI thread is then made on the worker and moved there: Qt
    refuses it the application as parent)."""
    from PySide6.QtCore import qInstallMessageHandler

    from digest_desk.ui import tasks
    from digest_desk.ui.tasks import run_detached

    if first:
        monkeypatch.setattr(tasks, "_DISPATCHER", [])

    warnings: list[str] = []
    seen: dict[str, object] = {}
    previous = qInstallMessageHandler(lambda _mode, _ctx, text: warnings.append(text))
    try:
        def start() -> None:
            run_detached(lambda: 7, on_done=lambda value: seen.update(value=value, by=threading.current_thread()))

        starter = threading.Thread(target=start)
        starter.start()
        starter.join()
        qtbot.waitUntil(lambda: "value" in seen, timeout=5000)
    finally:
        qInstallMessageHandler(previous)
    assert seen["value"] == 7 and seen["by"] is threading.main_thread()
    assert not [w for w in warnings if "different thread" in w]


def test_worker_threads_end_when_idle_and_the_next_call_starts_one(qtbot, monkeypatch):
    """Serial workers and detached calls run on shared daemon threads, which end after
    IDLE_THREAD_S without work (windows come and go in one process: threads must not pile up)."""
    from digest_desk.ui import tasks

    monkeypatch.setattr(tasks, "IDLE_THREAD_S", 0.05)
    monkeypatch.setattr(tasks, "_WORKERS", tasks._Workers())
    worker = tasks.InOrder(QObject())
    threads: list[threading.Thread] = []
    worker.submit(lambda: threads.append(threading.current_thread()))
    assert worker.wait(5000)
    qtbot.waitUntil(lambda: not threads[0].is_alive(), timeout=5000)
    worker.submit(lambda: threads.append(threading.current_thread()))
    assert worker.wait(5000)
    assert threads[1] is not threads[0] and all(t.daemon for t in threads)


def test_serial_workers_share_threads_and_a_held_call_holds_only_its_own(qtbot, monkeypatch):
    """Serial workers (a dozen per window) run on threads that stay for the next calls, of
    these workers or of new ones (windows come and go), instead of a thread each that ends;
    a call held by a silent server holds one thread: the others' calls still run."""
    from digest_desk.ui import tasks

    monkeypatch.setattr(tasks, "_WORKERS", tasks._Workers())
    owner = QObject()
    held, release = threading.Event(), threading.Event()
    stuck = tasks.InOrder(owner)
    stuck.submit(lambda: (held.set(), release.wait(10)))
    assert held.wait(5)
    seen: set[threading.Thread] = set()
    started: list[int] = []
    try:
        for _ in range(4):  # a window's dozen workers, four windows one after the other
            workers = [tasks.InOrder(QObject()) for _ in range(12)]
            for worker in workers:
                worker.submit(lambda: seen.add(threading.current_thread()))
            assert all(worker.wait(5000) for worker in workers)
            started.append(tasks._WORKERS._started)
        # At most one thread per call running at once (a window's dozen and the held one),
        # not a thread for each of the 48 workers.
        assert started[-1] <= 13 and len(seen) <= 12
        assert not stuck.wait(0)  # still held
    finally:
        release.set()
    assert stuck.wait(5000)


class _Traced:
    """Records the thread that lets go of it last (where its destructor runs)."""

    def __init__(self, freed: list[threading.Thread]) -> None:
        self._freed = freed

    def __del__(self) -> None:
        self._freed.append(threading.current_thread())


@pytest.mark.parametrize("kind", ["in_order", "latest_only", "pool", "detached"])
def test_what_the_work_held_is_let_go_of_on_the_ui_thread(qtbot, kind):
    """A window's objects reach background work through its function, arguments and callbacks.
    The worker must never drop the last reference to them: a widget freed on a worker thread
    is deleted there, which crashes Qt. Everything is let go of on the UI thread once the
    outcome is delivered, also when nobody holds the job any more."""
    from digest_desk.ui import tasks

    freed: list[threading.Thread] = []
    delivered: list[int] = []
    owner = QObject()
    in_order, latest = tasks.InOrder(owner), LatestOnly(owner)

    def submit() -> None:
        held, argument, callback = _Traced(freed), _Traced(freed), _Traced(freed)

        def work(thing: _Traced) -> int:
            assert thing is argument and held is not None
            return 1

        def done(value: int) -> None:
            assert callback is not None
            delivered.append(value)

        if kind == "in_order":
            in_order.submit(work, argument, on_done=done)
        elif kind == "latest_only":
            latest.submit(work, argument, on_done=done)
        elif kind == "pool":
            run_in_background(work, argument, on_done=done)
        else:
            tasks.run_detached(work, argument, on_done=done)

    submit()  # the job is not kept: only the worker and the relay hold the work now
    qtbot.waitUntil(lambda: delivered == [1], timeout=5000)
    qtbot.waitUntil(lambda: len(freed) == 3, timeout=5000)
    assert all(thread is threading.main_thread() for thread in freed)
