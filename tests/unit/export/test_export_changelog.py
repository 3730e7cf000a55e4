"""Incremental exports from the change log equal a full export into a new folder, after every kind of change."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from digest_desk.domain import Image, Link, LinkKind, Status
from digest_desk.export import export_site
from digest_desk.export.delta import delta_plan
from digest_desk.export.folders import MANIFEST
from digest_desk.export.manifest import CHANGES, load_manifest
from digest_desk.export.site_pages import SITEMAP_LIMIT
from digest_desk.store import open_store
from digest_desk.store.articles import create_article, delete_article, get_by_slug, save_article
from digest_desk.store.site import update_site
from tests.export_site_fixture import insert_image, tree

SRC = Path(__file__).resolve().parents[3] / "src"
NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
SECTIONS = ("Harbour", "Council", "Weather")
SMALL_LIMIT = 10  # sitemap part files of at most 10 addresses: the parts and the pages file


def _site(store) -> None:
    """45 published articles in three sections (three list pages of the digest), one draft, one
    scheduled for later, a stored lead picture and an internal link from story 3 to story 7."""
    update_site(store, name="Harbour Digest", base_url="https://digest.example/", tagline="News")
    picture = insert_image(store, Image(name="quay.png", mime="image/png", width=4, height=3, alt="Quay",
                                        data=b"\x89PNG fake bytes", sha256="a" * 64))
    for i in range(45):
        create_article(store, title=f"Story {i}", slug=f"story-{i}", summary=f"Summary {i}.",
                       body=f"Body of story {i}.", author="Ana", category=SECTIONS[i % 3],
                       status=Status.PUBLISHED, published_at=NOW - timedelta(hours=50 - i),
                       image_id=picture.id if i == 5 else None)
    create_article(store, title="Draft", slug="draft", body="Not yet.", status=Status.DRAFT)
    create_article(store, title="Later", slug="later", body="Soon.", category="Harbour",
                   status=Status.SCHEDULED, published_at=NOW + timedelta(hours=1))
    source, target = get_by_slug(store, "story-3"), get_by_slug(store, "story-7")
    with store.write() as session:
        session.add(Link(article_id=source.id, title="Earlier", url="/story-7/", kind=LinkKind.RELATED,
                         position=0, target_article_id=target.id))


def _edit(store, slug: str, **values) -> None:
    article = get_by_slug(store, slug)
    for name, value in values.items():
        setattr(article, name, value)
    save_article(store, article, reason="test")


def _cli(store, db: Path | str, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db), *args], capture_output=True,
                          text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr


def _publish_new(store, count: int, hours_ago: float, category: str = "Harbour") -> None:
    for i in range(count):
        create_article(store, title=f"New {i}", slug=f"new-{i}", body=f"Fresh story {i}.", author="Li",
                       category=category, status=Status.PUBLISHED, published_at=NOW - timedelta(hours=hours_ago, minutes=i))


# Each change, and whether the change log can serve it (True) or the full comparison must (False);
# a pair when that differs with one sitemap and with sitemap part files.
CHANGES_TO_TRY: dict[str, tuple[Callable, bool | tuple[bool, bool]]] = {
    "edit body": (lambda s, db: _edit(s, "story-20", body="A corrected body."), True),
    "edit title": (lambda s, db: _edit(s, "story-21", title="A new title"), True),
    "edit a linked article's title": (lambda s, db: _edit(s, "story-7", title="Renamed target"), True),
    "edit the newest (feed)": (lambda s, db: _edit(s, "story-44", summary="New summary."), True),
    "edit a draft": (lambda s, db: _edit(s, "draft", body="Still not yet."), True),
    "author set by the CLI": (lambda s, db: _cli(s, db, "set", "story-30", "author", "Li Wei"), True),
    "unpublished by the CLI": (lambda s, db: _cli(s, db, "set", "story-31", "status", "draft"), True),  # front page
    # Entering the front page of its lists: only those pages, the feed and a sitemap line change.
    "publish": (lambda s, db: _edit(s, "draft", status=Status.PUBLISHED, published_at=NOW - timedelta(hours=5)), True),
    "publish a new article": (lambda s, db: _publish_new(s, 1, 1), True),
    # 45 + 15 articles: the front page fills a new older page (its sitemap part is new: full plan).
    "publish fifteen": (lambda s, db: _publish_new(s, 15, 1), (True, False)),
    "publish in a new section": (lambda s, db: _publish_new(s, 1, 1, category="Sport"), False),
    "publish without a section": (lambda s, db: _publish_new(s, 1, 1, category=""), True),
    "publish back-dated": (lambda s, db: _publish_new(s, 1, 100), False),  # every newer page moves
    "unpublish": (lambda s, db: _edit(s, "story-12", status=Status.DRAFT), False),  # older pages move
    "delete": (lambda s, db: delete_article(s, get_by_slug(s, "story-13").id), False),
    # Leaving the front page of its lists: those pages, the feed and a sitemap line change (45
    # articles: the front page holds 25, the newest older page goes back to it below 41).
    "unpublish the newest": (lambda s, db: _edit(s, "story-44", status=Status.DRAFT), True),
    "delete one on the front page": (lambda s, db: delete_article(s, get_by_slug(s, "story-30").id), True),
    "put off one on the front page": (lambda s, db: _edit(s, "story-39", status=Status.SCHEDULED,
                                                          published_at=NOW + timedelta(days=2)), True),
    "unpublish a linked article on an older page": (lambda s, db: _edit(s, "story-7", status=Status.DRAFT), False),
    "unpublish two": (lambda s, db: [_edit(s, f"story-{i}", status=Status.DRAFT) for i in (43, 44)], False),
    "unpublish and change section": (lambda s, db: _edit(s, "story-42", status=Status.DRAFT, category="Harbour"),
                                     True),
    "change section": (lambda s, db: _edit(s, "story-14", category="Harbour"), False),
    "site profile": (lambda s, db: update_site(s, tagline="Other news"), False),
    "media": (lambda s, db: _raw(s, "UPDATE image SET alt = 'The quay at dawn' WHERE name = 'quay.png'"), False),
}


def _raw(store, sql: str) -> None:
    with store.write() as session:
        session.execute(text(sql))


def _files(root: Path) -> dict[str, str]:
    return {rel: sha for rel, sha in tree(root).items() if rel != MANIFEST}


def _changed_equals_full(store, out: Path, tmp_path: Path, now: datetime, limit: int, served: bool) -> None:
    old = load_manifest(out)
    assert old is not None
    assert (delta_plan(store, old, out, now, limit) is not None) is served
    export_site(store, out, changed_only=True, now=now, sitemap_limit=limit)
    fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    export_site(store, fresh, now=now, sitemap_limit=limit)
    assert _files(out) == _files(fresh)


@pytest.mark.parametrize("limit", [SITEMAP_LIMIT, SMALL_LIMIT], ids=["one-sitemap", "sitemap-parts"])
@pytest.mark.parametrize("change", list(CHANGES_TO_TRY))
def test_an_incremental_export_after_a_change_equals_a_full_one(store, db_path, tmp_path, change, limit):
    _site(store)
    out = tmp_path / "out"
    export_site(store, out, now=NOW, sitemap_limit=limit)
    make, served = CHANGES_TO_TRY[change]
    if isinstance(served, tuple):
        served = served[limit != SITEMAP_LIMIT]
    make(store, db_path)
    _changed_equals_full(store, out, tmp_path, NOW, limit, served)
    # And once more after it: the mark recorded by the incremental export serves the next one.
    _edit(store, "story-40", body="Another correction.")
    _changed_equals_full(store, out, tmp_path, NOW, limit, True)


@pytest.mark.parametrize("limit", [SITEMAP_LIMIT, SMALL_LIMIT], ids=["one-sitemap", "sitemap-parts"])
@pytest.mark.parametrize("pages", [1, 2])
def test_an_article_leaving_a_full_front_page_takes_the_newest_older_page_back(store, tmp_path, limit, pages):
    _site(store)
    if pages == 1:  # 40 articles: a front page of 20 and one older page of 20
        for i in range(5):
            delete_article(store, get_by_slug(store, f"story-{i}").id)
    else:  # 60: a front page and two older pages of 20
        _publish_new(store, 15, 1)
    out = tmp_path / "out"
    export_site(store, out, now=NOW, sitemap_limit=limit)
    assert (out / f"page/{pages}/index.html").is_file()
    newest = "new-0" if pages == 2 else "story-44"
    _edit(store, newest, status=Status.DRAFT)
    _changed_equals_full(store, out, tmp_path, NOW, limit, True)
    assert not (out / f"page/{pages}").exists() and not (out / newest).exists()
    assert (pages == 2) is (out / "page/1/index.html").is_file()  # it links to the front page now


def test_a_scheduled_time_passing_counts_as_a_change(store, tmp_path):
    _site(store)
    source, target = get_by_slug(store, "story-10"), get_by_slug(store, "later")
    with store.write() as session:  # a link to it: a plain text until it is on the site
        session.add(Link(article_id=source.id, title="Soon", url="/later/", kind=LinkKind.RELATED,
                         position=0, target_article_id=target.id))
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    linking = (out / "story-10" / "index.html").read_text()
    later = NOW + timedelta(hours=2)  # "Later" is due: no row changed, the change log serves it
    _changed_equals_full(store, out, tmp_path, later, SITEMAP_LIMIT, True)
    assert (out / "later" / "index.html").is_file() and "Later" in (out / "index.html").read_text()
    assert (out / "story-10" / "index.html").read_text() != linking  # its link now leads there
    _changed_equals_full(store, out, tmp_path, later + timedelta(minutes=5), SITEMAP_LIMIT, True)


def test_nothing_changed_writes_nothing(store, tmp_path):
    _site(store)
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    before = tree(out)
    report = export_site(store, out, changed_only=True, now=NOW)
    assert report.written == 0 and report.rendered == 0 and tree(out) == before


def test_a_revert_is_rendered_again_although_its_key_is_as_recorded(store, tmp_path):
    _site(store)
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    _edit(store, "story-20", body="A typo.")
    _edit(store, "story-20", body="Body of story 20.")
    report = export_site(store, out, changed_only=True, now=NOW)
    assert report.rendered == 1
    fresh = tmp_path / "fresh"
    export_site(store, fresh, now=NOW)
    assert _files(out) == _files(fresh)


def _mark_of(out: Path) -> dict:
    manifest = load_manifest(out)
    assert manifest is not None and manifest.changes is not None
    return manifest.changes


def test_an_export_of_another_database_into_the_folder_is_not_trusted(store, tmp_path, db_path):
    _site(store)
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    other = open_store(tmp_path / "other.sqlite3")
    try:
        _site(other)
        _edit(other, "story-2", title="Only in the other database")
        assert delta_plan(other, load_manifest(out), out, NOW, SITEMAP_LIMIT) is None
        export_site(other, out, changed_only=True, now=NOW)
        fresh = tmp_path / "fresh"
        export_site(other, fresh, now=NOW)
        assert _files(out) == _files(fresh)
    finally:
        other.close()


@pytest.mark.parametrize("tamper", ["no mark", "since ahead", "other base", "earlier now", "other limit"])
def test_a_mark_that_does_not_fit_falls_back_to_the_full_comparison(store, tmp_path, tamper):
    _site(store)
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    _edit(store, "story-20", body="A corrected body.")
    mark = _mark_of(out)
    if tamper == "no mark":
        (out / CHANGES).unlink()
    else:
        import json

        changed = {"since ahead": {"since": mark["since"] + 1000}, "other base": {"base": "0" * 64},
                   "earlier now": {"now": (NOW + timedelta(days=1)).isoformat()},
                   "other limit": {"sitemap_limit": 7}}[tamper]
        (out / CHANGES).write_text(json.dumps({**mark, **changed}), "utf-8")
    assert delta_plan(store, load_manifest(out), out, NOW, SITEMAP_LIMIT) is None
    export_site(store, out, changed_only=True, now=NOW)
    fresh = tmp_path / "fresh"
    export_site(store, fresh, now=NOW)
    assert _files(out) == _files(fresh)
    assert _mark_of(out)["since"] >= mark["since"]


def test_an_export_of_named_articles_records_no_mark(store, tmp_path):
    _site(store)
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    _edit(store, "story-20", body="A corrected body.")
    _edit(store, "story-21", body="Another corrected body.")
    export_site(store, out, articles=["story-21"], now=NOW)
    assert load_manifest(out).changes is None  # story-20 is not built: the next export compares keys
    _changed_equals_full(store, out, tmp_path, NOW, SITEMAP_LIMIT, False)


@pytest.mark.sqlite_only
def test_a_restored_backup_is_not_taken_for_the_database_exported_before(store, db_path, tmp_path):
    from digest_desk.store.backup import make_backup, restore

    _site(store)
    backup = make_backup(db_path, "test")
    _edit(store, "story-20", title="Edited after the backup")
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    store.close()
    restore(db_path, backup, force=True)  # story-20 has its old title again, stamped before the mark
    restored = open_store(db_path)
    try:
        for i in range(3):  # the counter passes the mark again
            _edit(restored, "story-40", body=f"Correction {i}.")
        assert delta_plan(restored, load_manifest(out), out, NOW, SITEMAP_LIMIT) is None
        export_site(restored, out, changed_only=True, now=NOW)
        fresh = tmp_path / "fresh"
        export_site(restored, fresh, now=NOW)
        assert _files(out) == _files(fresh)
    finally:
        restored.close()


def test_a_change_committed_after_the_export_read_is_seen_by_the_next_export(store, db_path, tmp_path):
    """Another writer's transaction is open (its change stamped, not committed) while an export
    reads; it commits afterwards. On PostgreSQL its stamp (transaction id) is below the mark
    the export recorded only if it started earlier: the mark is the snapshot's xmin, so it is
    still looked at."""
    _site(store)
    out = tmp_path / "out"
    export_site(store, out, now=NOW)
    other = open_store(db_path)
    try:
        with other.engine.connect() as connection:
            transaction = connection.begin()
            connection.execute(text("UPDATE article SET title = 'Late title', version = version + 1 "
                                    "WHERE slug = 'story-22'"))
            if store.dialect == "postgresql":  # a later transaction commits first (SQLite: one writer)
                _edit(store, "story-40", body="Committed first.")
            report = export_site(store, out, changed_only=True, now=NOW)  # does not see the open change
            assert "Late title" not in (out / "story-22" / "index.html").read_text("utf-8")
            assert report.rendered <= 1
            transaction.commit()
    finally:
        other.close()
    _changed_equals_full(store, out, tmp_path, NOW, SITEMAP_LIMIT, True)
    assert "Late title" in (out / "story-22" / "index.html").read_text("utf-8")
