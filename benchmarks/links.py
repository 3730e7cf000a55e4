"""Benchmark: related-article suggestions over a 100,000-article store (target: < 50 ms median),
and link checker throughput against a local server and with no network.

Run by hand: ``PYTHONPATH=src python benchmarks/links.py [--articles N] [--db PATH] [--runs R]``
(``--checker`` for the checker numbers only). The store is generated once (articles with
Zipf-distributed vocabulary, inserted with executemany in one transaction so the FTS triggers
index them) and reused on later runs.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from digest_desk.links import suggest
from digest_desk.links.checker import check_links
from digest_desk.links.suggest import suggest_related
from digest_desk.store import open_store
from digest_desk.store.articles import get_article

SYLLABLES = "ka lo mi ne ra su ti vo pe da ri no ma te lu sa ke ni po ga".split()


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate(store, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    words = vocabulary(30_000, rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf: a few words are everywhere
    now = "2026-11-01T00:00:00+00:00"
    rows = []
    for i in range(count):
        body_words = rng.choices(words, weights, k=rng.randint(120, 300))
        title = " ".join(rng.choices(words, weights, k=7)).capitalize()
        tags = rng.sample(words[:2000], 3)
        rows.append((
            title, f"a-{i}", f"a-{i}", " ".join(body_words[:20]), " ".join(body_words),
            "", "", "[" + ",".join(f'"{t}"' for t in tags) + "]", "published", now, now, now, "", 1,
        ))
    with store.write() as session:
        session.connection().exec_driver_sql(
            "INSERT INTO article (title, slug, slug_key, summary, body, author, category, tags, "
            "status, published_at, updated_at, created_at, image_alt, version) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )


class _Answer(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):  # noqa: N802
        if self.path.startswith("/r/"):
            self.send_response(301)
            self.send_header("Location", "/ok" + self.path[2:])
        else:
            self.send_response(404 if self.path.startswith("/gone") else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD  # noqa: N815


def _timed_check(label: str, urls: list[str], timeout: float = 5.0) -> None:
    start = time.perf_counter()
    results = check_links(urls, timeout=timeout, concurrency=8)
    took = time.perf_counter() - start
    states = statistics.multimode(r.state for r in results)
    print(f"  {label:34} {len(urls):4} URLs in {took:6.2f} s ({len(urls) / took:6.1f}/s)  mostly {states}")


def bench_checker() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    print("link checker, concurrency 8, timeout 5 s:")
    _timed_check("local server: 200s", [f"{base}/ok/{i}" for i in range(300)])
    _timed_check("local server: 301 -> 200", [f"{base}/r/{i}" for i in range(150)])
    _timed_check("local server: 404 (HEAD then GET)", [f"{base}/gone/{i}" for i in range(150)])
    _timed_check("no such host (.invalid)", [f"https://site{i}.invalid/" for i in range(40)])
    ports = []
    for _ in range(20):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
    _timed_check("connection refused", [f"http://127.0.0.1:{p}/" for p in ports])
    httpd.shutdown()
    httpd.server_close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/digest-desk-bench-links.sqlite3"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--checker", action="store_true", help="only the link checker numbers")
    args = parser.parse_args()
    if args.checker:
        bench_checker()
        return 0
    fresh = not args.db.exists()
    store = open_store(args.db)
    if fresh:
        start = time.perf_counter()
        generate(store, args.articles)
        print(f"generated {args.articles} articles in {time.perf_counter() - start:.1f} s -> {args.db}")
    with store.read() as session:
        total = session.connection().exec_driver_sql("SELECT count(*) FROM article").scalar()
    rng = random.Random(1)
    ids = [rng.randint(1, total) for _ in range(args.runs)]
    articles = [get_article(store, i) for i in ids]
    start = time.perf_counter()
    suggest_related(store, articles[0])  # first call: learns the store's common words
    first = (time.perf_counter() - start) * 1000
    print(f"store: {total} articles; first call (samples common words) {first:.0f} ms")
    print(f"{args.runs} suggestion queries, limit 10, random articles:")
    for label, forget in (("no cached word counts", True), ("word counts cached as used", False)):
        times, cpu, found = [], [], []
        for article in articles:
            if forget:
                suggest._profiles[store].frequencies.clear()
            start, start_cpu = time.perf_counter(), time.process_time()
            hits = suggest_related(store, article, limit=10)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            found.append(len(hits))
        times.sort()
        print(
            f"  {label:27} median {statistics.median(times):.1f} ms  "
            f"p90 {times[int(len(times) * 0.9)]:.1f} ms  max {times[-1]:.1f} ms  "
            f"(CPU median {statistics.median(cpu):.1f} ms)  mean hits {statistics.mean(found):.1f}"
        )
    print("  target: median under 50 ms; wall times grow with other load on the machine")
    store.close()
    bench_checker()
    return 0


if __name__ == "__main__":
    sys.exit(main())
