"""Rendering bodies ahead of the export: the fragment cache filled by idle processes after an import.

An import brings thousands of bodies no preview has parsed; the first export would parse them all
while the editor waits. A ``Warmer`` hands their ids, in batches, to processes that run only when
the machine is otherwise idle (SCHED_IDLE on Linux, else the lowest nice), each reading the bodies
and parsing the ones the cache does not hold yet (render/fragments.py). Entries are written atomically, so a warmer
stopped at any moment (Ctrl-C, the program quitting) leaves only whole entries behind, and an
export that starts meanwhile parses what is still missing itself.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from digest_desk.render import fragments, mdparse
from digest_desk.render.fragments import CACHE_ENV
from digest_desk.store.changelog import Mark, changes_since, current_mark
from digest_desk.store.engine import Store, attach
from digest_desk.store.published import published_reader

BATCH = 100  # articles per task
HOLD_BACK = 100  # the newest ids wait: an import commits every 100 articles, they may not be readable yet
INLINE_UP_TO = 500  # fewer articles than this are parsed here at the end (half a second): starting
# the processes costs about as much, and with so few of them there is little import to overlap


def warm_bodies(bodies: Iterable[str]) -> int:
    """Parse every body the fragment cache lacks (the parse writes its entry); how many were parsed."""
    cache = fragments.shared()
    if cache is None:
        return 0
    parsed = 0
    for body in bodies:
        if body and not cache.has(body):
            mdparse.parse_body(body)
            parsed += 1
    return parsed


def _idle_priority() -> None:
    """This process (or thread, on Linux) runs only when nothing else wants the processor."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # type: ignore[attr-defined]
        return
    except (AttributeError, OSError):
        pass
    try:
        os.nice(19)
    except (AttributeError, OSError):
        pass


_WORKER_STORE: list[Store] = []  # a worker process's own connection to the store


def _init_worker(cache_setting: str | None, target: str, password: str | None) -> None:
    """A worker process: the caller's cache folder (the fork server keeps the environment it
    started with), its own connection to the store, then idle priority."""
    if cache_setting is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = cache_setting
    _WORKER_STORE.append(attach(target, password))
    _idle_priority()


def _warm_ids(store: Store, ids: list[int]) -> tuple[int, int, list[int]]:
    """Read these articles' bodies and parse the ones the cache lacks: (bodies read, parsed,
    ids not found: not committed yet, or gone)."""
    with published_reader(store) as reader:
        articles = reader.articles(ids)
    found = {a.id for a in articles}
    bodies = [a.body for a in articles if a.body]
    return len(bodies), warm_bodies(bodies), [i for i in ids if i not in found]


def _warm_in_worker(ids: list[int]) -> tuple[int, int, list[int]]:
    return _warm_ids(_WORKER_STORE[0], ids)


@dataclass(slots=True)
class WarmReport:
    bodies: int = 0  # read by the warmer
    parsed: int = 0  # not in the cache before
    seconds: float = 0.0  # from the first batch to the last entry written
    cancelled: bool = False
    failed: int = 0  # batches a worker could not finish (the export parses what they left)


