"""Rendering many articles across processes (chunked), few articles in this process."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from datetime import datetime
from pathlib import Path

from digest_desk.export.articles import ArticleRenderer, init_worker, render_chunk
from digest_desk.export.errors import ExportCancelled
from digest_desk.export.page_cache import PAGE_CACHE_ENV
from digest_desk.render.fragments import CACHE_ENV
from digest_desk.store.engine import Store
from digest_desk.store.site import get_site

PARALLEL_FROM = 150  # below this many articles, starting processes costs more than it saves
CHUNK = 100  # articles per task at most: results flow back (and progress moves) chunk by chunk
MIN_CHUNK = 8  # the smallest task: each costs a query and a round trip
MAX_WORKERS = 2

Result = tuple[int, dict[str, str], list[str]]


def _workers() -> int:
    # The frozen bundle too: its launcher (packaging/entry.py) calls freeze_support first.
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers fork from a clean single-threaded server, safe beside Qt threads.
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["digest_desk.export.worker_preload"])
        return ctx
    return multiprocessing.get_context("spawn")


def chunked(ids: Sequence[int], workers: int) -> list[list[int]]:
    """The ids as tasks that shrink toward the end (each a fraction of what is left), so the
    workers run out of work together: with equal chunks of 100 one worker could render the
    last chunk alone while the other core idles (a tenth of a 1,000-article export)."""
    out: list[list[int]] = []
    start = 0
    while start < len(ids):
        size = max(MIN_CHUNK, min(CHUNK, (len(ids) - start) // (4 * workers)))
        out.append(list(ids[start : start + size]))
        start += size
    return out


class ArticleBatch:
    """Renders both pages of the given articles into ``root``.

    With a pool, every chunk is submitted at construction so the workers run while the caller
    builds the site pages; ``results()`` then yields (id, files, written) as chunks finish.
    """

    def __init__(self, store: Store, root: Path, ids: Sequence[int], categories: list[str], *,
                 fault: str | None, known: Mapping[str, str], cancel: threading.Event,
                 parallel: bool | None, now: datetime | None = None) -> None:
        self.store, self.root, self.ids, self.now = store, root, list(ids), now
        self.categories, self.fault, self.known, self.cancel = categories, fault, known, cancel
        use_pool = parallel if parallel is not None else (len(ids) >= PARALLEL_FROM and _workers() > 1)
        self.use_pool = bool(use_pool and self.ids)
        self.pool: ProcessPoolExecutor | None = None
        self.pending: set[Future] = set()
        self._starter: threading.Thread | None = None
        self._start_error: BaseException | None = None
        if self.use_pool:
            _LIVE.add(self)
            # Starting the processes waits until the fork server has imported the renderer
            # (0.5-0.8 s); a thread does the waiting, so the caller goes on meanwhile.
            self._starter = threading.Thread(target=self._start_pool, name="export-pool", daemon=True)
            self._starter.start()

    def _start_pool(self) -> None:
        try:
            self.pool = ProcessPoolExecutor(
                max_workers=_workers(), mp_context=_context(), initializer=init_worker,
                initargs=(self.store.target, str(self.root), self.categories, self.fault, dict(self.known),
                          self.now, self.store.password, os.environ.get(CACHE_ENV),
                          os.environ.get(PAGE_CACHE_ENV)),
            )
            self.pending = {self.pool.submit(render_chunk, chunk) for chunk in chunked(self.ids, _workers())}
            if self.cancel.is_set():  # stopped (stop_all) while the pool started
                _stop_workers(self.pool)
        except BaseException as exc:  # raised again by results()
            self._start_error = exc

    def _join_starter(self) -> None:
        if self._starter is not None:
            self._starter.join()
            self._starter = None

    def results(self) -> Iterator[list[Result]]:
        """Yields the results chunk by chunk; raises ExportCancelled when cancelled."""
        if not self.use_pool:
            yield from self._serial()
            return
        self._join_starter()
        if self._start_error is not None:
            raise self._start_error
        while self.pending:
            finished, self.pending = wait(self.pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if self.cancel.is_set():
                raise ExportCancelled()
            for future in finished:
                yield future.result()

    def _serial(self) -> Iterator[list[Result]]:
        if not self.ids:
            return
        renderer = ArticleRenderer(self.store, self.root, get_site(self.store), self.categories,
                                   self.fault, self.known, self.now,
                                   only=self.ids if len(self.ids) <= PARALLEL_FROM else None)
        for start in range(0, len(self.ids), 20):
            if self.cancel.is_set():
                raise ExportCancelled()
            yield renderer.render(self.ids[start : start + 20])

    def close(self) -> None:
        """Stop the pool. Work left undone (the export was cancelled or failed) is not waited
        for: its workers are stopped, as one may wait on a team server that went silent."""
        self._join_starter()
        unfinished = any(not future.done() for future in self.pending)
        for future in self.pending:
            future.cancel()
        if self.pool is not None:
            if unfinished:
                _stop_workers(self.pool)
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        _LIVE.discard(self)


# The batches whose pools may still run, for stop_all.
_LIVE: weakref.WeakSet[ArticleBatch] = weakref.WeakSet()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's worker processes now. What they were doing is thrown away: their pages
    go to the export's working folder (removed with it) and the caches, whose entries are
    written whole (renamed in, or in one transaction) or not at all."""
    stop = getattr(pool, "terminate_workers", None)  # Python 3.14
    if stop is not None:
        with contextlib.suppress(Exception):
            stop()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()


def stop_all() -> None:
    """Cancel every export of this process that has worker processes and end those now: the
    program is ending without waiting for the export (Python waits at exit for a pool's
    workers, which a silent team server can hold for minutes). The previous export is as it
    was; the working folder left beside it is removed by the next export."""
    for batch in list(_LIVE):
        batch.cancel.set()
        pool = batch.pool
        if pool is not None:
            _stop_workers(pool)
