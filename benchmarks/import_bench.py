"""Import speed and memory: ``python benchmarks/import_bench.py [--n 10000]``.

Generates N Hugo posts (TOML and YAML front matter, every tenth a page bundle with a picture)
and an N-post WordPress export, imports each into a fresh database in a process of its own and
prints articles per second and the process's peak resident memory (and the same process's
memory after start-up and imports, so the import's own share is visible). Printed, not asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
WXR_SCRIPT = ROOT / "tests" / "data" / "import" / "wordpress" / "make_wxr.py"
PARAGRAPH = ("The harbour council met on Tuesday to discuss the cranes, the night shift and the "
             "ferry timetable; residents asked for quieter engines and a new footbridge. ")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def make_hugo(folder: Path, n: int) -> None:
    import PIL.Image

    buf = io.BytesIO()
    PIL.Image.new("RGB", (1200, 675), "navy").save(buf, "PNG")
    picture = buf.getvalue()
    posts = folder / "content" / "posts"
    posts.mkdir(parents=True)
    body = "\n\n".join(PARAGRAPH * 3 for _ in range(6))
    for i in range(n):
        if i % 10 == 9:
            bundle = posts / f"bundle-{i}"
            bundle.mkdir()
            (bundle / "lead.png").write_bytes(picture)
            (bundle / "index.md").write_text(
                f"---\ntitle: Bundle {i}\ndate: 2024-01-01T08:00:00+01:00\nimages: [lead.png]\n"
                f"tags: [port, t{i % 7}]\n---\n{body}\n\n![Lead](lead.png)\n", "utf-8")
        elif i % 2:
            (posts / f"post-{i}.md").write_text(
                f'+++\ntitle = "Post {i}"\ndate = 2024-02-01T09:30:00+02:00\ndraft = {str(i % 3 == 0).lower()}\n'
                f'categories = ["Harbour", "Town"]\ntags = ["a", "b"]\n'
                f'description = "Summary {i}"\n+++\n{body}\n', "utf-8")
        else:
            (posts / f"post-{i}.md").write_text(
                f"---\ntitle: Post {i}\ndate: 2024-03-01\nlastmod: 2024-03-02\ndraft: false\n"
                f"categories: [Harbour]\ndescription: Summary {i}\n---\n{body}\n", "utf-8")


def run_phase(kind: str, n: int, work: Path) -> dict[str, float]:
    """In this process: generate, then import (only the import is timed)."""
    from functools import partial

    from digest_desk.convert import html_to_markdown
    from digest_desk.store import open_store
    from digest_desk.store.importer import ImportOptions, import_iter

    source = work / kind
    if kind == "hugo":
        make_hugo(source, n)
        target, media = source, (source / "static",)
    else:
        sys.path.insert(0, str(WXR_SCRIPT.parent))
        import make_wxr  # noqa: PLC0415

        source.mkdir()
        target, media = make_wxr.write(source / "export.xml", n), (source / "uploads",)
    store = open_store(work / f"{kind}.sqlite3")
    before = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    counts: dict[str, int] = {}
    for outcome in import_iter(store, [target], ImportOptions(media=media, html=partial(html_to_markdown, pictures=True))):
        key = getattr(outcome, "action", "failed")
        counts[key] = counts.get(key, 0) + 1
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    store.close()
    size = sum(p.stat().st_size for p in source.rglob("*") if p.is_file()) / 1e6
    return {"seconds": elapsed, "cpu": cpu, "imported": counts.get("imported", 0),
            "skipped": counts.get("skipped", 0), "failed": counts.get("failed", 0),
            "rate": counts.get("imported", 0) / elapsed, "peak_mb": _peak_mb(),
            "before_mb": before, "input_mb": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--phase", choices=("hugo", "wordpress"))
    args = parser.parse_args()
    if args.phase:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_phase(args.phase, args.n, Path(tmp))))
        return
    for kind in ("hugo", "wordpress"):
        proc = subprocess.run([sys.executable, __file__, "--n", str(args.n), "--phase", kind],
                              capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{kind:9} n={args.n}: input {r['input_mb']:.1f} MB, {r['imported']:.0f} imported, "
              f"{r['skipped']:.0f} skipped, {r['failed']:.0f} failed in {r['seconds']:.1f} s = "
              f"{r['rate']:.0f} articles/s ({r['imported'] / r['cpu']:.0f}/s of CPU time); peak RSS {r['peak_mb']:.0f} MB "
              f"({r['before_mb']:.0f} MB before the import started)")


if __name__ == "__main__":
    main()
