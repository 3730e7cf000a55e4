"""Store speed: insert rate of generated articles and full-text search latency; prints numbers.

Run by hand: ``PYTHONPATH=src python benchmarks/store.py [--articles 100000] [--db PATH]``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest_desk.domain import Article
from digest_desk.domain.slugs import slug_key
from digest_desk.store import open_store
from digest_desk.store.articles import create_article
from digest_desk.store.search import search

COMMON = ["news", "report", "city", "council", "today", "people", "year", "plan", "said", "new"]
SYLLABLES = ["ka", "lo", "ri", "men", "tor", "sa", "vel", "dun", "pra", "es", "mo", "lin", "ga"]
QUERIES = {
    "rare": ["zanzibarite", "quorvex", "blenheimia"],
    "common": ["news", "report said", "city"],
    "prefix": ["repo*", "coun*", "kalo*"],
    "phrase": ['"city council"', '"new plan"', '"harbour cranes"'],
}


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def make_text(rng: random.Random, vocab: list[str], cumulative: list[float], n: int) -> str:
    words = rng.choices(vocab, cum_weights=cumulative, k=n)
    for _ in range(3):  # common words in nearly every article
        words.insert(rng.randrange(len(words)), rng.choice(COMMON))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), "city council")
    return " ".join(words)


def articles(count: int, seed: int = 7):
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))  # Zipf-like
    rare = [w for group in ("rare",) for w in QUERIES[group]]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for i in range(count):
        title = make_text(rng, vocab, weights, 6)
        body = make_text(rng, vocab, weights, rng.randint(120, 260))
        if i % 9973 == 0:
            body += " " + rare[(i // 9973) % len(rare)]
        if i % 25_000 == 0:
            body += " the harbour cranes moved again"
        slug = f"a-{i}"
        yield Article(
            title=title, slug=slug, slug_key=slug_key(slug), summary=make_text(rng, vocab, weights, 20),
            body=body, category=rng.choice(["Economy", "Sports", "Culture", "Travel"]),
            published_at=start + timedelta(minutes=7 * i),
        )


def insert(store, count: int, batch: int = 1000) -> tuple[float, float]:
    """Wall-clock and CPU seconds to insert ``count`` generated articles."""
    t0, c0 = time.perf_counter(), time.process_time()
    pending = []
    for article in articles(count):
        pending.append(article)
        if len(pending) == batch:
            with store.write() as session:
                session.add_all(pending)
            pending = []
    if pending:
        with store.write() as session:
            session.add_all(pending)
    return time.perf_counter() - t0, time.process_time() - c0


def single_saves(store, n: int = 100) -> float:
    t0 = time.perf_counter()
    for i in range(n):
        create_article(store, title=f"One by one {i}", body="text " * 200)
    return time.perf_counter() - t0


def latencies(store, rounds: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall-clock and CPU milliseconds per query group (CPU shows the cost on a busy machine)."""
    wall: dict[str, list[float]] = {group: [] for group in QUERIES}
    cpu: dict[str, list[float]] = {group: [] for group in QUERIES}
    for _ in range(rounds):
        for group, queries in QUERIES.items():
            for query in queries:
                t0, c0 = time.perf_counter(), time.process_time()
                search(store, query, 20)
                wall[group].append((time.perf_counter() - t0) * 1000)
                cpu[group].append((time.process_time() - c0) * 1000)
    return wall, cpu


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--db", type=Path, help="reuse/create this database (default: a temporary one)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.sqlite3"
        store = open_store(path)
        if store.created:
            seconds, cpu = insert(store, args.articles)
            print(f"insert: {args.articles} articles in {seconds:.1f} s "
                  f"= {args.articles / seconds:,.0f} articles/s (batches of 1000, FTS triggers on; "
                  f"CPU {cpu:.1f} s, text generation included)")
            one = single_saves(store)
            print(f"create_article one by one (own transaction, FULL sync): {100 / one:,.0f} /s")
        t0 = time.perf_counter()
        store.close()
        store = open_store(path)
        print(f"open existing database (file checks + migration check): "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms, {path.stat().st_size / 1e6:.0f} MB")
        search(store, "warm up the page cache", 20)
        wall, cpu = latencies(store, args.rounds)
        wall["all"] = [v for values in list(wall.values()) for v in values]
        cpu["all"] = [v for values in list(cpu.values()) for v in values]
        print(f"search latency over {len(wall['all'])} queries (top 20), wall clock | CPU time:")
        for group, values in wall.items():
            print(f"  {group:7} median {statistics.median(values):6.2f} ms  p95 {pct(values, 0.95):6.2f} ms"
                  f"  | median {statistics.median(cpu[group]):6.2f} ms  p95 {pct(cpu[group], 0.95):6.2f} ms")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
