"""Link check results: writing what the checker found (a link's state: ``domain.linkstate``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from digest_desk.domain.linkstate import link_state
from digest_desk.links.checker import CheckResult
from digest_desk.store.engine import Store
from digest_desk.store.links import LinkCheck, existing_article_ids, links_of, save_checks

__all__ = ["existing_article_ids", "link_state", "links_of", "store_results"]


def store_results(store: Store, results: Iterable[CheckResult], article_ids: Sequence[int] | None = None) -> int:
    """Write each result to every link with that URL (of ``article_ids`` when given); returns
    the number of link rows updated (see ``store.links.save_checks``)."""
    checks = (LinkCheck(r.url, r.status, r.final_url, r.error, r.checked_at) for r in results)
    return save_checks(store, checks, article_ids)
