"""The article's own link list as each rendition shows it (internal links stay in their rendition)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from digest_desk.domain import Article, Link, LinkKind, Site
from digest_desk.render.context import RenderContext, is_absolute_web_url, page_href
from digest_desk.render.sanitize import safe_href


@dataclass(frozen=True, slots=True)
class ShownLink:
    title: str
    url: str
    kind: str
    label: str  # the read-more line text on the simplified page


def link_url(link: Link, site: Site, ctx: RenderContext, rendition: str) -> str | None:
    """Where a link points in this rendition; None when it cannot be shown safely."""
    if link.target_article_id is not None and link.target_article_id in ctx.slugs:
        slug = ctx.slugs[link.target_article_id]
        return page_href(site, ctx, f"{slug}/amp/" if rendition == "amp" else f"{slug}/")
    return _web_link((link.url or "").strip())


@lru_cache(maxsize=1024)
def _web_link(url: str) -> str | None:
    """An outside link as published, or None (kept for a while: both renditions ask)."""
    try:
        web = is_absolute_web_url(url)
    except ValueError:  # an address urlsplit cannot read ("https://[bad/"): shown nowhere
        return None
    return safe_href(url) if web and "\\" not in url else None


@lru_cache(maxsize=1024)
def host(url: str) -> str:
    try:
        name = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return name.removeprefix("www.")


def read_more_label(site: Site, url: str) -> str:
    partner = site.partner_name or host(url)
    return (site.read_more_text or "").replace("{partner}", partner)


def shown_links(article: Article, site: Site, ctx: RenderContext, rendition: str) -> list[ShownLink]:
    out = []
    for link in article.links or []:
        url = link_url(link, site, ctx, rendition)
        if url is None:
            continue
        title = (link.title or "").strip() or host(url) or url
        out.append(ShownLink(title, url, str(link.kind), read_more_label(site, url)))
    return out


def split_read_more(links: list[ShownLink]) -> tuple[list[ShownLink], list[ShownLink]]:
    read_more = [link for link in links if link.kind == LinkKind.READ_MORE]
    others = [link for link in links if link.kind != LinkKind.READ_MORE]
    return read_more, others
