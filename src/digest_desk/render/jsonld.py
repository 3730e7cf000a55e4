"""The schema.org NewsArticle both renditions carry, serialised safely for a script element."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from digest_desk.domain import Article, Image, Site
from digest_desk.domain.zones import in_zone
from digest_desk.render.context import logo_url, site_url, standard_url

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def iso(moment: datetime | None, zone: str | None = None) -> str:
    """ISO 8601 with a time zone (naive times are taken as UTC), in the zone named ``zone``
    (the site's) when given."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if zone is not None:
        moment = in_zone(moment, zone)
    return moment.isoformat(timespec="seconds")


def news_article(article: Article, site: Site, image_urls: list[str],
                 media: Mapping[str, Image]) -> dict[str, Any]:
    """The NewsArticle of ``article``; ``media`` (the stored pictures) decides whether a logo
    named ``media/NAME`` exists."""
    published = article.published_at or article.created_at
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": standard_url(article, site)},
        "headline": article.title,
        "datePublished": iso(published, site.timezone),
        "dateModified": iso(article.updated_at or published, site.timezone),
        "publisher": _publisher(site, media),
    }
    if article.summary:
        data["description"] = article.summary
    if image_urls:
        data["image"] = image_urls
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.category:
        data["articleSection"] = article.category
    if article.tags:
        data["keywords"] = list(article.tags)
    return data


def _publisher(site: Site, media: Mapping[str, Image]) -> dict[str, Any]:
    publisher: dict[str, Any] = {"@type": "Organization", "name": site.name, "url": site_url(site, "/")}
    url = logo_url(site, media)  # a web address or a stored picture, never a local path
    if url:
        logo: dict[str, Any] = {"@type": "ImageObject", "url": url}
        if site.logo_width and site.logo_height:
            logo["width"], logo["height"] = site.logo_width, site.logo_height
        publisher["logo"] = logo
    return publisher


def dumps(data: dict[str, Any]) -> str:
    """JSON that cannot end its script element: < > & (and line separators) as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, repl in _ESCAPES.items():
        text = text.replace(char, repl)
    return text
