"""Checks of when an article appears: a Published article dated in the future, a schedule with no time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from digest_desk.checks.problems import Problem
from digest_desk.domain import Article, Site, Status
from digest_desk.domain.zones import short_when


def check_schedule(article: Article, site: Site, now: datetime | None = None) -> Iterator[Problem]:
    """Problems with the article's publication time as of ``now`` (default: this instant)."""
    status, when = str(article.status), article.published_at
    if status == Status.SCHEDULED.value and when is None:
        yield Problem("warning", "schedule.no-time",
                      "Scheduled but without a publication date and time: it never appears. "
                      "Set the date, or mark it Published.")
        return
    if status != Status.PUBLISHED.value or when is None:
        return
    moment = when if when.tzinfo else when.replace(tzinfo=UTC)
    if moment > (now or datetime.now(UTC)):
        yield Problem("warning", "schedule.published-in-future",
                      f"Published but dated in the future: it appears on {short_when(moment, site.timezone)} "
                      f"({site.timezone}); mark it Scheduled to make the wait clear, or change the date.")
