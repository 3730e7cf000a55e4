"""Start-up time of the frozen program: launch to a usable window, several runs (prints numbers)."""

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
DEFAULT_BIN = ROOT / ".cache" / "build" / "dist" / "digest-desk" / "digest-desk"
READY = "smoke-test: window-ready at "


def clean_env(home: Path, smoke_seconds: float | None = None) -> dict[str, str]:
    env = {
        "HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONNOUSERSITE": "1",
        "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(home),
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu",
    }
    if smoke_seconds is not None:
        env["DIGEST_DESK_SMOKE_TEST"] = str(smoke_seconds)
    return env


def one_start(binary: Path, db: Path, home: Path, slug: str | None) -> float | None:
    """Seconds from launch to the app's window-ready line (None when it never came)."""
    args = [str(binary), "--db", str(db), "gui"] + (["--open", slug] if slug else [])
    t0 = time.time()
    proc = subprocess.run(args, cwd="/", env=clean_env(home, 1.0), capture_output=True,
                          text=True, timeout=120)
    for line in proc.stdout.splitlines():
        if line.startswith(READY):
            return float(line[len(READY):].split()[0]) - t0
    print(f"no window-ready line (exit {proc.returncode}): {proc.stderr[-400:]}", file=sys.stderr)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("binary", nargs="?", type=Path, default=DEFAULT_BIN)
    parser.add_argument("--runs", type=int, default=5)
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
        times = [one_start(args.binary, db, home, slug) for _ in range(args.runs)]
    got = [t for t in times if t is not None]
    if not got:
        return 1
    print(f"frozen start to usable window ({len(got)}/{args.runs} runs, article {slug or 'none'}): "
          f"first {got[0]:.2f} s, median {statistics.median(got):.2f} s, "
          f"min {min(got):.2f} s, max {max(got):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
