"""Where a link goes in each rendition: internal links by article id, site-relative footer URLs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

RENDITIONS = ("standard", "simplified")


def article_path(slug: str, rendition: str = "standard") -> str:
    """Site-relative path of an article page: ``/slug/`` or ``/slug/amp/`` (the simplified one)."""
    if rendition not in RENDITIONS:
        raise ValueError(f"Unknown rendition “{rendition}”; use one of {', '.join(RENDITIONS)}.")
    return f"/{slug}/amp/" if rendition == "simplified" else f"/{slug}/"


def site_href(url: str, base_url: str = "") -> str:
    """A site-relative URL (``/contact/``) made absolute on ``base_url``; other URLs unchanged."""
    if url.startswith("/") and not url.startswith("//") and base_url:
        return base_url.rstrip("/") + url
    return url


def _get(link: Any, name: str) -> Any:
    return link.get(name) if isinstance(link, Mapping) else getattr(link, name, None)


def resolve_href(
    link: Any, rendition: str, slugs: Mapping[int, str], base_url: str = ""
) -> str | None:
    """The href of ``link`` (a Link or dict) in ``rendition``.

    An internal link (``target_article_id`` set) points at the same rendition of the target
    article, found through ``slugs`` (article id -> slug), so it follows slug changes. Returns
    None when the target article no longer exists. External links keep their URL.
    """
    target = _get(link, "target_article_id")
    if target:
        slug = slugs.get(int(target))
        if slug is None:
            return None
        return site_href(article_path(slug, rendition), base_url)
    return str(_get(link, "url") or "")


def resolved_links(
    links: Iterable[Any], rendition: str, slugs: Mapping[int, str], base_url: str = ""
) -> list[dict[str, Any]]:
    """Title, href and kind of each link that can be shown (broken internal links left out)."""
    out: list[dict[str, Any]] = []
    for link in links:
        href = resolve_href(link, rendition, slugs, base_url)
        if href:
            out.append({"title": _get(link, "title") or href, "href": href, "kind": str(_get(link, "kind"))})
    return out


def broken_internal_links(links: Iterable[Any], existing_ids: Iterable[int]) -> list[Any]:
    """Internal links whose target article is not among ``existing_ids`` (deleted or unknown)."""
    known = set(existing_ids)
    return [
        link for link in links
        if _get(link, "target_article_id") and int(_get(link, "target_article_id")) not in known
    ]
