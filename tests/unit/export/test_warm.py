"""Rendering ahead: an import fills the fragment cache in idle processes, so the export parses nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest_desk.domain import Article, Status
from digest_desk.domain.slugs import slug_key
from digest_desk.export import export_site
from digest_desk.export.warm import Warmer
from digest_desk.render.fragments import CACHE_ENV, FragmentCache
from digest_desk.render.mdparse import _parse, from_record
from digest_desk.store import open_store
from digest_desk.store.articles import all_articles
from tests.export_site_fixture import tree
from tests.unit.store.test_cli_store import run

pytestmark = pytest.mark.sqlite_only  # the cache is the same whatever the store's engine

BODY = ('He said "it\'s done" -- *finally*.\n\n![The quay](media/quay.png "At dawn")\n\n'
        "1. First\n2. Second\n\n> Quoted.\n\n| A | B |\n| --- | ---: |\n| 1 | 2 |\n\nStory {n}.")


def _entries(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "templates" not in p.parts}


def _write_posts(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"post-{i}.md").write_text(
            f"---\ntitle: Story {i}\nstatus: published\ndate: 2025-03-0{1 + i % 9}\n---\n\n"
            + BODY.format(n=i), "utf-8")


def _articles(store, n: int) -> list[int]:
    with store.write() as session:
        rows = [Article(title=f"Story {i}", slug=f"story-{i}", slug_key=slug_key(f"story-{i}"),
                        body=BODY.format(n=i), status=Status.PUBLISHED) for i in range(n)]
        session.add_all(rows)
        session.flush()
        return [a.id for a in rows]


def test_an_import_renders_ahead_and_the_export_then_parses_nothing(tmp_path, monkeypatch):
    _write_posts(tmp_path / "posts", 4)
    cache, db = tmp_path / "cache", tmp_path / "site.sqlite3"
    res = run("--db", str(db), "import", str(tmp_path / "posts"), env={CACHE_ENV: str(cache)})
    assert res.returncode == 0, res.stderr
    assert "4 articles rendered ahead for the next export" in res.stderr
    ahead = _entries(cache)
    store = open_store(db)
    try:
        bodies = [a.body for a in all_articles(store)]
        engine = FragmentCache(cache).engine
        assert sorted(ahead) == sorted(f"{engine}/{_rel(cache, body)}" for body in bodies)
        assert all(from_record(ahead[f"{engine}/{_rel(cache, body)}"]) == _parse(body) for body in bodies)
        monkeypatch.setenv(CACHE_ENV, "off")
        export_site(store, tmp_path / "plain", parallel=False)
        monkeypatch.setenv(CACHE_ENV, str(cache))
        export_site(store, tmp_path / "out", parallel=False)
    finally:
        store.close()
    assert _entries(cache) == ahead  # the export found every body parsed
    assert tree(tmp_path / "out") == tree(tmp_path / "plain")


def _rel(cache: Path, body: str) -> str:
    key = FragmentCache(cache).key(body)
    return f"{key[:2]}/{key[2:]}"


def test_no_warm_leaves_the_parsing_to_the_export(tmp_path):
    _write_posts(tmp_path / "posts", 3)
    cache = tmp_path / "cache"
    res = run("--db", str(tmp_path / "site.sqlite3"), "import", "--no-warm", str(tmp_path / "posts"),
              env={CACHE_ENV: str(cache)})
    assert res.returncode == 0, res.stderr
    assert "rendered ahead" not in res.stderr
    assert not cache.exists() or _entries(cache) == {}


def test_many_articles_are_parsed_by_idle_worker_processes(store, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    ids = _articles(store, 260)
    warmer = Warmer(store, workers=2, inline_up_to=150)
    for aid in ids:  # as an import reports them, one by one
        warmer.add([aid])
    assert warmer._futures  # handed over during the import, not at its end
    if sys.platform.startswith("linux"):
        assert warmer._executor().submit(os.sched_getscheduler, 0).result() == os.SCHED_IDLE
    report = warmer.finish()
    assert (report.bodies, report.parsed, report.cancelled) == (260, 260, False)
    files = FragmentCache(cache)
    assert all(from_record(files.get(a.body)) == _parse(a.body) for a in all_articles(store))


def test_a_warmer_stopped_early_leaves_only_whole_entries(store, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, "off")
    ids = _articles(store, 400)
    export_site(store, tmp_path / "plain", parallel=False)
    monkeypatch.setenv(CACHE_ENV, str(cache))
    warmer = Warmer(store, workers=2, inline_up_to=0)
    warmer.add(ids)
    warmer.close(block=True)  # the program quits: batches not started are dropped
    entries = _entries(cache) if cache.exists() else {}
    assert not [name for name in entries if name.endswith(".tmp")]
    assert all(from_record(data) is not None for data in entries.values())
    export_site(store, tmp_path / "out", parallel=False)  # parses what the warmer did not
    assert tree(tmp_path / "out") == tree(tmp_path / "plain")


def test_without_a_cache_nothing_is_started(store, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")
    warmer = Warmer(store)
    warmer.add(_articles(store, 300))
    assert warmer.finish().bodies == 0 and warmer._pool is None


def test_a_replace_in_bodies_renders_the_new_bodies_ahead(tmp_path):
    cache, db = tmp_path / "cache", tmp_path / "site.sqlite3"
    store = open_store(db)
    try:
        _articles(store, 3)
    finally:
        store.close()
    res = run("--db", str(db), "replace", "Quoted.", "Quoted again.", env={CACHE_ENV: str(cache)})
    assert res.returncode == 0, res.stderr
    store = open_store(db)
    try:
        bodies = [a.body for a in all_articles(store)]
    finally:
        store.close()
    assert all("Quoted again." in body for body in bodies)
    files = FragmentCache(cache)
    assert all(from_record(files.get(body)) == _parse(body) for body in bodies)


def test_articles_not_yet_committed_when_added_are_read_at_the_end(store, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    warmer = Warmer(store, workers=1, inline_up_to=0)
    coming = list(range(1, 251))
    warmer.add(coming)  # an import's transaction not committed yet: none of them can be read
    assert _articles(store, 250) == coming
    report = warmer.finish()
    assert (report.bodies, report.parsed) == (250, 250)


@pytest.mark.parametrize("count", [5, 250])
def test_a_store_that_cannot_be_read_stops_rendering_ahead_quietly(tmp_path, monkeypatch, count):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    db = tmp_path / "gone.sqlite3"
    store = open_store(db)
    ids = _articles(store, count)
    store.close()
    db.unlink()
    db.write_bytes(b"not a database")
    warmer = Warmer(store, workers=1, inline_up_to=100)  # 5 here, 250 in worker processes
    warmer.add(ids)  # as the import goes on: nothing raised
    report = warmer.finish()
    assert (report.bodies, report.parsed) == (0, 0)



STOP_AND_QUIT = """
import sys, threading
from digest_desk.export.warm import Warmer
from digest_desk.store import open_store

