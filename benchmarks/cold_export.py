"""Where a cold first export's time goes: ``python benchmarks/cold_export.py N [--profile DIR]``.

Two parts, on N realistic articles (benchmarks/export.py's generator) with an empty fragment cache:

1. Per article, the CPU time of each stage, run one after the other in this process: reading the
   store, parsing (Python-Markdown's convert alone, then our whole parse around it), making and
   writing the fragment entry, reading it back, filling both page templates, writing both files.
2. A real first export (worker processes, as the editor gets it), with each worker's timeline:
   when it started, when its first chunk began, how long it was busy, when it finished; and the
   parent's CPU time (the plan, listing pages, feed and sitemap it builds meanwhile).

``--profile DIR`` also writes cProfile statistics of every worker and of the parent into DIR.
``--warm`` then exports again into a new folder with the page cache off (the bodies parsed by
the first export: vs_hugo's "parsed bodies cached" column) and shows that export's timeline too
(with --profile: its parent into DIR/warm; the workers of both exports write DIR/worker-PID.prof).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from export import CACHE_ENV, generate  # noqa: E402 (benchmarks/export.py)

from digest_desk.export import articles as article_pages  # noqa: E402
from digest_desk.export import export_site, render_pool  # noqa: E402
from digest_desk.export.page_cache import PAGE_CACHE_ENV  # noqa: E402
from digest_desk.render import fragments, mdparse, pages  # noqa: E402
from digest_desk.store import open_store  # noqa: E402
from digest_desk.store.published import published_reader  # noqa: E402
from digest_desk.store.site import get_site  # noqa: E402

_TIMES: dict[str, float] = {}
_RESULTS = render_pool.ArticleBatch.results
_PROFILE: list[cProfile.Profile] = []


def _init(*args: object) -> None:
    """The worker initializer, timed (and profiled with --profile: PROFILE_DIR is set)."""
    _TIMES["start"] = time.time()
    article_pages.init_worker(*args)  # type: ignore[arg-type]
    _TIMES["ready"], _TIMES["busy"] = time.time(), 0.0
    if os.environ.get("COLD_PROFILE_DIR"):
        _PROFILE.append(cProfile.Profile())


def _chunk(ids: list[int]) -> tuple[list, dict[str, float]]:
    started = time.time()
    _TIMES.setdefault("first", started)
    if _PROFILE:
        _PROFILE[0].enable()
    try:
        done = article_pages.render_chunk(ids)
    finally:
        if _PROFILE:
            _PROFILE[0].disable()
            _PROFILE[0].dump_stats(Path(os.environ["COLD_PROFILE_DIR"]) / f"worker-{os.getpid()}.prof")
    _TIMES["busy"] += time.time() - started
    _TIMES["last"] = time.time()
    return done, {"pid": os.getpid(), **_TIMES}


class _Timeline:
    """Unwraps the timed chunks for the export and keeps each worker's latest times."""

    def __init__(self) -> None:
        self.workers: dict[int, dict[str, float]] = {}
        self._results = _RESULTS  # the pool's own, also when an earlier timeline was installed

    def install(self) -> None:
        original, workers = self._results, self.workers

        def results(batch: render_pool.ArticleBatch):  # noqa: ANN202 - a generator of chunks
            for item in original(batch):
                if isinstance(item, tuple):
                    done, times = item
                    workers[int(times["pid"])] = times
                    yield done
                else:
                    yield item
        render_pool.ArticleBatch.results = results  # type: ignore[method-assign]
        render_pool.init_worker, render_pool.render_chunk = _init, _chunk  # type: ignore[assignment]


