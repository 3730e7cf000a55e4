"""Start-up phases of the workstation from source: launch to imports, QApplication, store,
window built, shown, first paint, usable (editor takes keys) and previews showing the article."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PHASES = ("imported", "application", "store", "window", "shown", "painted", "usable", "previews")


def environment(home: Path, src: Path = SRC) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(src), HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), DIGEST_DESK_STARTUP_TRACE="1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    return env


def prepare(folder: Path) -> tuple[Path, str | None]:
    """A database holding the sample articles; returns it and the first slug."""
    db = folder / "bench.sqlite3"
    done = subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db), "import",
                           str(ROOT / "resources" / "samples")], env=environment(folder),
                          capture_output=True, text=True, check=True)
    slugs = done.stdout.split()
    return db, (slugs[0] if slugs else None)


def one_start(db: Path, slug: str | None, home: Path, src: Path = SRC) -> dict[str, tuple[float, float]]:
    """Each phase: (seconds since launch, CPU seconds of the process by then)."""
    args = [sys.executable, "-m", "digest_desk", "--db", str(db), "gui"] + (["--open", slug] if slug else [])
    start = time.time()
    proc = subprocess.run(args, env=environment(home, src), capture_output=True, text=True, timeout=120)
    phases = {}
    for line in proc.stdout.splitlines():
        if line.startswith("startup: "):
            _tag, phase, epoch, cpu = line.split()
            phases[phase] = (float(epoch) - start, float(cpu))
    if "previews" not in phases:
        print(f"run without previews (exit {proc.returncode}): {proc.stderr[-300:]}", file=sys.stderr)
    return phases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also start this other source folder (an older checkout's src/, "
                             "with the trace), interleaved run by run, for a before/after table")
    args = parser.parse_args()
    sources = {"after": SRC, "before": args.before} if args.before else {"now": SRC}
    with tempfile.TemporaryDirectory(prefix="dd-trace-") as tmp:
        home = Path(tmp)
        db, slug = prepare(home)
        runs: dict[str, list[dict[str, tuple[float, float]]]] = {name: [] for name in sources}
        for src in sources.values():
            one_start(db, slug, home, src)  # the settings file and the OS file cache, as on a second start
        for _ in range(args.runs):
            for name, src in sources.items():
                runs[name].append(one_start(db, slug, home, src))
    for name, got in runs.items():
        report(name, got, slug)
    return 0


def report(name: str, runs: list[dict[str, tuple[float, float]]], slug: str | None,
           what: str = "start-up phases, median of {n} cold runs") -> None:
    """Median seconds from launch to each phase (and its CPU), with the range over the runs."""
    print(f"[{name}] {what.format(n=len(runs))} (article {slug or 'none'}), seconds since launch:")
    for phase in PHASES:
        got = [r[phase] for r in runs if phase in r]
        if got:
            wall = statistics.median(g[0] for g in got)
            cpu = statistics.median(g[1] for g in got)
            spread = f"{min(g[0] for g in got):.2f}-{max(g[0] for g in got):.2f}"
            print(f"  {phase:<12} {wall:6.3f} s  (range {spread} s, CPU {cpu:5.2f} s)")


if __name__ == "__main__":
    sys.exit(main())
