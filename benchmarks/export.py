"""Export speed: ``python benchmarks/export.py N`` generates N articles and prints timings.

Two corpora, each measured in a fresh process (so the peak memory is the export's own): the
realistic one first, then the old plain one as a second line. The fragment cache is a fresh
folder per corpus: the first export fills it (cold), the next into a new folder reads it (warm).

``python benchmarks/export.py --articles 100000 --incremental [--profile]`` measures what grows
with the archive: the database is bulk-generated once and cached in .cache/bench/, one full export
fills the site, then exports after no change, one edit, one new article and the takedown of that
article (unpublished) each run in a fresh process (wall and CPU time, peak memory of that process;
a cProfile of the last edit on request). All four are served by the store's change log
(export/delta.py); list pages are counted from the oldest, so a new article (the newest) and its
takedown change the front pages, the feed and a sitemap line.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import insert  # noqa: E402

from digest_desk.domain import Article, Link, LinkKind, Status  # noqa: E402
from digest_desk.domain.slugs import slug_key  # noqa: E402
from digest_desk.export import export_site  # noqa: E402
from digest_desk.store import open_store  # noqa: E402
from digest_desk.store.articles import get_by_slug, save_article  # noqa: E402
from digest_desk.store.site import update_site  # noqa: E402

CACHE_ENV = "DIGEST_DESK_FRAGMENT_CACHE"  # where render/ keeps its fragment cache (tests and benchmarks)

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


# --- The realistic corpus ---------------------------------------------------------------------
# Proportions taken from reading news pages of general newspapers and wire services (local and
# national stories, features, explainers; BBC, Guardian, AP, Reuters and regional papers), per
# article of about 800 words:
# - paragraphs are short: one to three sentences (35-45 words), so about 20 of them;
# - two to four sub-headings in longer pieces, none in about a third of the stories;
# - quotation carries the news: about 40% of paragraphs quote someone ("...", said X), and
#   apostrophes (council's, didn't, the '90s) are everywhere: both get curled by the typography;
# - emphasis: titles of works, ships, papers in *italics* in ~15% of paragraphs; **bold** for a
#   lead-in or a key figure in ~6%;
# - links: two to six in the text, a third of them with a title attribute;
# - pictures: most stories carry one or two pictures in the body with a caption and a credit
#   (80% have at least one), a gallery-like run of three in about 5%;
# - a bullet list (key points, "what we know") in ~25% of stories, a numbered list (steps,
#   rankings) in ~12%;
# - a pull quote or quoted statement as a block quote in ~20%;
# - a table (results, figures, timetables) now and then: ~5%;
# - footnotes rarely: ~2% (explainers and corrections).
NAMES = ["Ana Ruiz", "Tom Berg", "Li Wei", "Maria O'Neil", "Jonas Weber", "Fatima Khan"]
WORKS = ["The Harbour Review", "Evening Courier", "Winter Light", "The River Book", "Open Water"]


def _words(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def _real_sentence(rng: random.Random) -> str:
    text = _words(rng, 8, 18).capitalize()
    roll = rng.random()
    if roll < 0.15:
        text += f" in *{rng.choice(WORKS)}*"
    elif roll < 0.21:
        text = f"**{text}**"
    elif roll < 0.45:
        text = text.replace(" ", "'s ", 1)  # a possessive: the typography curls it
    if rng.random() < 0.05:
        text += f" ([source](https://news.example/{rng.randint(1, 9999)} \"{_words(rng, 2, 4)}\"))"
    elif rng.random() < 0.045:
        text += f" and [{_words(rng, 1, 3)}](https://example.org/{rng.randint(1, 9999)})"
    return text + "."


def _quote_paragraph(rng: random.Random) -> str:
    said = rng.choice(NAMES)
    return (f"\"{_words(rng, 8, 16).capitalize()}, it's {_words(rng, 3, 6)},\" said {said}. "
            f"{_real_sentence(rng)}")


def _picture(rng: random.Random, n: int) -> str:
    alt = _words(rng, 3, 6).capitalize()
    caption = f"{_words(rng, 5, 10).capitalize()}|Photo: {rng.choice(NAMES)}"
    return f"![{alt}](https://images.example/{n}/{rng.randint(1, 99999)}.jpg \"{caption}\")"


def _real_list(rng: random.Random, numbered: bool) -> str:
    items = [_real_sentence(rng) for _ in range(rng.randint(3, 6))]
    return "\n".join(f"{i + 1}. {t}" if numbered else f"- {t}" for i, t in enumerate(items))


def _table(rng: random.Random) -> str:
    rows = ["| Place | Votes | Share |", "| --- | ---: | ---: |"]
    rows += [f"| {rng.choice(WORDS).title()} | {rng.randint(100, 9999)} | {rng.randint(1, 60)}% |"
             for _ in range(rng.randint(3, 6))]
    return "\n".join(rows)


def realistic_body(rng: random.Random, n: int, words: int = 800) -> str:
    """One article body in the proportions above (``n`` makes its picture URLs its own)."""
    parts: list[str] = []
    extras: list[str] = []
    pictures = 0 if rng.random() < 0.2 else 3 if rng.random() < 0.06 else rng.randint(1, 2)
    extras += [_picture(rng, n) for _ in range(pictures)]
    if rng.random() < 0.25:
        extras.append(f"{_words(rng, 2, 4).capitalize()}:\n\n" + _real_list(rng, False))
    if rng.random() < 0.12:
        extras.append(_real_list(rng, True))
    if rng.random() < 0.20:
        extras.append("> " + _quote_paragraph(rng))
    if rng.random() < 0.05:
        extras.append(_table(rng))
    headings = 0 if rng.random() < 0.33 else rng.randint(2, 4)
    count = 0
    while count < words:
        if rng.random() < 0.4:
            parts.append(_quote_paragraph(rng))
        else:
            parts.append(" ".join(_real_sentence(rng) for _ in range(rng.randint(1, 3))))
        count += len(parts[-1].split())
    for extra in extras:
        parts.insert(rng.randint(1, len(parts)), extra)
    step = max(1, len(parts) // (headings + 1))
    for k in range(headings, 0, -1):
        parts.insert(k * step, "## " + _words(rng, 3, 6).capitalize())
    if rng.random() < 0.02:
        parts[1] += "[^1]"
        parts.append(f"[^1]: {_real_sentence(rng)}")
    return "\n\n".join(parts)


CORPORA = ("realistic", "plain")


class Story(NamedTuple):
    """One generated article, as plain values (the store and Hugo's content are written from it)."""

    title: str
    slug: str
    summary: str
    body: str
    author: str
    category: str
    tag: str
    published: datetime


def stories(n: int, corpus: str = "realistic", words: int = 800) -> Iterator[Story]:
    """The benchmark's articles, the same on every run: ``realistic`` (the proportions above) or
    ``plain`` (the old corpus: prose, plain links, one-line headings and bullet lists only)."""
    rng = random.Random(20261128)
    start = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
    for i in range(n):
        title = f"{_sentence(rng)[:-1][:70]} {i}"
        summary = _sentence(rng)
        body = realistic_body(rng, i, words) if corpus == "realistic" else _body(rng, words)
        yield Story(title, f"story-{i:06d}", summary, body, rng.choice(["Ana Ruiz", "Tom Berg", "Li Wei"]),
                    rng.choice(SECTIONS), rng.choice(WORDS), start + timedelta(minutes=37 * i))


def generate(store, n: int, corpus: str = "realistic") -> None:
    with store.write() as session:
        for i, s in enumerate(stories(n, corpus)):
            article = Article(
                title=s.title, slug=s.slug, slug_key=slug_key(s.slug), summary=s.summary,
                body=s.body, author=s.author, category=s.category, tags=[s.tag], status=Status.PUBLISHED,
                published_at=s.published, updated_at=s.published,
            )
            article.links = [
                Link(title="Background on the topic", url=f"https://partner.example/t/{i}", kind=LinkKind.READ_MORE, position=0)
            ]
            session.add(article)
            if i % 1000 == 999:
                session.flush()
    update_site(store, name="Bench Digest", partner_name="Partner", partner_url="https://partner.example/")


def bulk_generate(store, n: int, corpus: str = "plain", words: int = 800) -> None:
    """The same articles as ``generate``, written with one executemany per table (ORM bulk
    INSERT): 100,000 articles in about a minute instead of half an hour of single saves."""
    rows, links = [], []
    back = timedelta(minutes=37 * n)  # every article in the past, however many: all on the site
    for i, s in enumerate(stories(n, corpus, words), start=1):
        rows.append({
            "id": i, "title": s.title, "slug": s.slug, "slug_key": slug_key(s.slug), "summary": s.summary,
            "body": s.body, "author": s.author, "category": s.category, "tags": [s.tag],
            "status": Status.PUBLISHED, "published_at": s.published - back,
            "updated_at": s.published - back, "created_at": s.published - back, "version": 1,
        })
        links.append({"article_id": i, "title": "Background on the topic", "position": 0,
                      "url": f"https://partner.example/t/{i - 1}", "kind": LinkKind.READ_MORE})
    with store.write() as session:
        session.execute(insert(Article), rows)
        session.execute(insert(Link), links)
    update_site(store, name="Bench Digest", partner_name="Partner", partner_url="https://partner.example/")


BENCH_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "bench"
GENERATOR_VERSION = 2  # raise when the generated articles change: the cached databases are then made anew


def cached_database(n: int, corpus: str, words: int) -> Path:
    """A generated database for these parameters, made once and kept under .cache/bench/
    (a rerun copies it instead of generating it again)."""
    BENCH_CACHE.mkdir(parents=True, exist_ok=True)
    path = BENCH_CACHE / f"articles-{n}-{corpus}-{words}w-g{GENERATOR_VERSION}.sqlite3"
    if not path.is_file():
        t = time.perf_counter()
        part = path.with_suffix(".part")
        part.unlink(missing_ok=True)
        # In a child process: the caller's peak memory stays its own.
        subprocess.run([sys.executable, __file__, str(n), "--corpus", corpus, "--words", str(words),
                        "--db", str(part), "--generate-only", "--bulk"], check=True)
        os.replace(part, path)
        print(f"generated {n} articles in {time.perf_counter() - t:.1f} s into {path}")
    return path


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


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate_in_child(db: Path, n: int, corpus: str) -> None:
    """Generate in a child process: the parent's peak memory is then the export's alone."""
    t = time.perf_counter()
    subprocess.run([sys.executable, __file__, str(n), "--corpus", corpus, "--db", str(db), "--generate-only"],
                   check=True)
    print(f"[{corpus}] generated {n} articles in {time.perf_counter() - t:.1f} s")


def _edit_one(store, n: int) -> None:
    article = get_by_slug(store, f"story-{n // 2:06d}")
    article.body += "\n\nA late correction to this story."
    save_article(store, article, reason="bench")


def measure(n: int, corpus: str, work: Path, db: Path | None, full_runs: int) -> None:
    """Every line of one corpus: cold, warm into a new folder, again, incremental."""
    db = db or work / f"bench-{corpus}.sqlite3"
    store = open_store(db)
    with store.engine.connect() as connection:
        empty = not connection.exec_driver_sql("SELECT count(*) FROM article").scalar()
    if empty:
        store.close()
        _generate_in_child(db, n, corpus)
        store = open_store(db)
    os.environ[CACHE_ENV] = str(work / f"fragments-{corpus}")  # a cold cache for this corpus
    label = f"[{corpus}]"
    print(f"{label} load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; exporting into {work}")
    memory = WorkerMemory()
    memory.start()
    out = work / f"site-{corpus}"
    cpu = _cpu()
    report = export_site(store, out)
    print(f"{label} full export, cold cache:      {report.seconds:6.2f} s  {n / report.seconds:7.0f} articles/s  "
          f"({report.written} files; parent CPU {_cpu() - cpu:.1f} s; parent peak {_rss_mb():.0f} MB)")
    report = export_site(store, work / f"site-{corpus}-2")
    print(f"{label} full export, new folder, warm: {report.seconds:6.2f} s  ({report.written} files)")
    shutil.rmtree(work / f"site-{corpus}-2")
    for _ in range(full_runs - 1):
        report = export_site(store, out)
        print(f"{label} full export again:            {report.seconds:6.2f} s  ({report.written} files changed)")
    cpu = _cpu()
    report = export_site(store, out, changed_only=True)
    print(f"{label} incremental, none:            {report.seconds:6.2f} s  (CPU {_cpu() - cpu:.2f} s; "
          f"{report.written} files written)")
    _edit_one(store, n)
    cpu = _cpu()
    report = export_site(store, out, changed_only=True)
    print(f"{label} incremental, 1 edit:          {report.seconds:6.2f} s  (CPU {_cpu() - cpu:.2f} s; "
          f"{report.written} files written, {report.rendered} rendered)")
    memory.stop.set()
    memory.join()
    print(f"{label} peak memory: parent {_rss_mb():.0f} MB, largest worker {memory.peak_one / 1024:.0f} MB, "
          f"all workers {memory.peak_all / 1024:.0f} MB")
    store.close()


# --- Costs that grow with the archive: ``--incremental`` -----------------------------------------
# The database comes from .cache/bench/ (generated once per parameters); one full export fills
# the site, then each incremental export runs in a fresh process, so its peak memory is its own.


def _phase(args: list[str]) -> dict[str, str]:
    """Run one phase in a child process and return the ``name=value`` pairs it prints."""
    done = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    sys.stderr.write(done.stderr)
    values = {}
    for line in done.stdout.splitlines():
        name, sep, value = line.partition("=")
        if sep and name.isidentifier():
            values[name] = value
        else:
            print(line)
    return values


def _run_phase(phase: str, db: Path, site: Path, serial: int, profile: bool) -> int:
    """One export in this (fresh) process: ``full``, ``none`` (nothing changed), ``edit`` (one
    article's body), ``new`` (one new article, the newest) or ``takedown`` (that article
    unpublished); prints its numbers."""
    store = open_store(db)
    n = _count(store)
    if phase == "edit":
        article = get_by_slug(store, f"story-{(n // 2 + serial) % n:06d}")
        article.body += f"\n\nA late correction to this story ({serial})."
        save_article(store, article, reason="bench")
    elif phase == "new":
        with store.write() as session:
            session.add(Article(title=f"Breaking news {serial}", slug=f"breaking-{serial}",
                                slug_key=slug_key(f"breaking-{serial}"), body="Just in.", category="Politics",
                                status=Status.PUBLISHED, published_at=datetime.now(UTC)))
    elif phase == "takedown":
        article = get_by_slug(store, f"breaking-{serial}")
        article.status = Status.DRAFT
        save_article(store, article, reason="bench")
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu = _cpu()
    report = export_site(store, site, changed_only=phase != "full")
    cpu = _cpu() - cpu
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
    store.close()
    print(f"seconds={report.seconds:.3f}\ncpu={cpu:.3f}\nrss={_peak_mb():.0f}\nwritten={report.written}\n"
          f"rendered={report.rendered}\nremoved={report.removed}")
    return 0


def _peak_mb() -> float:
    """This process's peak resident memory since its exec (VmHWM; ru_maxrss would include what
    the process it was forked from had used)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return _rss_mb()


def _count(store) -> int:
    with store.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM article").scalar() or 0


def incremental(n: int, corpus: str, words: int, work: Path, runs: int, profile: bool) -> None:
    """Full export once, then ``runs`` incremental exports of each kind; medians printed."""
    db = work / "bench.sqlite3"
    shutil.copyfile(cached_database(n, corpus, words), db)
    os.environ[CACHE_ENV] = str(work / "fragments")
    site = work / "site"
    label = f"[{n} {corpus}, {words} words]"
    print(f"{label} load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    full = _phase(["--phase", "full", "--db", str(db), "--site", str(site)])
    print(f"{label} full export:               {float(full['seconds']):7.2f} s  ({full['written']} files; "
          f"parent peak {full['rss']} MB)")
    for phase in ("none", "edit", "new", "takedown"):
        results = []
        for serial in range(runs):
            extra = ["--profile"] if profile and phase == "edit" and serial == runs - 1 else []
            results.append(_phase(["--phase", phase, "--serial", str(serial), "--db", str(db),
                                   "--site", str(site), *extra]))
        secs = statistics.median(float(r["seconds"]) for r in results)
        cpu = statistics.median(float(r["cpu"]) for r in results)
        rss = max(int(r["rss"]) for r in results)
        slowest = max(results, key=lambda r: float(r["seconds"]))
        print(f"{label} incremental, {phase:8}:     {secs:7.3f} s  median of {runs} (CPU {cpu:.3f} s; "
              f"{results[-1]['written']} files written, {results[-1]['rendered']} rendered; "
              f"process peak {rss} MB)")
        # A run the change log cannot serve (an article starting or emptying a 50,000-id sitemap
        # part, say) compares every key: the median hides it, so the slowest run is shown too.
        print(f"{label}   slowest of them:         {float(slowest['seconds']):7.3f} s  "
              f"({slowest['written']} files written; process peak {slowest['rss']} MB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--articles", type=int, help="the same as N")
    parser.add_argument("--corpus", default="realistic,plain", help="realistic, plain or both (comma-separated)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--db", type=Path, help="reuse (or create) this generated database (one corpus only)")
    parser.add_argument("--full-runs", type=int, default=2, help="full exports before the incremental ones")
    parser.add_argument("--workdir", type=Path, help="make the temporary folder (database, export) in here; "
                        "the system temporary folder by default")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--incremental", action="store_true",
                        help="time incremental exports at this size (database cached in .cache/bench/)")
    parser.add_argument("--words", type=int, help="words per body (default 800; 150 with --incremental)")
    parser.add_argument("--runs", type=int, default=3, help="incremental runs of each kind (median)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the last one-edit export")
    parser.add_argument("--bulk", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=("full", "none", "edit", "new", "takedown"), help=argparse.SUPPRESS)
    parser.add_argument("--serial", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--site", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.n = args.articles or args.n
    if args.phase:
        return _run_phase(args.phase, args.db, args.site, args.serial, args.profile)
    corpora = [c.strip() for c in args.corpus.split(",") if c.strip()]
    if any(c not in CORPORA for c in corpora):
        parser.error(f"--corpus takes {', '.join(CORPORA)}")
    if args.generate_only:
        store = open_store(args.db)
        if args.bulk:
            bulk_generate(store, args.n, corpora[0], args.words or 800)
        else:
            generate(store, args.n, corpora[0])
        store.close()
        return 0
    if len(corpora) > 1 and not args.incremental:  # one fresh process per corpus: each peak memory is its own
        for corpus in corpora:
            cmd = [sys.executable, __file__, str(args.n), "--corpus", corpus, "--full-runs", str(args.full_runs)]
            cmd += ["--keep"] * args.keep + (["--workdir", str(args.workdir)] if args.workdir else [])
            subprocess.run(cmd, check=True)
        return 0
    work = Path(tempfile.mkdtemp(prefix="dd-bench-", dir=args.workdir))
    if args.incremental:
        try:
            incremental(args.n, corpora[0] if len(corpora) == 1 else "plain", args.words or 150, work,
                        args.runs, args.profile)
        finally:
            if args.keep:
                print(f"kept {work}")
            else:
                shutil.rmtree(work)
        return 0
    print(f"file system: {_fs_speed(work):.2f} s for 2,000 folders + 2,000 files of 24 kB in a plain loop")
    measure(args.n, corpora[0], work, args.db, args.full_runs)
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
