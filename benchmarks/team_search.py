"""Search and list speed at 100,000 articles on SQLite and PostgreSQL; prints numbers.

For each engine: search median / p95 over a mix of queries (rare, common, prefix, phrase,
``-word``, accents; targets median < 10 ms, p95 < 50 ms), the first page of the article list as
the window reads it (count + first page; target < 50 ms), and opening the window until the list
shows its first rows, at 100,000 articles against 1,000 (a fresh process each time). Searches
also print this process's CPU time and, on a throwaway cluster, the server's CPU per search: on a
shared machine they show a change better than the wall clock.

Run by hand from a checkout:
    python benchmarks/team_search.py [--articles 100000] [--small 1000] [--engines sqlite,postgresql]
                                     [--pg URL]   (default: a throwaway cluster, as the tests start)
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]  # a benchmark script run by hand from a checkout

SYLLABLES = ["ka", "lo", "ri", "men", "tor", "sa", "vel", "dun", "pra", "es", "mo", "lin", "ga"]
COMMON = ["news", "report", "city", "council", "today", "people", "year", "plan", "said", "new"]
ACCENTED = ["café", "Zürich", "crème", "São Paulo", "naïve", "Ångström"]
QUERIES = ["zanzibarite", "quorvex", "news", "report said", "city", "repo*", "coun*", "kalo*",
           '"city council"', '"harbour cranes"', "council -plan", "news -report -city", "cafe",
           "zurich", "creme brulee", "sao paulo", "ka*", "people year plan"]
PAGE = 400  # as ui/article_list.py reads


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def rows(count: int, seed: int = 7):
    """Article rows as the table holds them, generated quickly (Zipf-like words)."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rare = ["zanzibarite", "quorvex"]

    def text(n: int) -> str:
        words = rng.choices(vocab, cum_weights=weights, k=n)
        for _ in range(3):
            words.insert(rng.randrange(len(words)), rng.choice(COMMON))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), "city council")
        if rng.random() < 0.05:
            words.insert(rng.randrange(len(words)), rng.choice(ACCENTED) + " crème brûlée")
        return " ".join(words)

    for i in range(count):
        when = start + timedelta(minutes=7 * i)
        body = text(rng.randint(80, 200))
        if i % 9973 == 0:
            body += " " + rare[(i // 9973) % 2]
        if i % 25_000 == 0:
            body += " the harbour cranes moved again"
        yield {"title": text(6), "slug": f"a-{i}", "slug_key": f"a-{i}", "summary": text(15),
               "body": body, "author": "Desk", "category": ("Economy", "Sports", "Culture")[i % 3],
               "tags": [], "status": ("published", "draft", "ready")[i % 3], "published_at": when,
               "updated_at": when, "created_at": when, "image_alt": "", "version": 1}


def build(target: str | Path, count: int) -> float:
    """A migrated database filled by bulk inserts; returns seconds."""
    from digest_desk.domain import Article
    from digest_desk.store import open_store

    store = open_store(target)
    table = Article.__table__
    started = time.perf_counter()
    batch: list[dict] = []
    with store.connect() as conn:
        for row in rows(count):
            batch.append(row)
            if len(batch) == 2000:
                conn.execute(table.insert(), batch)
                batch.clear()
        if batch:
            conn.execute(table.insert(), batch)
        conn.commit()
    store.close()
    if "://" in str(target):  # planner statistics, as autovacuum makes them on a live server
        from tests import pg_server

        with pg_server._admin(target) as raw:
            raw.execute("VACUUM ANALYZE article")
    return time.perf_counter() - started


CPU: list[float] = []  # this process's CPU ms of the timings since the last report


def timings(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock ms of each run; the CPU ms this process spent go to CPU (on a machine shared
    with other work, SQLite's CPU time shows the cost better than the wall clock)."""
    out = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
        CPU.append((time.process_time() - cpu) * 1000.0)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def report(label: str, values: list[float], target: str = "", server_ms: float | None = None) -> None:
    cpu = f"   cpu here: median {statistics.median(CPU):6.2f} p95 {p95(CPU):6.2f}" if CPU else ""
    if server_ms is not None:
        cpu += f", server's: mean {server_ms:6.2f}"
    CPU.clear()
    print(f"  {label:<38} median {statistics.median(values):7.2f} ms   p95 {p95(values):7.2f} ms"
          f"   max {max(values):7.2f} ms{cpu}  {target}", flush=True)


def cluster_cpu(cluster) -> Callable[[], float]:
    """CPU seconds used so far by a local cluster's processes (the server's share of a search,
    which the wall clock of a shared machine hides)."""
    tick = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        total = 0
        for pid in cluster._processes():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # a backend that ended meanwhile
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    return used


def per_search(server_cpu: Callable[[], float] | None, since: float | None, searches: int) -> float | None:
    """The server's CPU ms per search since ``since`` (None without a local cluster)."""
    if server_cpu is None or since is None:
        return None
    return (server_cpu() - since) * 1000.0 / searches


def slowest(store, per_query: dict[str, list[float]], count: int = 3) -> None:
    """The slowest queries (median ms) and how each found its newest matches (when told)."""
    try:
        from digest_desk.store.search import newest_plan
    except ImportError:  # older trees
        def newest_plan(_store, _query):
            return "?"
    ranked = sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1]))[:count]
    print("    slowest: " + ", ".join(f"{q!r} {statistics.median(t):.1f} ms ({newest_plan(store, q)})"
                                      for q, t in ranked), flush=True)


def measure_store(target: str | Path, server_cpu: Callable[[], float] | None = None) -> None:
    from digest_desk.store import open_store
    from digest_desk.store.articles import count_articles, list_articles
    from digest_desk.store.search import search

    store = open_store(target, create=False)
    try:  # what the article list asks since it needs no snippets (older trees: the full search)
        from digest_desk.store.search import search_ids as list_search
    except ImportError:
        list_search = search
    for query in QUERIES:  # warm caches as a running window has them
        list_search(store, query, 500)
        search(store, query)
    since = server_cpu() if server_cpu else None
    per_query = {q: timings(lambda q=q: list_search(store, q, 500), 5) for q in QUERIES}
    everything = [t for ts in per_query.values() for t in ts]
    report(f"list search ({list_search.__name__}, 500)", everything, "target: median < 10, p95 < 50",
           per_search(server_cpu, since, len(everything)))
    slowest(store, per_query)
    since = server_cpu() if server_cpu else None
    per_query = {q: timings(lambda q=q: search(store, q), 5) for q in QUERIES}
    everything = [t for ts in per_query.values() for t in ts]
    report("search with snippets (20)", everything, "target: median < 10, p95 < 50",
           per_search(server_cpu, since, len(everything)))
    slowest(store, per_query)

    def first_page(**filters) -> None:
        count_articles(store, **filters)
        list_articles(store, offset=0, limit=PAGE, **filters)

    report("list: count + first page", timings(first_page, 20), "target: < 50")
    report("list: count + first page, published", timings(lambda: first_page(status="published"), 20))
    report("list: count + first page, a category", timings(lambda: first_page(category="Sports"), 20))
    middle = count_articles(store) // 2
    report("list: a page in the middle", timings(
        lambda: list_articles(store, offset=middle, limit=PAGE), 10))
    store.close()


OPEN_WINDOW = r"""
import sys, time
start = time.perf_counter()
from digest_desk.app import create_window, make_application
from digest_desk.store import open_store
app = make_application(["bench"])
window = create_window(open_store(sys.argv[1]))
window.show()
shown = time.perf_counter()
model = window.list_panel.model
while model.rowCount() == 0 or model.row_at(0) is None:
    app.processEvents()
    time.sleep(0.001)
listed = time.perf_counter()
print(f"times {(shown - start) * 1000:.1f} {(listed - start) * 1000:.1f} {(listed - shown) * 1000:.1f}",
      flush=True)
"""


def open_window(target: str | Path, runs: int = 3) -> tuple[float, float, float]:
    """Medians (ms) in a fresh process: to the window shown, to the list's first rows, and the
    list's share after the window showed."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    found: list[tuple[float, ...]] = []
    for _ in range(runs):
        proc = subprocess.Popen([sys.executable, "-c", OPEN_WINDOW, str(target)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            for line in proc.stdout:
                if line.startswith("times"):
                    found.append(tuple(float(x) for x in line.split()[1:]))
                    break
        finally:
            proc.kill()
            proc.wait()
    return tuple(statistics.median(x[i] for x in found) for i in range(3))  # type: ignore[return-value]


def list_model(target: str | Path, runs: int = 5) -> tuple[float, float]:
    """Medians (ms) of wall clock and of this process's CPU (all threads) from a new article
    list panel to its first rows shown, in this process (no start-up noise)."""
    from PySide6.QtWidgets import QApplication

    from digest_desk.store import open_store
    from digest_desk.ui.article_list import ArticleListPanel

    app = QApplication.instance() or QApplication(["bench"])
    store = open_store(target, create=False)
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        panel = ArticleListPanel(store)
        model = panel.model
        while model.rowCount() == 0 or model.row_at(0) is None:
            app.processEvents()
            time.sleep(0.0005)
        walls.append((time.perf_counter() - start) * 1000.0)
        cpus.append((time.process_time() - cpu) * 1000.0)
        model.wait()
        panel.deleteLater()
        app.processEvents()
    store.close()
    return statistics.median(walls), statistics.median(cpus)


def run_engine(name: str, make_target: Callable[[str], str | Path], big: int, small: int,
               server_cpu: Callable[[], float] | None = None) -> None:
    print(f"\n== {name} ==", flush=True)
    targets = {}
    for count in (small, big):
        target = make_target(f"n{count}")
        seconds = build(target, count)
        print(f"  built {count:,} articles in {seconds:.1f} s", flush=True)
        targets[count] = target
    print(f"  -- {big:,} articles --")
    measure_store(targets[big], server_cpu)
    for count in (small, big):
        wall, cpu = list_model(targets[count])
        print(f"  list panel to first rows, {count:>7,} articles: {wall:7.1f} ms (cpu here {cpu:6.1f} ms)",
              flush=True)
    for count in (small, big):
        shown, listed, share = open_window(targets[count])
        print(f"  open window, {count:>7,} articles: window {shown:7.0f} ms, list rows {listed:7.0f} ms"
              f" (list after window: {share:5.0f} ms)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg", help="a PostgreSQL server URL (default: a throwaway cluster)")
    args = parser.parse_args()
    engines = args.engines.split(",")
    print(f"team search benchmark: {args.articles:,} articles vs {args.small:,} "
          f"(shared machine: numbers under load)")
    with tempfile.TemporaryDirectory(prefix="team-search-") as tmp:
        if "sqlite" in engines:
            run_engine("SQLite", lambda name: Path(tmp) / f"{name}.sqlite3", args.articles, args.small)
        if "postgresql" in engines:
            from tests import pg_server

            cluster = None
            base = args.pg
            if base is None:
                base, cluster = pg_server.start_server()
            try:
                run_engine("PostgreSQL", lambda _name: pg_server.create_database(base),
                           args.articles, args.small, cluster_cpu(cluster) if cluster else None)
            finally:
                if cluster is not None:
                    cluster.stop()


if __name__ == "__main__":
    main()
