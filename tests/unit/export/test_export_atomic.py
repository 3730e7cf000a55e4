"""Atomic, deterministic and incremental: what a second export, a failure or a crash leaves."""

from __future__ import annotations

import os
import subprocess
import threading

import pytest

from digest_desk.domain import Image
from digest_desk.export import ExportCancelled, ExportError, export_site, settle
from digest_desk.export.folders import MANIFEST, MARKER
from digest_desk.store.articles import delete_article, get_by_slug, save_article
from tests.export_site_fixture import insert_image, leftovers, stats, tree

FAULT = "DIGEST_DESK_EXPORT_FAULT"


def test_exporting_twice_gives_byte_identical_files(store, site, tmp_path):
    export_site(store, tmp_path / "a")
    export_site(store, tmp_path / "b")
    first = tree(tmp_path / "a")
    assert first == tree(tmp_path / "b")
    before = stats(tmp_path / "a")
    report = export_site(store, tmp_path / "a")
    assert tree(tmp_path / "a") == first
    assert report.written == 0 and report.unchanged == len(first) - 1
    # Same bytes are not written again: every page keeps its inode and time stamp.
    after = stats(tmp_path / "a")
    assert {rel: before[rel] for rel in before if rel != MANIFEST} == {
        rel: after[rel] for rel in after if rel != MANIFEST}


