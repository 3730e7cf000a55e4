"""Rendering many articles across processes (chunked), few articles in this process."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from digest_desk.export.articles import ArticleRenderer, init_worker, render_chunk
from digest_desk.export.errors import ExportCancelled
from digest_desk.store.engine import Store
from digest_desk.store.site import get_site

PARALLEL_FROM = 150  # below this many articles, starting processes costs more than it saves
CHUNK = 100
MAX_WORKERS = 2


def _workers() -> int:
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers fork from a clean single-threaded server, safe beside Qt threads.
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["digest_desk.export.articles"])
        return ctx
    return multiprocessing.get_context("spawn")


def render_articles(
    store: Store,
    root: Path,
    ids: Sequence[int],
    categories: list[str],
    *,
    fault: str | None,
    cancel: threading.Event,
    parallel: bool | None,
    progress: Callable[[int], None],
) -> Iterator[tuple[int, dict[str, str]]]:
    """Render both pages of every article in ``ids`` into ``root``; yields (id, files)."""
    if not ids:
        return
    use_pool = parallel if parallel is not None else (len(ids) >= PARALLEL_FROM and _workers() > 1)
    if use_pool:
        yield from _in_pool(store, root, ids, categories, fault, cancel, progress)
        return
    renderer = ArticleRenderer(store, root, get_site(store), categories, fault)
    done = 0
    for start in range(0, len(ids), 20):
        if cancel.is_set():
            raise ExportCancelled()
        results = renderer.render(ids[start : start + 20])
        done += len(results)
        yield from results
        progress(done)


def _in_pool(store, root, ids, categories, fault, cancel, progress):
    chunks = [list(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)]
    pool = ProcessPoolExecutor(
        max_workers=_workers(), mp_context=_context(), initializer=init_worker,
        initargs=(str(store.path), str(root), categories, fault),
    )
    pending: set[Future] = set()
    done = 0
    try:
        pending = {pool.submit(render_chunk, chunk) for chunk in chunks}
        while pending:
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if cancel.is_set():
                raise ExportCancelled()
            for future in finished:
                results = future.result()
                done += len(results)
                yield from results
            if finished:
                progress(done)
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
