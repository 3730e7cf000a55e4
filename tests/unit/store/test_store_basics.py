"""Round trips through a real SQLite file: articles, links, revisions and conflicts."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest

from digest_desk.domain import LinkKind, Status
from digest_desk.store import ConflictError, open_store
from digest_desk.store.articles import (
    create_article,
    get_article,
    get_by_slug,
    list_articles,
    revisions,
    save_article,
)
from digest_desk.store.site import get_site, update_site

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL


def test_article_round_trip_keeps_every_field(store, db_path):
    when = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    a = create_article(
        store,
        title="Rivers rise in the north",
        summary="Flood warnings",
        body="# Heading\n\nText.",
        author="Ana",
        category="Weather",
        tags=["flood", "river"],
        status=Status.READY,
        published_at=when,
        links=[{"title": "Gauge data", "url": "https://example.org/g", "kind": "source"}],
    )
    store.close()
    again = open_store(db_path)
    b = get_article(again, a.id)
    assert (b.title, b.slug, b.summary, b.author, b.category) == (
        "Rivers rise in the north", "rivers-rise-in-the-north", "Flood warnings", "Ana", "Weather",
    )
    assert b.tags == ["flood", "river"]
    assert b.status == Status.READY
    # The same instant, kept in UTC (the publication rule compares stored times as UTC text).
    assert b.published_at == when and b.published_at.utcoffset() == timedelta(0)
    assert [(link.title, link.kind) for link in b.links] == [("Gauge data", LinkKind.SOURCE)]
    assert get_by_slug(again, "RIVERS-RISE-IN-THE-NORTH").id == a.id


def test_save_bumps_version_records_revision_and_detects_conflict(store):
    a = create_article(store, title="First")
    stale = get_article(store, a.id)
    a.body = "new text"
    saved = save_article(store, a, reason="save")
    assert saved.version == a.version + 1
    assert [r.reason for r in revisions(store, a.id)] == ["save", "created"]
    stale.body = "older edit"
    with pytest.raises(ConflictError, match="changed elsewhere"):
        save_article(store, stale)
    assert get_article(store, a.id).body == "new text"


@pytest.mark.sqlite_only
def test_pragmas_are_wal_full_sync_and_foreign_keys(store, db_path):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_site_profile_defaults_and_update(store):
    site = get_site(store)
    assert [link["title"] for link in site.footer_links] == ["See More Digest", "Contact Us", "About Us"]
    update_site(store, name="Morning Digest", partner_name="Partner News")
    assert get_site(store).name == "Morning Digest"
    with pytest.raises(KeyError):
        update_site(store, colour="red")


def test_list_is_newest_first(store):
    old = create_article(store, title="Old", published_at=datetime(2020, 1, 1, tzinfo=UTC_))
    new = create_article(store, title="New", published_at=datetime(2026, 1, 1, tzinfo=UTC_))
    assert [r.id for r in list_articles(store)] == [new.id, old.id]


UTC_ = UTC
