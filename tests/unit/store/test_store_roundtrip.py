"""Round trips of revisions, link check results, deletion and the site profile through a file."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from digest_desk.domain import Link, LinkKind, Revision, Status
from digest_desk.store import NotFoundError, open_store
from digest_desk.store.articles import (
    create_article,
    delete_article,
    get_article,
    list_articles,
    revisions,
    save_article,
)
from digest_desk.store.search import search
from digest_desk.store.site import SiteSettingError, get_site, update_site

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL


def test_revisions_keep_full_snapshots(store):
    a = create_article(store, title="Draft", body="v1", tags=["x"],
                       links=[{"title": "L", "url": "https://a.example/", "kind": "related"}])
    a.body, a.status = "v2", Status.READY
    save_article(store, a, reason="autosave")
    history = revisions(store, a.id)
    assert [(r.version, r.reason, r.data["body"]) for r in history] == [
        (2, "autosave", "v2"), (1, "created", "v1"),
    ]
    assert history[0].data["status"] == "ready"
    assert history[1].data["links"] == [
        {"title": "L", "url": "https://a.example/", "kind": "related", "target_article_id": None}
    ]
    assert isinstance(history[0], Revision) and history[0].created_at.tzinfo is not None


def test_link_check_results_survive_saves_of_unchanged_urls(store, db_path):
    a = create_article(store, title="Links", links=[
        {"title": "Kept", "url": "https://kept.example/"},
        {"title": "Gone", "url": "https://gone.example/", "kind": "source"},
    ])
    checked = datetime(2026, 11, 1, 12, tzinfo=UTC)
    with store.write() as session:
        for link in session.exec(select(Link).where(Link.article_id == a.id)):
            link.check_status, link.check_final_url, link.checked_at = 200, link.url + "x", checked
    fresh = get_article(store, a.id)
    save_article(store, fresh, links=[
        {"title": "Kept, renamed", "url": "https://kept.example/"},
        {"title": "New", "url": "https://new.example/", "kind": "read-more"},
    ])
    store.close()
    again = open_store(db_path)
    links = get_article(again, a.id).links
    assert [(x.title, x.kind, x.position) for x in links] == [
        ("Kept, renamed", LinkKind.READ_MORE, 0), ("New", LinkKind.READ_MORE, 1),
    ]
    assert (links[0].check_status, links[0].checked_at) == (200, checked)
    assert links[1].check_status is None
    again.close()


def test_internal_links_point_at_articles_and_survive_target_deletion(store):
    target = create_article(store, title="Target")
    a = create_article(store, title="Source", links=[
        {"title": "See", "url": "/target/", "kind": "related", "target_article_id": target.id},
    ])
    assert get_article(store, a.id).links[0].target_article_id == target.id
    delete_article(store, target.id)
    assert get_article(store, a.id).links[0].target_article_id is None


def test_delete_removes_links_revisions_and_index_entries(store):
    a = create_article(store, title="Doomed words", links=[{"url": "https://x.example/"}])
    snapshot = delete_article(store, a.id)
    assert snapshot["title"] == "Doomed words"
    with pytest.raises(NotFoundError):
        get_article(store, a.id)
    assert revisions(store, a.id) == [] and search(store, "doomed") == []
    with store.read() as session:
        assert session.exec(select(Link)).all() == []


def test_site_profile_round_trip(store, db_path):
    update_site(store, name="Evening Digest", footer_links=[{"title": "Home", "url": "/"}],
                about_md="# About", logo_width=120, logo_height=40)
    store.close()
    again = open_store(db_path)
    site = get_site(again)
    assert (site.name, site.about_md, site.logo_width) == ("Evening Digest", "# About", 120)
    assert site.footer_links == [{"title": "Home", "url": "/"}]
    again.close()


def test_list_filters_and_pages(store):
    for i in range(7):
        create_article(store, title=f"A{i}", category="News" if i % 2 else "Sport",
                       status=Status.PUBLISHED if i < 3 else Status.DRAFT,
                       published_at=datetime(2026, 1, 1 + i, tzinfo=UTC))
    assert [r.title for r in list_articles(store, limit=3)] == ["A6", "A5", "A4"]
    assert [r.title for r in list_articles(store, offset=3, limit=3)] == ["A3", "A2", "A1"]
    assert {r.title for r in list_articles(store, status="published")} == {"A0", "A1", "A2"}
    assert {r.title for r in list_articles(store, category="News")} == {"A1", "A3", "A5"}


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("base_url", "example.com", "full web address"),
        ("partner_url", "ftp://x.example/", "full web address"),
        ("language", "english please", "language code"),
        ("name", "  ", "needs a name"),
        ("read_more_text", "More on {site}", "{partner}"),
        ("footer_links", [{"title": "Home"}], "url"),
        ("logo_width", "-3", "positive"),
    ],
)
def test_bad_site_settings_are_refused_and_nothing_changes(store, key, value, words):
    before = get_site(store)
    with pytest.raises(SiteSettingError, match=re.escape(words)):
        update_site(store, **{"tagline": "Changed too", key: value})
    after = get_site(store)
    assert (after.tagline, getattr(after, key)) == (before.tagline, getattr(before, key))


def test_site_settings_are_normalised(store):
    site = update_site(store, base_url="https://news.example.org", language="pt-BR", logo_width="120")
    assert (site.base_url, site.language, site.logo_width) == ("https://news.example.org/", "pt-BR", 120)
