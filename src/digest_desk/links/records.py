"""Link check results: writing what the checker found, and a link's state from its stored result."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from digest_desk.links.checker import CheckResult
from digest_desk.store.engine import Store
from digest_desk.store.links import LinkCheck, existing_article_ids, links_of, save_checks

__all__ = ["existing_article_ids", "link_state", "links_of", "store_results"]


def store_results(store: Store, results: Iterable[CheckResult], article_ids: Sequence[int] | None = None) -> int:
    """Write each result to every link with that URL (of ``article_ids`` when given); returns
    the number of link rows updated (see ``store.links.save_checks``)."""
    checks = (LinkCheck(r.url, r.status, r.final_url, r.error, r.checked_at) for r in results)
    return save_checks(store, checks, article_ids)


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
