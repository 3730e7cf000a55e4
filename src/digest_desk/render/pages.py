"""Whole pages: the standard page and the simplified AMP page, published or as a preview."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any, NamedTuple

from jinja2 import Template
from markupsafe import Markup

from digest_desk.domain import Article, Image, Site
from digest_desk.domain.slugs import slugify
from digest_desk.paths import resource
from digest_desk.render import jsonld
from digest_desk.render.context import (
    BODY_CONTAINER_ID,
    Block,
    RenderContext,
    amp_url,
    base_url,
    media_prefix,
    own_page_path,
    page_href,
    site_link,
    standard_url,
)
from digest_desk.render.embed_html import EmbedRenderer, environment, featured_image
from digest_desk.render.embeds import TweetEmbed, YouTubeEmbed
from digest_desk.render.links import shown_links, split_read_more
from digest_desk.render.mdparse import ParsedBody, parse_body, parse_region

RENDITIONS = {"standard": "standard", "simplified": "amp", "amp": "amp"}
AMP_EXTENSIONS = {YouTubeEmbed: "amp-youtube", TweetEmbed: "amp-twitter"}


@cache
def stylesheet(name: str) -> str:
    return resource("css", name).read_text(encoding="utf-8").strip()


def amp_css(site: Site | None = None) -> str:
    return stylesheet("amp.css")


def amp_css_bytes(article: Article | None = None, site: Site | None = None, ctx: RenderContext | None = None) -> int:
    """UTF-8 bytes of the simplified page's custom CSS (the AMP budget counts these)."""
    return len(amp_css(site).encode("utf-8"))


def _rendition(name: str) -> str:
    try:
        return RENDITIONS[name]
    except KeyError:
        raise ValueError(f"unknown rendition {name!r}; use 'standard' or 'simplified'") from None


_BLOCK_CACHE: OrderedDict[tuple[str, tuple], str] = OrderedDict()
_BLOCK_CACHE_SIZE = 4096
_BLOCK_LOCK = threading.Lock()


def _filled(renderer: EmbedRenderer, parsed: ParsedBody, index: int) -> str:
    chunk = parsed.chunks[index]
    if not chunk.embeds:
        return chunk.html
    embeds = tuple(parsed.embeds[i] for i in chunk.embeds)
    key = (chunk.html, renderer.fingerprint(embeds))
    with _BLOCK_LOCK:
        html = _BLOCK_CACHE.get(key)
    if html is None:
        html = renderer.fill(chunk, parsed.embeds)
        with _BLOCK_LOCK:
            _BLOCK_CACHE[key] = html
            if len(_BLOCK_CACHE) > _BLOCK_CACHE_SIZE:
                _BLOCK_CACHE.popitem(last=False)
    return html


def _blocks(parsed: ParsedBody, renderer: EmbedRenderer) -> list[Block]:
    seen: Counter[str] = Counter()
    out = []
    for index, chunk in enumerate(parsed.chunks):
        html = _filled(renderer, parsed, index)
        digest = hashlib.blake2b(html.encode(), digest_size=8).hexdigest()
        seen[digest] += 1
        key = f"{digest}-{seen[digest]}"
        wrapped = f'<div class="dd-block" data-line="{chunk.line}" data-key="{key}">{html}</div>'
        out.append(Block(key, chunk.line, wrapped))
    return out


def render_blocks(body_markdown: str, rendition: str, ctx: RenderContext | None = None, *,
                  site: Site | None = None, before: str = "") -> list[Block]:
    """The body as preview blocks (``data-line``/``data-key`` wrappers), cached per block.
    ``before``: the text of the whole body before this part, when only a part is rendered."""
    ctx = ctx or RenderContext()
    kind = _rendition(rendition)
    prefix = media_prefix(site, ctx) if site is not None else (ctx.media_prefix or "media/")
    renderer = EmbedRenderer(kind, True, prefix, ctx.media)
    return _blocks(parse_region(body_markdown or "", before), renderer)


def _body_html(parsed: ParsedBody, renderer: EmbedRenderer) -> str:
    if renderer.preview:
        return "\n".join(block.html for block in _blocks(parsed, renderer))
    # Most chunks hold no embed: their HTML is used as it is, without a call per chunk.
    return "\n".join([_filled(renderer, parsed, i) if chunk.embeds else chunk.html
                      for i, chunk in enumerate(parsed.chunks)])


class PageUrls(NamedTuple):
    """The page's own addresses (the templates read attributes: a dict key is looked up by
    Jinja only after the attribute lookup failed, an exception per use)."""

    standard: str
    amp: str
    home: str
    standard_link: str


class SectionLink(NamedTuple):
    name: str
    url: str
    current: bool


class FooterLink(NamedTuple):
    title: str
    url: str


@lru_cache(maxsize=256)
def _section_links(home: str, root: str, categories: tuple[str, ...], current: str) -> tuple[SectionLink, ...]:
    """The sections with their links: the same for every article of an export, so built once."""
    ctx = RenderContext(root=root)
    site = Site(base_url=home)
    return tuple(
        SectionLink(name, page_href(site, ctx, f"category/{slug}/"), name == current)
        for name in categories if name and (slug := slugify(name))
    )


def _footer(site: Site, ctx: RenderContext) -> tuple[FooterLink, ...]:
    items = tuple(
        (str(item.get("title") or ""), str(item.get("url", "")))
        for item in site.footer_links or [] if isinstance(item, dict)
    )
    return _footer_links(base_url(site), ctx.root, items)


