"""Start-up of the frozen bundle: launch to each start-up phase (usable window, previews), several runs."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import startup_trace  # beside this script: the same phases, printed the same way

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BIN = ROOT / ".cache" / "build" / "dist" / "digest-desk" / "digest-desk"
PHASES = startup_trace.PHASES


def clean_env(home: Path, trace: bool = False) -> dict[str, str]:
    """An empty environment, as a desktop launcher gives (plus offscreen Qt)."""
    env = {
        "HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONNOUSERSITE": "1",
        "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(home),
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu",
    }
    if trace:
        env["DIGEST_DESK_STARTUP_TRACE"] = "1"  # one line per phase; quits once the previews show
    return env


def one_start(program: list[str], db: Path, home: Path, slug: str | None) -> dict[str, tuple[float, float]]:
    """Each phase the app printed: (seconds since launch, CPU seconds of the app process by then)."""
    args = [*program, "--db", str(db), "gui"] + (["--open", slug] if slug else [])
    t0 = time.time()
    proc = subprocess.run(args, cwd="/", env=clean_env(home, trace=True), capture_output=True,
                          text=True, timeout=120)
    phases: dict[str, tuple[float, float]] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("startup: "):
            _tag, phase, epoch, cpu = line.split()
            phases[phase] = (float(epoch) - t0, float(cpu))
    if "previews" not in phases:
        print(f"run without previews (exit {proc.returncode}): {proc.stderr[-400:]}", file=sys.stderr)
    return phases


def report(name: str, runs: list[dict[str, tuple[float, float]]], slug: str | None) -> None:
    startup_trace.report(name, runs, slug, what="start, median of {n} runs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("binary", nargs="?", type=Path, default=DEFAULT_BIN)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--source", metavar="PYTHON",
                        help="also start `PYTHON -m digest_desk` (a venv with the project installed, "
                             "e.g. .cache/build-venv/bin/python), interleaved run by run, to compare "
                             "the frozen start with the source start under the same load")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        print(f"{args.binary} is not an executable (run packaging/build-linux.sh)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="dd-start-") as tmp:
        home, db = Path(tmp), Path(tmp) / "bench.sqlite3"
        samples = args.binary.parent / "_internal" / "digest_desk" / "resources" / "samples"
        imported = subprocess.run([str(args.binary), "--db", str(db), "import", str(samples)],
                                  cwd="/", env=clean_env(home), capture_output=True, text=True)
        slugs = imported.stdout.split()
        slug = slugs[0] if slugs else None
        programs = {"frozen": [str(args.binary)]}
        if args.source:
            programs["source"] = [os.path.abspath(args.source), "-m", "digest_desk"]
        runs: dict[str, list[dict[str, tuple[float, float]]]] = {name: [] for name in programs}
        for program in programs.values():
            one_start(program, db, home, slug)  # the settings file and the OS file cache, as on a second start
        load_before = os.getloadavg()[0]
        for _ in range(args.runs):
            for name, program in programs.items():
                runs[name].append(one_start(program, db, home, slug))
    if not any("usable" in r for r in runs["frozen"]):
        return 1
    for name, got in runs.items():
        report(name, got, slug)
    print(f"load average (1 min) {load_before:.2f} before the runs, {os.getloadavg()[0]:.2f} after, "
          f"on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
