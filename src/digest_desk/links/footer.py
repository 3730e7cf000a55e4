"""The site footer links: an ordered list of title and URL, validated and edited by position."""

from __future__ import annotations

from collections.abc import Sequence

from digest_desk.domain.slugs import clean_text
from digest_desk.links.validate import site_path_issue, validate_url

FooterLinks = list[dict[str, str]]


class FooterError(ValueError):
    """A footer edit that cannot be made; the message says why."""


def check_footer_link(title: str, url: str) -> tuple[str, str]:
    """Cleaned ``(title, url)``; raises FooterError for a missing title or an unusable URL."""
    title = clean_text(title).strip()
    url = url.strip()
    if not title:
        raise FooterError("A footer link needs a title.")
    if url.startswith("/"):
        problem = site_path_issue(url)
        if problem:
            raise FooterError(problem + " Use a site path such as /contact/.")
        return title, url
    issue = validate_url(url, "related")  # http(s) only, as the site profile accepts
    if issue and issue.severity == "error":
        raise FooterError(f"{issue.message} Use a site path such as /contact/ or a full http(s) URL.")
    return title, url


def _position(links: Sequence[dict[str, str]], number: int) -> int:
    if not 1 <= number <= len(links):
        raise FooterError(f"There is no footer link number {number} (there are {len(links)}).")
    return number - 1


def add_footer_link(links: Sequence[dict[str, str]], title: str, url: str) -> FooterLinks:
    title, url = check_footer_link(title, url)
    return [*map(dict, links), {"title": title, "url": url}]


def remove_footer_link(links: Sequence[dict[str, str]], number: int) -> FooterLinks:
    index = _position(links, number)
    return [dict(link) for i, link in enumerate(links) if i != index]


def move_footer_link(links: Sequence[dict[str, str]], number: int, to: int) -> FooterLinks:
    """Move link ``number`` to position ``to`` (both 1-based, as ``site footer list`` shows them)."""
    src, dst = _position(links, number), _position(links, to)
    items = [dict(link) for link in links]
    items.insert(dst, items.pop(src))
    return items
