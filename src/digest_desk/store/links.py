"""Related links in the database: the links of articles and the results of the link checker."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update

from digest_desk.domain import Article, Link
from digest_desk.store.engine import Store


class LinkCheck(NamedTuple):
    """What the checker found at one URL, as stored on every link with that URL."""

    url: str
    status: int | None
    final_url: str
    error: str
    checked_at: datetime


def links_of(store: Store, article_ids: Sequence[int] | None = None) -> list[Link]:
    """Links of the given articles (all articles when None), by article and position."""
    stmt = select(Link).order_by(Link.article_id, Link.position)
    if article_ids is not None:
        stmt = stmt.where(Link.article_id.in_(list(article_ids)))
    with store.read() as session:
        return list(session.execute(stmt).scalars())


def existing_article_ids(store: Store) -> set[int]:
    with store.read() as session:
        return set(session.execute(select(Article.id)).scalars())


def save_checks(store: Store, checks: Iterable[LinkCheck], article_ids: Sequence[int] | None = None) -> int:
    """Write each result to every link with that URL (of ``article_ids`` when given).

    Only the ``check_*`` columns change, so the article version (and an open editor) is not
    disturbed. Returns the number of link rows updated.
    """
    count = 0
    with store.write() as session:
        for check in checks:
            stmt = (
                update(Link)
                .where(Link.url == check.url)
                .values(check_status=check.status, check_final_url=check.final_url,
                        check_error=check.error, checked_at=check.checked_at)
            )
            if article_ids is not None:
                stmt = stmt.where(Link.article_id.in_(list(article_ids)))
            count += session.execute(stmt).rowcount or 0
    return count
