"""Stored link check results reach ``run_checks`` (and so the checks panel and ``digest-desk check``)."""

from __future__ import annotations

from datetime import UTC, datetime

from digest_desk.checks import run_checks
from digest_desk.domain import Article, Link, LinkKind, Site

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def _article(*links: Link) -> Article:
    article = Article(id=1, title="Checked links", slug="checked-links", body="Some text.\n")
    article.links = list(links)
    return article


def test_broken_and_unreachable_links_are_reported():
    links = [
        Link(article_id=1, title="Fine", url="https://ok.example/", kind=LinkKind.SOURCE,
             check_status=200, checked_at=WHEN),
        Link(article_id=1, title="Dead", url="https://dead.example/", kind=LinkKind.SOURCE,
             check_status=404, checked_at=WHEN),
        Link(article_id=1, title="Offline", url="https://off.example/", kind=LinkKind.RELATED,
             check_status=None, check_error="unreachable: connection refused", checked_at=WHEN),
        Link(article_id=1, title="Never", url="https://never.example/", kind=LinkKind.RELATED),
    ]
    problems = run_checks(_article(*links), Site())
    broken = [p for p in problems if p.code == "editorial.link-broken"]
    unreachable = [p for p in problems if p.code == "editorial.link-unreachable"]
    assert [(p.severity, p.message) for p in broken] == [
        ("warning", "Related link 2 (“Dead”) is broken: the last check got HTTP 404.")]
    assert len(unreachable) == 1 and unreachable[0].severity == "info"
    assert "connection refused" in unreachable[0].message


def test_unchecked_links_raise_nothing():
    link = Link(article_id=1, title="Never", url="https://never.example/", kind=LinkKind.SOURCE)
    codes = {p.code for p in run_checks(_article(link), Site())}
    assert not codes & {"editorial.link-broken", "editorial.link-unreachable"}