class Warmer:
    """Fills the fragment cache with the bodies of the articles ``add``-ed, in the background.

    ``add`` returns at once: it hands ids over, and the workers read the bodies themselves, so
    the caller (an import) spends nothing on them. ``finish`` waits for the workers; ``close``
    drops what has not started and never waits. Without a cache (DIGEST_DESK_FRAGMENT_CACHE=off)
    it does nothing.
    """

    def __init__(self, store: Store, workers: int | None = None, *, inline_up_to: int = INLINE_UP_TO,
                 batch: int = BATCH) -> None:
        """``inline_up_to=0``: never parse in this process (the window's: its threads share
        the interpreter lock with the one that paints); ``batch``: articles per task, which is
        also the most a worker finishes after ``close`` (at idle priority)."""
        from digest_desk.export.render_pool import _workers

        self.store = store
        self.report = WarmReport()
        self._ids: list[int] = []
        self._futures: list[Future[tuple[int, int, list[int]]]] = []
        self._started: float | None = None
        self._workers = workers or _workers()
        self._pool: Executor | None = None
        self._enabled = fragments.shared() is not None
        self._inline_up_to, self._batch = inline_up_to, batch

    @property
    def enabled(self) -> bool:
        """False without a fragment cache, or after a failure: ``add`` then does nothing."""
        return self._enabled

    def _executor(self) -> Executor:
        if self._pool is None:
            from digest_desk.export.render_pool import _context

            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=_context(), initializer=_init_worker,
                initargs=(os.environ.get(CACHE_ENV), self.store.target, self.store.password))
        return self._pool

    def add(self, ids: Iterable[int]) -> None:
        """Queue these articles; batches old enough to be committed go to the workers now."""
        if not self._enabled:
            return
        self._ids.extend(ids)
        if not self._futures and len(self._ids) < self._inline_up_to:
            return  # maybe few enough for this process (finish)
        while len(self._ids) >= self._batch + HOLD_BACK:
            batch, self._ids = self._ids[:self._batch], self._ids[self._batch:]
            self._submit(batch)

    def _submit(self, ids: list[int]) -> None:
        """Hand ``ids`` to a worker. Rendering ahead never fails what it follows (an import): on
        any error it stops, and the export parses what it finds missing."""
        if self._started is None:
            self._started = time.perf_counter()
        try:
            self._futures.append(self._executor().submit(_warm_in_worker, ids))
        except Exception:  # noqa: BLE001 - see above
            self._give_up()

    def _give_up(self) -> None:
        self.report.failed += 1
        self._enabled = False
        self._ids = []
        self.close()

    def finish(self, cancel: threading.Event | None = None) -> WarmReport:
        """Hand over what is left and wait until every body is parsed (or ``cancel`` is set).
        Ids a worker could not read yet (the import had not committed them) go round once more."""
        completed = False
        try:
            if not self._enabled:
                return self.report
            if self._pool is None and not self._futures and len(self._ids) < self._inline_up_to:
                return self._inline(cancel)
            for again in (True, False):
                while self._ids:
                    batch, self._ids = self._ids[:self._batch], self._ids[self._batch:]
                    self._submit(batch)
                if not self._wait(cancel, collect=again):
                    return self.report
            completed = True
            if self._started is not None:
                self.report.seconds = time.perf_counter() - self._started
            return self.report
        finally:
            self.close(block=completed)

    def _wait(self, cancel: threading.Event | None, collect: bool) -> bool:
        """Wait for the tasks handed over; False when cancelled. ``collect``: queue the ids they
        did not find for another round."""
        pending, self._futures = set(self._futures), []
        while pending:
            done, pending = wait(pending, timeout=0.2)
            for future in done:
                if future.cancelled() or future.exception() is not None:
                    self.report.failed += 1  # a worker that failed: the export parses what it left
                    continue
                bodies, parsed, missing = future.result()
                self.report.bodies += bodies
                self.report.parsed += parsed
                if collect:
                    self._ids.extend(missing)
            if cancel is not None and cancel.is_set():
                self.report.cancelled = True
                self._futures = list(pending)  # for close to drop
                return False
        return True

    def _inline(self, cancel: threading.Event | None) -> WarmReport:
        """A few articles: read and parsed in this thread (a few milliseconds each)."""
        ids, self._ids = self._ids, []
        if not ids or (cancel is not None and cancel.is_set()):
            return self.report
        started = time.perf_counter()
        try:
            bodies, parsed, _ = _warm_ids(self.store, ids)
        except Exception:  # noqa: BLE001 - as in _submit: the export parses what is missing
            return self.report
        self.report.bodies, self.report.parsed = self.report.bodies + bodies, self.report.parsed + parsed
        self.report.seconds = time.perf_counter() - started
        return self.report

    def close(self, block: bool = False) -> None:
        """Stop: batches not started are dropped; a running one ends with its batch (its
        entries are whole files whenever it stops)."""
        pool, self._pool = self._pool, None
        # Cancelled here, not only by shutdown: the pool's own cancelling needs the executor
        # alive, and without a waiting caller it is gone at once (its queue then runs to the end).
        for future in self._futures:
            future.cancel()
        self._futures = []
        if pool is not None:
            pool.shutdown(wait=block, cancel_futures=True)


def render_ahead(store: Store, ids: Iterable[int], *, in_window: bool = False) -> WarmReport:
    """Parse the bodies of these articles into the fragment cache now (a batch command or dialog
    changed them: the next export then finds them parsed); many go to idle worker processes.
    ``in_window``: every body goes to an idle worker process, in small batches, so the window
    never waits for one (call it on a detached thread: ``ui.tasks.run_detached``)."""
    warmer = Warmer(store, inline_up_to=0, batch=20) if in_window else Warmer(store)
    warmer.add(ids)
    return warmer.finish()


ARCHIVE_MOST = 20_000  # the newest articles the window keeps parsed ahead: about 100 MB of
# entries, a fifth of the cache's cap, so keeping them never pushes out what previews wrote


def archive_to_render(store: Store, done: Mark | None,
                      most: int = ARCHIVE_MOST) -> tuple[list[int], Mark | None]:
    """The articles to parse ahead for the next export, and where the change log stands for
    this read. After ``done`` (the mark of a finished run on this same store), only those
    stamped since; otherwise (a first run, another store or a restored backup, or more changes
    than ``most``) the newest ``most`` published ones."""
    with published_reader(store) as reader:
        mark = current_mark(reader)
        if done is not None and mark is not None and done.identity == mark.identity \
                and done.engine == mark.engine and done.since <= mark.since:
            changes = changes_since(reader, done.since, most)
            if changes is not None:
                return [c.article_id for c in changes], mark
        ids, _ = reader.published_ids_and_categories()
        return ids[::-1][:most], mark


def render_archive_ahead(store: Store, done: Mark | None, cancel: threading.Event) -> Mark | None:
    """Parse ahead (idle worker processes, batches of 20) what ``archive_to_render`` names; the
    mark to remember when every batch ran, else ``done`` (stopped, or a batch failed: the next
    run tries again)."""
    ids, mark = archive_to_render(store, done)
    warmer = Warmer(store, inline_up_to=0, batch=20)
    if not warmer.enabled:
        return done
    warmer.add(ids)
    report = warmer.finish(cancel)
    return done if report.cancelled or report.failed or cancel.is_set() else mark
