"""Link problems for the checks panel."""

from __future__ import annotations

from datetime import UTC, datetime

from digest_desk.links.report import link_problems

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def test_problems_cover_rules_targets_and_checks():
    links = [
        {"title": "Fine", "url": "https://ok.example/", "kind": "related",
         "check_status": 200, "checked_at": WHEN},
        {"title": "Bad scheme", "url": "ftp://x.example/", "kind": "related"},
        {"title": "Gone article", "url": "", "kind": "related", "target_article_id": 9},
        {"title": "Dead", "url": "https://dead.example/", "kind": "source",
         "check_status": 404, "checked_at": WHEN},
        {"title": "Offline", "url": "https://off.example/", "kind": "source",
         "check_status": None, "check_error": "unreachable: connection refused", "checked_at": WHEN},
        {"title": "Cleared", "url": "", "kind": "related"},
    ]
    found = [(p.index, p.severity, p.code) for p in link_problems(links, existing_ids={1, 2})]
    assert found == [
        (1, "error", "link-bad-scheme"),
        (2, "error", "link-missing-article"),
        (3, "warning", "link-broken"),
        (4, "info", "link-unreachable"),
        (5, "error", "link-empty-url"),
    ]
    messages = [p.message for p in link_problems(links, existing_ids={1, 2})]
    assert messages[2] == "Link “Dead”: the last check failed (HTTP 404)."
    assert "may have been deleted" in messages[4]


def test_targets_are_not_judged_without_the_store_ids():
    links = [{"title": "Internal", "url": "", "kind": "related", "target_article_id": 9}]
    assert link_problems(links) == []