def stages(store, root: Path, n: int) -> None:
    """Part 1: each stage over the same articles, CPU time per article."""
    clock = time.process_time
    with published_reader(store, datetime.now(UTC)) as reader:
        ids, categories = reader.published_ids_and_categories()
    ids = sorted(ids)[:n]
    renderer = article_pages.ArticleRenderer(store, root, get_site(store), categories)
    times: dict[str, float] = {}

    def timed(name: str, fn):  # noqa: ANN001, ANN202
        started = clock()
        out = fn()
        times[name] = (clock() - started) * 1000 / len(ids)
        return out

    arts = timed("store read", lambda: [a for i in range(0, len(ids), 100) for a in renderer.load(ids[i:i + 100])])
    mdparse.parse_body("Ready.")
    inside = [0.0]
    convert = mdparse._convert

    def counted(text: str):  # noqa: ANN202 - the blocks our fast path leaves to Python-Markdown
        began = clock()
        try:
            return convert(text)
        finally:
            inside[0] += clock() - began

    mdparse._convert = counted
    try:
        parsed = timed("markdown parse", lambda: [mdparse._parse(a.body) for a in arts])
    finally:
        mdparse._convert = convert
    times["  of which Python-Markdown's convert"] = inside[0] * 1000 / len(ids)
    records = timed("fragment entry made", lambda: [mdparse.to_record(p) for p in parsed])
    cache = fragments.shared()
    timed("fragment entry written", lambda: [cache.write(a.body, r) for a, r in zip(arts, records, strict=True)])
    timed("fragment entry read back", lambda: [mdparse.from_record(cache.get(a.body)) for a in arts])
    mdparse._CACHE.clear()
    htmls = timed("both templates (entry read included)",
                  lambda: [pages.both(a, renderer.site, renderer.ctx_standard, renderer.ctx_amp) for a in arts])
    timed("both files written", lambda: [
        (renderer.writer.write(f"{a.slug}/index.html", s.encode()), renderer.writer.write(f"{a.slug}/amp/index.html", m.encode()))
        for a, (s, m) in zip(arts, htmls, strict=True)])
    print(f"CPU time per article over {len(ids)} articles (one process, stage by stage):")
    for name, ms in times.items():
        print(f"  {name:52s} {ms:6.3f} ms")


def export_timeline(store, out: Path, profile: Path | None, label: str = "first export") -> None:
    """Part 2: a real first export with the workers' timeline and the parent's CPU time."""
    timeline = _Timeline()
    timeline.install()
    parent = cProfile.Profile() if profile else None
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.time()
    if parent:
        parent.enable()
    report = export_site(store, out, parallel=True)
    if parent:
        parent.disable()
        parent.dump_stats(profile / "parent.prof")
    after = resource.getrusage(resource.RUSAGE_SELF)
    parent_cpu = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    print(f"{label}: {report.seconds:.2f} s wall; parent CPU {parent_cpu:.2f} s")
    for pid, t in sorted(timeline.workers.items()):
        print(f"  worker {pid}: started {t['start'] - started:5.2f} s, ready {t['ready'] - started:5.2f} s, "
              f"first chunk {t['first'] - started:5.2f} s, busy {t['busy']:6.2f} s, "
              f"last chunk done {t['last'] - started:6.2f} s (idle tail {report.seconds - (t['last'] - started):.2f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--profile", type=Path, help="write cProfile statistics (worker-PID.prof, parent.prof) here")
    parser.add_argument("--warm", action="store_true", help="also time an export with the bodies parsed, pages not cached")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dd-cold-"))
    try:
        store = open_store(work / "bench.sqlite3")
        generate(store, args.n)
        os.environ[CACHE_ENV] = str(work / "cache-stages")
        (work / "stages").mkdir()
        stages(store, work / "stages", args.n)
        os.environ[CACHE_ENV] = str(work / "cache-export")
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            os.environ["COLD_PROFILE_DIR"] = str(args.profile.resolve())
        export_timeline(store, work / "out", args.profile)
        if args.warm:
            os.environ[PAGE_CACHE_ENV] = "off"
            warm_profile = args.profile / "warm" if args.profile else None
            if warm_profile:
                warm_profile.mkdir(exist_ok=True)
            export_timeline(store, work / "out-warm", warm_profile,
                            "new folder, bodies parsed (fragment cache warm), page cache off")
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
