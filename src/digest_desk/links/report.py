"""Editorial problems of an article's links, for the checks panel and ``digest-desk check``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from digest_desk.links.edits import link_dict
from digest_desk.links.records import link_state
from digest_desk.links.validate import link_issues


@dataclass(frozen=True, slots=True)
class LinkProblem:
    """One problem of one link: ``index`` is its 0-based position in the article's list."""

    severity: str  # "error" | "warning" | "info"
    code: str
    message: str
    index: int
    title: str


def link_problems(links: Iterable[Any], existing_ids: Iterable[int] | None = None) -> list[LinkProblem]:
    """Invalid or duplicate URLs, internal links to missing articles, and failed last checks.

    ``links`` are Link rows or dicts; ``existing_ids`` the article ids in the store (when None,
    internal targets are not verified). A broken link (an error status at the last check) is a
    warning; an unreachable one only information, since the checking machine may be offline.
    """
    items = [link_dict(link) for link in links]
    known = set(existing_ids) if existing_ids is not None else None
    problems: list[LinkProblem] = []
    for index, (link, issues) in enumerate(zip(items, link_issues(items), strict=True)):
        name = link["title"] or link["url"] or f"link {index + 1}"

        def add(severity: str, code: str, message: str, index=index, name=name) -> None:
            problems.append(LinkProblem(severity, code, f"Link “{name}”: {message}", index, name))

        for issue in issues:
            message = issue.message
            if issue.code == "empty-url" and link["kind"] == "related":
                message = "it has no URL; the article it pointed to may have been deleted."
            add(issue.severity, f"link-{issue.code}", message)
        target = link.get("target_article_id")
        if target and known is not None and int(target) not in known:
            add("error", "link-missing-article", "the linked article no longer exists.")
        state = link_state(link)
        if not target and state == "broken":
            detail = link.get("check_error") or f"HTTP {link.get('check_status')}"
            add("warning", "link-broken", f"the last check failed ({detail}).")
        elif not target and state == "unreachable":
            add("info", "link-unreachable", f"could not be reached at the last check ({link.get('check_error')}).")
    return problems
