"""The live link rules: where an internal link goes (render.links) and what checks say of links."""

from __future__ import annotations

from datetime import UTC, datetime

from digest_desk.checks.editorial import check_editorial
from digest_desk.domain import Article, Link, LinkKind, Site
from digest_desk.domain.linkstate import link_state
from digest_desk.render import RenderContext
from digest_desk.render.links import link_url, shown_links

WHEN = datetime(2026, 11, 1, tzinfo=UTC)
SITE = Site(base_url="https://digest.example/")


def test_an_internal_link_follows_its_target_per_rendition_and_slug():
    link = Link(title="Earlier story", url="", kind=LinkKind.RELATED, target_article_id=5)
    ctx = RenderContext(slugs={5: "rivers-rise"})
    assert link_url(link, SITE, ctx, "standard") == "https://digest.example/rivers-rise/"
    assert link_url(link, SITE, ctx, "amp") == "https://digest.example/rivers-rise/amp/"
    assert link_url(link, SITE, RenderContext(slugs={5: "rivers-rise-again"}), "standard") == (
        "https://digest.example/rivers-rise-again/")
    exported = RenderContext(slugs={5: "rivers-rise"}, root="../../")
    assert link_url(link, SITE, exported, "amp") == "../../rivers-rise/amp/index.html"
    # A target that is not a published article (deleted, or a draft) is no link at all.
    assert link_url(link, SITE, RenderContext(), "standard") is None
    external = Link(title="X", url="https://example.org/x", kind=LinkKind.RELATED)
    article = Article(title="A", slug="a", links=[link, external])
    assert [s.url for s in shown_links(article, SITE, RenderContext(), "amp")] == ["https://example.org/x"]


def test_checks_name_bad_missing_broken_and_unreachable_links():
    article = Article(title="A story", slug="a-story", body="Text.", links=[
        Link(title="Fine", url="https://ok.example/", kind=LinkKind.RELATED, check_status=200, checked_at=WHEN),
        Link(title="Bad scheme", url="ftp://x.example/", kind=LinkKind.RELATED),
        Link(title="Gone article", url="", kind=LinkKind.RELATED, target_article_id=9),
        Link(title="Dead", url="https://dead.example/", kind=LinkKind.SOURCE, check_status=404, checked_at=WHEN),
        Link(title="Offline", url="https://off.example/", kind=LinkKind.SOURCE, check_status=None,
             check_error="unreachable: connection refused", checked_at=WHEN),
        Link(title="Cleared", url="", kind=LinkKind.RELATED),
    ])
    found = {(p.code, p.severity) for p in check_editorial(article, SITE, RenderContext(), lambda t: t in {1, 2})}
    assert {("editorial.link-bad-scheme", "error"), ("editorial.link-missing-article", "error"),
            ("editorial.link-broken", "warning"), ("editorial.link-unreachable", "info"),
            ("editorial.link-empty", "error")} <= found


def test_one_rule_for_broken():
    assert link_state({"checked_at": None}) == "unchecked"
    assert link_state({"checked_at": WHEN, "check_status": None}) == "unreachable"
    assert link_state({"checked_at": WHEN, "check_status": 404}) == "broken"
    assert link_state({"checked_at": WHEN, "check_status": 200, "check_error": "bad TLS"}) == "broken"
    assert link_state({"checked_at": WHEN, "check_status": 200, "url": "a", "check_final_url": "b"}) == "redirected"
    assert link_state(Link(url="a", check_status=204, checked_at=WHEN)) == "ok"


def test_a_link_to_an_unpublished_article_is_a_warning_and_left_out():
    article = Article(title="A story", slug="a-story", body="Text.", links=[
        Link(title="Draft", url="", kind=LinkKind.RELATED, target_article_id=4)])
    ctx = RenderContext(unpublished={4: "the-draft"})
    found = [(p.code, p.severity) for p in check_editorial(article, SITE, ctx, lambda t: True)]
    assert ("editorial.link-unpublished-article", "warning") in found
    assert shown_links(article, SITE, ctx, "standard") == []
