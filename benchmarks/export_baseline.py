"""The reference the export is judged against, on this machine and at this moment.

``python benchmarks/export_baseline.py DB [--workdir DIR]`` renders every article body of a
database made by ``benchmarks/export.py --db DB`` the plainest way: Python-Markdown and one small
Jinja2 template, one page per article (one rendition), two processes, one file per article
folder. Run it next to ``benchmarks/export.py`` to tell a slow machine from a slow export: the
CPU speed of this virtual machine changes by up to 1.6x from one minute to the next.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import markdown

PAGE = jinja2.Template(
    "<!doctype html><html><head><meta charset=utf-8><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1>{{ body|safe }}</body></html>",
    autoescape=True,
)
_out: list[Path] = []


def _init(out: str) -> None:
    _out.append(Path(out))


def _render(rows: list[tuple[str, str, str]]) -> int:
    md = markdown.Markdown()
    for slug, title, body in rows:
        folder = _out[0] / slug
        folder.mkdir()
        html = PAGE.render(title=title, body=md.reset().convert(body))
        (folder / "index.html").write_text(html, "utf-8")
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the output (deleting many files slows the "
                        "next run on some file systems)")
    args = parser.parse_args()
    with sqlite3.connect(args.db) as conn:
        rows = conn.execute("SELECT slug, title, body FROM article ORDER BY id").fetchall()
    work = Path(tempfile.mkdtemp(prefix="dd-baseline-", dir=args.workdir))
    chunks = [rows[i : i + 100] for i in range(0, len(rows), 100)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2, initializer=_init, initargs=(str(work),)) as pool:
        done = sum(pool.imap_unordered(_render, chunks))
    seconds = time.perf_counter() - started
    print(f"baseline: {done} articles, one rendition, 2 processes: {seconds:.2f} s ({done / seconds:.0f} articles/s)")
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
