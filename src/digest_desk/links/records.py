"""Link check results in the database: which links to check, and writing what they answered.

Takes any object with ``read()``/``write()`` session context managers (the Store); imports
only the domain tables, so ``links`` keeps depending on ``domain`` alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update

from digest_desk.domain import Article, Link
from digest_desk.links.checker import CheckResult


def links_of(store: Any, article_ids: Sequence[int] | None = None) -> list[Link]:
    """Links of the given articles (all articles when None), by article and position."""
    stmt = select(Link).order_by(Link.article_id, Link.position)
    if article_ids is not None:
        stmt = stmt.where(Link.article_id.in_(list(article_ids)))
    with store.read() as session:
        return list(session.execute(stmt).scalars())


def existing_article_ids(store: Any) -> set[int]:
    with store.read() as session:
        return set(session.execute(select(Article.id)).scalars())


def store_results(
    store: Any, results: Iterable[CheckResult], article_ids: Sequence[int] | None = None
) -> int:
    """Write each result to every link with that URL (of ``article_ids`` when given).

    Only the ``check_*`` columns change, so the article version (and an open editor) is not
    disturbed. Returns the number of link rows updated.
    """
    count = 0
    with store.write() as session:
        for result in results:
            stmt = (
                update(Link)
                .where(Link.url == result.url)
                .values(
                    check_status=result.status,
                    check_final_url=result.final_url,
                    check_error=result.error,
                    checked_at=result.checked_at,
                )
            )
            if article_ids is not None:
                stmt = stmt.where(Link.article_id.in_(list(article_ids)))
            count += session.execute(stmt).rowcount or 0
    return count


def link_state(link: Any) -> str:
    """"unchecked", "ok", "redirected", "broken" or "unreachable" from a link's stored result."""
    get = link.get if isinstance(link, dict) else lambda name: getattr(link, name, None)
    if get("checked_at") is None:
        return "unchecked"
    status, error = get("check_status"), get("check_error") or ""
    if status is None:
        return "unreachable"
    if error or not 200 <= status < 400:
        return "broken"
    final = get("check_final_url") or ""
    return "redirected" if final and final != get("url") else "ok"