if __name__ == "__main__":
    store = open_store(sys.argv[1])
    warmer = Warmer(store, workers=2, inline_up_to=0, batch=5)
    warmer.add(range(1, 1201))
    stop = threading.Event()
    stop.set()  # the editor quits as the last batches are handed over
    report = warmer.finish(stop)
    print(report.cancelled, flush=True)
"""


def test_a_program_that_stops_its_warmer_quits_without_running_the_queue(store, tmp_path, monkeypatch):
    """Stopping cancels every batch not handed to a worker yet: the program then quits after
    the few the workers hold. (Left to the pool, the cancelling was lost once the executor was
    let go, and the interpreter's exit waited for the whole queue to be parsed.)"""
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    with store.write() as session:  # long bodies: the whole queue is seconds of parsing
        session.add_all(Article(title=f"Long {i}", slug=f"long-{i}", slug_key=slug_key(f"long-{i}"),
                                body="\n\n".join(BODY.format(n=f"{i}-{k}") for k in range(12)),
                                status=Status.PUBLISHED) for i in range(1200))
    script = tmp_path / "quit.py"
    script.write_text(STOP_AND_QUIT, "utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, str(script), str(store.target)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr
    written = len([p for p in cache.rglob("*") if p.is_file() and "templates" not in p.parts])
    assert written < 600, written  # most of the 1,200 were never parsed
