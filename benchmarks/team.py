"""Team server: editor processes saving every second against a throwaway PostgreSQL; prints
saves/s, p50/p95 save latency, lost saves and false conflicts (both must be 0), then the other
team benchmarks (live updates, search) when they are present.

Run by hand: ``PYTHONPATH=src:. python benchmarks/team.py [--editors 5] [--seconds 60] [--quick]
[--url postgresql+psycopg://…]`` (without --url a throwaway cluster is started and removed).
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

from digest_desk.store import ConflictError, open_store
from digest_desk.store.articles import create_article, get_article
from digest_desk.store.saving import save_edits

HERE = Path(__file__).resolve().parent
OTHERS = ("team_live.py", "team_search.py")


def editor(url: str, name: str, seconds: float, interval: float, start_at: float, out) -> None:
    """One editor: its own article, a save every ``interval`` seconds, each save starting from the
    version the previous one brought back (as the window's save queue does)."""
    store = open_store(url, create=False)
    copy = create_article(store, title=f"Desk {name}", body=f"{name}:")
    latencies: list[float] = []
    conflicts = errors = 0
    time.sleep(max(0.0, start_at - time.time()))
    due = time.monotonic()
    end = due + seconds
    while due < end:
        copy.body += f" s{len(latencies) + conflicts + errors}"
        started = time.perf_counter()
        try:
            copy = save_edits(store, copy, slug=None, reason=None).article
            latencies.append(time.perf_counter() - started)
        except ConflictError:
            conflicts += 1  # nobody else writes this article: every conflict is a false one
            copy = get_article(store, copy.id)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
            errors += 1
            print(f"editor {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        due += interval
        time.sleep(max(0.0, due - time.monotonic()))
    store.close()
    out.put({"id": copy.id, "body": copy.body, "version": copy.version, "latencies": latencies,
             "conflicts": conflicts, "errors": errors})


def throwaway_server():
    """A throwaway cluster (tests/pg_server.py) and the URL of a fresh database on it."""
    from tests import pg_server

    cluster = pg_server.private_cluster()
    return cluster, pg_server.create_database(cluster.url)


def run_saves(url: str, editors: int, seconds: float, interval: float) -> dict[str, float]:
    open_store(url).close()  # the schema, once, before the editors start
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 3.0  # every editor imported and connected before the clock starts
    procs = [ctx.Process(target=editor, args=(url, str(i), seconds, interval, start_at, out))
             for i in range(editors)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join(30)
    store = open_store(url, create=False)
    lost = 0
    for r in results:  # what each editor believes it saved must be what the server holds
        stored = get_article(store, r["id"])
        saves = len(r["latencies"])
        if stored.body != r["body"] or stored.version != r["version"] or stored.version != saves + 1:
            lost += 1
    store.close()
    latencies = sorted(x for r in results for x in r["latencies"])
    total = len(latencies)
    return {
        "saves": total,
        "saves_per_s": total / seconds,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": latencies[int(0.95 * (total - 1))] * 1000 if latencies else float("nan"),
        "lost": lost,
        "false_conflicts": sum(r["conflicts"] for r in results),
        "errors": sum(r["errors"] for r in results),
    }


def run_others() -> None:
    """The other team benchmarks' main(), when their files exist (one command, all numbers)."""
    for name in OTHERS:
        path = HERE / name
        if not path.exists():
            print(f"\n{name}: not present, skipped")
            continue
        print(f"\n== {name} ==", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        saved_argv = sys.argv
        sys.argv = [str(path)]
        try:
            spec.loader.exec_module(module)
            module.main()
        except SystemExit:
            pass
        finally:
            sys.argv = saved_argv


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--editors", type=int, default=5)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--interval", type=float, default=1.0, help="seconds between one editor's saves")
    p.add_argument("--quick", action="store_true", help="a 10 s run")
    p.add_argument("--url", default=os.environ.get("DIGEST_DESK_TEST_PG"),
                   help="a server database to use (default: a throwaway cluster)")
    p.add_argument("--only-saves", action="store_true", help="skip the live and search benchmarks")
    args = p.parse_args(argv)
    seconds = 10.0 if args.quick else args.seconds
    from tests import pg_server

    cluster = None
    if args.url is None:
        cluster, url = throwaway_server()
    else:
        url = pg_server.create_database(args.url)
    try:
        numbers = run_saves(url, args.editors, seconds, args.interval)
    finally:
        if cluster is not None:
            cluster.stop()
        else:
            pg_server.drop_database(args.url, url)
    print(f"team saves: {args.editors} editors, a save every {args.interval:g} s each, {seconds:g} s (under load)")
    print(f"  saves            {numbers['saves']}")
    print(f"  saves/s          {numbers['saves_per_s']:.2f}")
    print(f"  latency p50      {numbers['p50_ms']:.1f} ms")
    print(f"  latency p95      {numbers['p95_ms']:.1f} ms")
    print(f"  lost saves       {numbers['lost']}  (must be 0)")
    print(f"  false conflicts  {numbers['false_conflicts']}  (must be 0)")
    print(f"  errors           {numbers['errors']}")
    if not args.only_saves:
        run_others()
    return 0 if numbers["lost"] == numbers["false_conflicts"] == numbers["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