@lru_cache(maxsize=32)
def _footer_links(home: str, root: str, items: tuple[tuple[str, str], ...]) -> tuple[FooterLink, ...]:
    """The footer links: the same on every page of an export, so built once."""
    site, ctx = Site(base_url=home), RenderContext(root=root)
    out = []
    for title, raw in items:
        url = site_link(site, raw)
        if not (title and url):
            continue
        path = own_page_path(site, url) if root else None
        out.append(FooterLink(title, url if path is None else page_href(site, ctx, path)))
    return tuple(out)


# The masthead and the site footer are the same on every page of a rendition (up to the
# current section), so each is rendered from its template once and reused as markup. Their
# templates see only the values passed here.
@lru_cache(maxsize=256)
def _masthead(name: str, tagline: str, home: str, sections: tuple[SectionLink, ...]) -> Markup:
    template = environment().get_template("standard/header.html")
    return Markup(template.render(site={"name": name, "tagline": tagline}, urls={"home": home}, sections=sections))


@lru_cache(maxsize=64)
def _site_footer(kind: str, name: str, footer: tuple[FooterLink, ...]) -> Markup:
    return Markup(environment().get_template(f"{kind}/footer.html").render(site={"name": name}, footer=footer))


@cache
def _fixed(name: str) -> Markup:
    """A template without values (the AMP boilerplate), rendered once."""
    return Markup(environment().get_template(name).render())


def _chrome(kind: str, site: Site, ctx: RenderContext, category: str) -> dict[str, Markup]:
    footer = _site_footer(kind, site.name, _footer(site, ctx))
    if kind == "amp":
        return {"site_footer": footer, "boilerplate": _fixed("amp/boilerplate.html")}
    sections = _section_links(base_url(site), ctx.root, tuple(ctx.categories), category or "")
    return {"site_footer": footer, "masthead": _masthead(site.name, site.tagline, page_href(site, ctx, ""), sections)}


def _extensions(parsed: ParsedBody) -> list[str]:
    used = {AMP_EXTENSIONS[type(e)] for e in parsed.embeds if type(e) in AMP_EXTENSIONS}
    return sorted(used)


def _common(article: Article, site: Site, media: Mapping[str, Image]) -> dict[str, Any]:
    """Page values that do not depend on the rendition (``both`` computes them once)."""
    # Shared and structured-data images must be absolute even when the page's media is relative.
    hero_urls = _hero_urls(article, site)
    return {
        "article": article, "site": site,
        "share_image": hero_urls[0] if hero_urls else "",
        "published": jsonld.iso(article.published_at, site.timezone),
        "updated": jsonld.iso(article.updated_at, site.timezone),
        "jsonld": jsonld.dumps(jsonld.news_article(article, site, hero_urls, media)),
        "standard_url": standard_url(article, site), "amp_url": amp_url(article, site),
    }


@cache
def _template(kind: str) -> Template:
    return environment().get_template(f"{kind}/page.html")


def _page(article: Article, site: Site, ctx: RenderContext | None, rendition: str, preview: bool,
          common: dict[str, Any] | None = None) -> str:
    ctx = ctx or RenderContext()
    kind = _rendition(rendition)
    common = common or _common(article, site, ctx.media)
    prefix = media_prefix(site, ctx)
    parsed = parse_body(article.body or "")
    renderer = EmbedRenderer(kind, preview, prefix, ctx.media)
    links = shown_links(article, site, ctx, kind)
    read_more, others = split_read_more(links)
    values = {
        **common, "preview": preview, "hero": featured_image(article.image, article.image_alt, prefix,
                                                         article.image_caption, article.image_credit),
        "body": _body_html(parsed, renderer), "body_id": BODY_CONTAINER_ID,
        "urls": PageUrls(common["standard_url"], common["amp_url"], page_href(site, ctx, ""),
                         page_href(site, ctx, f"{article.slug}/")),
        **_chrome(kind, site, ctx, article.category),
        "links": links, "read_more": read_more, "other_links": others,
        "extensions": _extensions(parsed),
        "has_tweets": any(isinstance(e, TweetEmbed) for e in parsed.embeds),
        "css": amp_css(site) if kind == "amp" else stylesheet("standard.css"),
    }
    template = _template(kind)
    # As Template.render, but the values are the whole context (shared): Jinja's globals
    # (range, dict, cycler...) are not copied in for every page; the page templates use none.
    return "".join(template.root_render_func(template.new_context(values, shared=True)))


def _hero_urls(article: Article, site: Site) -> list[str]:
    shared = featured_image(article.image, article.image_alt, base_url(site) + "media/")
    return [shared.src] if shared and shared.src.startswith(("http://", "https://")) else []


def both(article: Article, site: Site, ctx_standard: RenderContext, ctx_simplified: RenderContext) -> tuple[str, str]:
    """The published standard and simplified pages, sharing what they have in common (the
    parsed body, dates, URLs and the structured data), as ``standard`` and ``simplified``
    would give them. The export passes its plain rows (store.published.PageArticle: the same
    fields as an Article, read without the ORM)."""
    common = _common(article, site, ctx_standard.media)
    return (_page(article, site, ctx_standard, "standard", False, common),
            _page(article, site, ctx_simplified, "simplified", False, common))


def standard(article: Article, site: Site, ctx: RenderContext | None = None) -> str:
    """The published standard page."""
    return _page(article, site, ctx, "standard", False)


def simplified(article: Article, site: Site, ctx: RenderContext | None = None) -> str:
    """The published simplified page: valid AMP."""
    return _page(article, site, ctx, "simplified", False)


def preview_standard(article: Article, site: Site, ctx: RenderContext | None = None) -> str:
    """The standard page with ``data-line`` blocks, for the live preview."""
    return _page(article, site, ctx, "standard", True)


def preview_simplified(article: Article, site: Site, ctx: RenderContext | None = None) -> str:
    """The simplified page without the AMP runtime or boilerplate, so it shows offline."""
    return _page(article, site, ctx, "simplified", True)
