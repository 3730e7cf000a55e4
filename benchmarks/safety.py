"""Safety speed: draft write latency, lock heartbeat, pending-draft scan, backup and restore; prints numbers.

Run by hand: ``PYTHONPATH=src python benchmarks/safety.py [--articles 2000] [--body-kb 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from digest_desk.store import open_store
from digest_desk.store.articles import create_article
from digest_desk.store.backup import backup, restore
from digest_desk.store.drafts import DraftKeeper, pending_drafts
from digest_desk.store.locks import acquire, heartbeat


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[int(len(ms) * 0.95) - 1] if len(ms) > 1 else ms[0]
    print(f"{name:<38} median {statistics.median(ms):8.2f} ms   p95 {p95:8.2f} ms   n={len(ms)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--body-kb", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        store = open_store(db)
        body = ("Words of a long article, typed by an editor. " * 30_000)[: args.body_kb * 1024]
        start = time.perf_counter()
        for i in range(args.articles):
            create_article(store, title=f"Article {i}", body=body, reason=None)
        print(f"{args.articles} articles of {args.body_kb} kB in {time.perf_counter() - start:.1f} s; "
              f"database {db.stat().st_size / 1e6:.1f} MB")
        keeper = DraftKeeper(store, "bench")
        text = [body]

        def draft() -> None:
            text[0] += "x"
            keeper.write(1, {"title": "Article 0", "body": text[0]})

        report(f"draft write ({args.body_kb} kB body)", timed(draft, 100))
        big = "y" * 10_000_000
        report("draft write (10 MB paste)", timed(lambda: keeper.write(2, {"body": big}), 5))
        acquire(store, 1, "bench")
        report("lock heartbeat", timed(lambda: heartbeat(store, 1, "bench"), 100))
        for i in range(3, 103):
            DraftKeeper(store, f"s{i}").write(i, {"body": body + "!"})
        report("pending_drafts (102 drafts)", timed(lambda: pending_drafts(store), 5))
        made: list[Path] = []
        report("backup (online API + integrity_check)", timed(lambda: made.append(backup(store)), 3))
        store.close()
        report("restore (into the live file)", timed(lambda: restore(db, made[-1], force=True), 3))


if __name__ == "__main__":
    main()
