"""Export speed: ``python benchmarks/export.py N`` generates N articles and prints timings."""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from digest_desk.domain import Article, Link, LinkKind, Status  # noqa: E402
from digest_desk.domain.slugs import slug_key  # noqa: E402
from digest_desk.export import export_site  # noqa: E402
from digest_desk.store import open_store  # noqa: E402
from digest_desk.store.articles import get_by_slug, save_article  # noqa: E402
from digest_desk.store.site import update_site  # noqa: E402

WORDS = (
    "council harbour river market school budget election storm festival museum bridge railway "
    "winter summer report minister mayor teachers farmers fishermen hospital library park "
    "announced yesterday expected rising falling quietly sharply local national regional new "
    "old plan vote strike repair traffic weather season record visitors residents officials"
).split()
SECTIONS = ["Politics", "Weather", "Culture", "Business", "Sport", "Science", "Travel", "Health"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, words: int = 800) -> str:
    parts, count = [], 0
    while count < words:
        if rng.random() < 0.12:
            parts.append("## " + _sentence(rng)[:-1].title())
        elif rng.random() < 0.1:
            parts.append("\n".join(f"- {_sentence(rng)}" for _ in range(3)))
        else:
            text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
            if rng.random() < 0.3:
                text += " See [the report](https://example.org/report) for details."
            parts.append(text)
        count += len(parts[-1].split())
    return "\n\n".join(parts)


def generate(store, n: int) -> None:
    rng = random.Random(20261128)
    start = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
    with store.write() as session:
        for i in range(n):
            title = f"{_sentence(rng)[:-1][:70]} {i}"
            slug = f"story-{i:06d}"
            article = Article(
                title=title, slug=slug, slug_key=slug_key(slug), summary=_sentence(rng),
                body=_body(rng), author=rng.choice(["Ana Ruiz", "Tom Berg", "Li Wei"]),
                category=rng.choice(SECTIONS), tags=[rng.choice(WORDS)], status=Status.PUBLISHED,
                published_at=start + timedelta(minutes=37 * i), updated_at=start + timedelta(minutes=37 * i),
            )
            article.links = [
                Link(title="Background on the topic", url=f"https://partner.example/t/{i}", kind=LinkKind.READ_MORE, position=0)
            ]
            session.add(article)
            if i % 1000 == 999:
                session.flush()
    update_site(store, name="Bench Digest", partner_name="Partner", partner_url="https://partner.example/")


def _fs_speed(where: Path) -> float:
    """How fast this folder's file system creates folders and files (the export makes 2 of
    each per article): some temporary folders are several times slower than a home folder.
    The probe stays until the end: ext4 without a journal scans past inodes freed in the last
    minutes on every new file, so deleting it here would slow the export measured next."""
    probe = Path(tempfile.mkdtemp(prefix="fs-", dir=where))
    started = time.perf_counter()
    for i in range(1000):
        folder = probe / f"a{i}"
        (folder / "amp").mkdir(parents=True)
        (folder / "index.html").write_bytes(b"x" * 24000)
        (folder / "amp" / "index.html").write_bytes(b"x" * 24000)
    return time.perf_counter() - started


def _cpu() -> float:
    """CPU seconds of this process (the workers are the forkserver's children, not ours)."""
    return time.process_time()


class WorkerMemory(threading.Thread):
    """Samples the resident memory of our descendant processes (the render workers) in /proc."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_one = 0
        self.peak_all = 0
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.2):
            parents, rss = {}, {}
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/status") as fh:
                        fields = dict(line.split(":", 1) for line in fh if ":" in line)
                except OSError:
                    continue
                parents[int(entry)] = int(fields["PPid"])
                rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
            kids = [pid for pid in rss if _descends(pid, me, parents)]
            if kids:
                self.peak_one = max(self.peak_one, max(rss[k] for k in kids))
                self.peak_all = max(self.peak_all, sum(rss[k] for k in kids))


def _descends(pid: int, root: int, parents: dict[int, int]) -> bool:
    while pid in parents and pid > 1:
        pid = parents[pid]
        if pid == root:
            return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--db", type=Path, help="reuse (or create) this generated database")
    parser.add_argument("--full-runs", type=int, default=2, help="full exports before the incremental ones")
    parser.add_argument("--workdir", type=Path, help="make the temporary folder (database, export) in here; "
                        "the system temporary folder by default")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dd-bench-", dir=args.workdir))
    store = open_store(args.db or work / "bench.sqlite3")
    if not store.engine.connect().exec_driver_sql("SELECT count(*) FROM article").scalar():
        t = time.perf_counter()
        generate(store, args.n)
        print(f"generated {args.n} articles in {time.perf_counter() - t:.1f} s")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; exporting into {work}")
    print(f"file system: {_fs_speed(work):.2f} s for 2,000 folders + 2,000 files of 24 kB in a plain loop")
    memory = WorkerMemory()
    memory.start()
    out = work / "site"

    cpu = _cpu()
    report = export_site(store, out)
    rate = args.n / report.seconds
    print(f"full export:        {report.seconds:6.2f} s  {rate:7.0f} articles/s  ({report.written} files; "
          f"parent CPU {_cpu() - cpu:.1f} s)")
    for _ in range(args.full_runs - 1):
        report = export_site(store, out)
        print(f"full export again:  {report.seconds:6.2f} s  ({report.written} files changed)")
    cpu = time.process_time()
    report = export_site(store, out, changed_only=True)
    print(f"incremental, none:  {report.seconds:6.2f} s  (CPU {time.process_time() - cpu:.2f} s; "
          f"{report.written} files written)")

    article = get_by_slug(store, f"story-{args.n // 2:06d}")
    article.body += "\n\nA late correction to this story."
    save_article(store, article, reason="bench")
    cpu = time.process_time()
    report = export_site(store, out, changed_only=True)
    print(f"incremental, 1 edit:{report.seconds:6.2f} s  (CPU {time.process_time() - cpu:.2f} s; "
          f"{report.written} files written, {report.rendered} rendered)")
    memory.stop.set()
    memory.join()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: parent {own:.0f} MB, largest worker {memory.peak_one / 1024:.0f} MB, "
          f"all workers {memory.peak_all / 1024:.0f} MB")
    store.close()
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