def test_a_full_export_restores_files_deleted_by_hand(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    before = tree(out)
    slug = sorted(site["articles"])[0]
    (out / slug / "amp" / "index.html").unlink()
    (out / "feed.xml").unlink()
    report = export_site(store, out)
    assert tree(out) == before
    assert report.written == 2


def test_worker_processes_write_the_same_bytes(store, site, tmp_path):
    export_site(store, tmp_path / "serial", parallel=False)
    export_site(store, tmp_path / "parallel", parallel=True)
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel")


def test_incremental_export_rewrites_only_what_changed(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    before_stats, before = stats(out), tree(out)
    slug = sorted(site["articles"])[0]
    article = get_by_slug(store, slug)
    article.body += "\n\nA correction was added."
    save_article(store, article, reason="edit")
    report = export_site(store, out, changed_only=True)
    after = tree(out)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert {f"{slug}/index.html", f"{slug}/amp/index.html"} <= changed
    # Only the article, the feed and sitemap (its update time) and the manifest may change.
    assert changed <= {f"{slug}/index.html", f"{slug}/amp/index.html", "feed.xml", "sitemap.xml", MANIFEST}
    untouched = [rel for rel in before if rel not in changed]
    assert all(stats(out)[rel] == before_stats[rel] for rel in untouched)
    assert report.rendered == 1 and report.removed == 0
    assert report.written == len(changed) - 1
    # The result equals a full export of the same store (the manifests may differ in the keys
    # recorded for sitemap files the change log's path patched).
    export_site(store, tmp_path / "full")
    full = tree(tmp_path / "full")
    assert {k: v for k, v in full.items() if k != MANIFEST} == {k: v for k, v in after.items() if k != MANIFEST}
    assert leftovers(out) == []


def test_deleted_and_renamed_articles_lose_their_pages(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    gone, renamed = sorted(site["articles"])[:2]
    delete_article(store, site["articles"][gone].id)
    article = get_by_slug(store, renamed)
    save_article(store, article, slug="a-brand-new-slug", reason="rename")
    report = export_site(store, out, changed_only=True)
    assert not (out / gone).exists()
    assert not (out / renamed).exists()
    assert (out / "a-brand-new-slug" / "amp" / "index.html").is_file()
    assert report.removed == 4
    export_site(store, tmp_path / "full")
    assert tree(tmp_path / "full") == tree(out)


def test_article_export_writes_its_pages_and_the_indexes(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    slug, other = sorted(site["articles"])[:2]
    for name in (slug, other):
        article = get_by_slug(store, name)
        article.title = article.title + " (updated)"
        save_article(store, article, reason="edit")
    before = tree(out)
    report = export_site(store, out, articles=[slug])
    after = tree(out)
    assert report.mode == "articles" and report.rendered == 1
    assert after[f"{slug}/index.html"] != before[f"{slug}/index.html"]
    assert after[f"{other}/index.html"] == before[f"{other}/index.html"]
    assert after["index.html"] != before["index.html"]
    # The next incremental export catches up with the other article.
    report = export_site(store, out, changed_only=True)
    assert report.rendered == 1
    assert tree(out)[f"{other}/index.html"] != before[f"{other}/index.html"]


@pytest.mark.parametrize(("changed_only", "parallel"), [(False, False), (True, False), (True, True)])
def test_a_write_failure_leaves_the_previous_export_byte_identical(store, site, tmp_path, monkeypatch,
                                                                   changed_only, parallel):
    out = tmp_path / "out"
    export_site(store, out)
    before = tree(out)
    for article in site["articles"].values():
        fresh = get_by_slug(store, article.slug)
        fresh.body += "\n\nEdited."
        save_article(store, fresh, reason="edit")
    monkeypatch.setenv(FAULT, "enospc:4")
    with pytest.raises(ExportError, match="disk is full.*previous export is unchanged"):
        export_site(store, out, changed_only=changed_only, parallel=parallel)
    assert tree(out) == before
    assert leftovers(out) == []


def test_a_full_disk_leaves_the_previous_export_byte_identical(store, site, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        out = disk / "site"
        export_site(store, out)
        before = tree(out)
        noise = Image(name="noise.png", mime="image/png", width=900, height=900, sha256="noise",
                      data=os.urandom(1_200_000))  # random bytes: more than the whole disk
        insert_image(store, noise)
        shown = next(iter(site["articles"].values()))  # published pages show it, so it is exported
        fresh = get_by_slug(store, shown.slug)
        fresh.body += "\n\n![Noise](media/noise.png)"
        save_article(store, fresh, reason="edit")
        with pytest.raises(ExportError, match="disk is full"):
            export_site(store, out)
        assert tree(out) == before
        assert leftovers(out) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_cancel_stops_and_leaves_the_previous_export(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    before = tree(out)
    cancel = threading.Event()

    def progress(done, total):
        if done >= 2:
            cancel.set()

    with pytest.raises(ExportCancelled):
        export_site(store, out, progress=progress, cancel=cancel)
    assert tree(out) == before and leftovers(out) == []


def test_removing_more_than_half_asks_first(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    before = tree(out)
    for article in site["articles"].values():
        delete_article(store, article.id)
    asked = []
    with pytest.raises(ExportCancelled, match="would delete"):
        export_site(store, out, confirm_large_delete=lambda r, e: asked.append((r, e)) or False)
    assert tree(out) == before and leftovers(out) == []
    assert asked and asked[0][0] * 2 > asked[0][1]
    report = export_site(store, out, confirm_large_delete=lambda r, e: True)
    assert report.removed == asked[0][0]
    assert list(out.glob("*/amp/index.html")) == []
    assert (out / "index.html").is_file() and (out / "about" / "index.html").is_file()


def test_leftovers_of_a_crashed_export_are_removed_but_not_foreign_folders(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    ours = tmp_path / "out.tmp-0badc0de"
    ours.mkdir()
    (ours / MARKER).write_text('{"target": "out"}')
    (ours / "index.html").write_text("half written")
    foreign = tmp_path / "out.tmp-12345678"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("someone else's")
    export_site(store, out)
    settle()  # leftovers are removed on a thread of their own
    assert not ours.exists()
    assert (foreign / "notes.txt").read_text() == "someone else's"


def test_a_swap_interrupted_between_renames_is_undone(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    before = tree(out)
    out.rename(tmp_path / "out.old-0000abcd")  # the crash: old moved away, new not yet in place
    export_site(store, tmp_path / "elsewhere")  # an unrelated export does not touch it
    assert not out.exists()
    export_site(store, out, changed_only=True)
    assert tree(out) == before
    assert leftovers(out) == []


def test_files_added_by_hand_survive_a_full_export(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    (out / "robots.txt").write_text("User-agent: *\n")
    export_site(store, out)
    assert (out / "robots.txt").read_text() == "User-agent: *\n"


def test_a_new_version_of_a_rendering_library_rerenders_every_page(store, site, tmp_path, monkeypatch):
    from importlib import metadata

    from digest_desk.export import sitedata

    out = tmp_path / "out"
    export_site(store, out)
    assert export_site(store, out, changed_only=True).rendered == 0
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "99.0" if name == "markdown" else real(name))
    sitedata.code_version.cache_clear()
    try:
        report = export_site(store, out, changed_only=True)
    finally:
        monkeypatch.undo()
        sitedata.code_version.cache_clear()
    assert report.rendered == len(site["articles"])
    assert report.written == 0  # same library really installed: same bytes, nothing rewritten


@pytest.mark.parametrize("parallel", [True, False])
def test_edits_made_while_a_full_export_starts_end_up_as_the_plan_says(store, site, tmp_path, monkeypatch,
                                                                      parallel):
    """A full export starts rendering before it has read the whole store; when an article is
    unpublished and a section renamed in that moment, the pages already rendered are dropped
    and the export equals a clean export of the final state."""
    from digest_desk.export import pipeline

    out = tmp_path / "out"
    gone, moved = sorted(site["articles"])[:2]
    real_plan = pipeline.make_plan

    def plan_after_an_edit(store_, *args):
        if parallel:  # let the workers write pages of the old state first
            for _ in range(600):
                if any((tmp / gone / "index.html").is_file() for tmp in tmp_path.glob("out.tmp-*")):
                    break
                threading.Event().wait(0.05)
            else:
                pytest.fail("the workers wrote nothing before the plan")
        article = get_by_slug(store_, gone)
        article.status = "draft"
        save_article(store_, article, reason="unpublish")
        article = get_by_slug(store_, moved)
        article.category = "Harbour Life"
        save_article(store_, article, reason="new section")
        return real_plan(store_, *args)

    monkeypatch.setattr(pipeline, "make_plan", plan_after_an_edit)
    export_site(store, out, parallel=parallel)
    monkeypatch.setattr(pipeline, "make_plan", real_plan)
    export_site(store, tmp_path / "clean", parallel=parallel)
    assert not (out / gone).exists()
    assert (out / "category" / "harbour-life" / "index.html").is_file()
    assert tree(out) == tree(tmp_path / "clean")
    assert leftovers(out) == []


def test_only_the_render_workers_pause_the_garbage_collector(store, site, tmp_path):
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from digest_desk.export.articles import init_worker

    seen = []
    export_site(store, tmp_path / "out", parallel=True, progress=lambda done, total: seen.append(gc.isenabled()))
    assert seen and all(seen)  # the exporting process (the window's, maybe) keeps its collector
    args = (store.target, str(tmp_path / "worker"), [], None, {})
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker,
                             initargs=args) as pool:
        assert pool.submit(gc.isenabled).result() is False


def test_the_export_command_pauses_only_its_own_collector_and_restores_it(store, site, db_path, tmp_path):
    import gc

    from digest_desk.cli import main

    assert main(["--db", str(db_path), "export", str(tmp_path / "out")]) == 0
    assert gc.isenabled()
    gc.disable()  # a collector it found disabled stays disabled
    try:
        assert main(["--db", str(db_path), "export", "--changed", str(tmp_path / "out")]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
