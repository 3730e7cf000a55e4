"""Editorial checks: title, body, summary, alt texts and the health of every link."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from digest_desk.checks.problems import Fix, Problem, remove_line, replace_on_line
from digest_desk.checks.source import SourceRef, references
from digest_desk.domain import HEADLINE_MAX, Article, Site, Status
from digest_desk.domain.linkstate import link_state
from digest_desk.render import RenderContext
from digest_desk.render.context import base_url, url_scheme
from digest_desk.render.mdparse import MAX_MARKDOWN_CHARS

MIN_FEATURED_PIXELS = 50_000
_HOST = re.compile(r"^(?=.{1,253}$)(?!-)[\w-]{1,63}(?<!-)(?:\.(?!-)[\w-]{1,63}(?<!-))+$", re.UNICODE)
Exists = Callable[[int | str], bool]


def check_editorial(article: Article, site: Site, ctx: RenderContext, exists: Exists) -> Iterator[Problem]:
    yield from _texts(article)
    yield from _published_byline(article)
    refs = references(article.body or "")
    yield from _images(article, ctx, refs)
    yield from _body_links(site, refs, exists)
    yield from _article_links(article, ctx, exists)
    yield from _last_link_checks(article)


def _texts(article: Article) -> Iterator[Problem]:
    title = (article.title or "").strip()
    if not title:
        yield Problem("error", "editorial.title-empty", "The article has no headline.")
    elif len(title) > HEADLINE_MAX:
        yield Problem("warning", "editorial.headline-too-long",
                      f"The headline has {len(title)} characters; search engines cut it after {HEADLINE_MAX}. Shorten it.")
    if not (article.body or "").strip():
        yield Problem("error", "editorial.body-empty", "The article has no text.")
    elif len(article.body) > MAX_MARKDOWN_CHARS:
        yield Problem("error", "editorial.body-too-long",
                      f"The text has {len(article.body):,} characters, more than {MAX_MARKDOWN_CHARS:,}: "
                      "it is published as plain paragraphs without formatting. Split it into several articles.")
    if not (article.summary or "").strip():
        yield Problem("warning", "editorial.summary-missing",
                      "There is no summary; it is shown under the headline and in search results and shares.")


def _published_byline(article: Article) -> Iterator[Problem]:
    """A published article names who wrote it and which section it belongs to."""
    if article.status != Status.PUBLISHED:
        return
    if not (article.author or "").strip():
        yield Problem("warning", "editorial.author-missing",
                      "The article is published without an author: the byline and the search "
                      "engines' article data name nobody. Fill in Author.")
    if not (article.category or "").strip():
        yield Problem("warning", "editorial.category-missing",
                      "The article is published without a category: no section page lists it. "
                      "Fill in Category.")


def _featured(article: Article) -> Iterator[Problem]:
    image = article.image
    if image is None:
        yield Problem("info", "editorial.featured-image-missing",
                      "There is no featured image; shares and search results look better with one.")
    elif image.width * image.height < MIN_FEATURED_PIXELS:
        yield Problem("warning", "editorial.featured-image-small",
                      f"The featured image is {image.width}×{image.height}; search engines want at least "
                      f"{MIN_FEATURED_PIXELS:,} pixels (e.g. 300×167).")


def _images(article: Article, ctx: RenderContext, refs: list[SourceRef]) -> Iterator[Problem]:
    yield from _featured(article)  # the pictures' words: checks/pictures.py
    for ref in refs:
        if ref.kind != "image":
            continue
        name = ref.url[6:] if ref.url.startswith("media/") else None
        image = ctx.media.get(name) if name else None
        if name is None and (url_scheme(html.unescape(ref.url)) not in {"http", "https"} or "\\" in ref.url):
            yield Problem("error", "editorial.image-bad-url",
                          f"The picture address “{_short(ref.url)}” is not allowed; use media/NAME or an https:// address. It is left out.", ref.line)
        elif name is not None and ctx.media and image is None:
            yield Problem("error", "editorial.image-missing",
                          f"There is no picture called “{name}” in the media library.", ref.line)


def _short(url: str, limit: int = 80) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _url_problem(url: str) -> tuple[str, str] | None:
    """(code, message) when a link address is unusable, else None."""
    if url.startswith("#"):
        return None
    url = html.unescape(url)
    scheme = url_scheme(url)
    if "\\" in url:
        return "editorial.link-bad-host", f"The link “{_short(url)}” contains a backslash; browsers read it as another site."
    if url.strip().startswith("//"):
        return "editorial.link-bad-scheme", f"The link “{_short(url)}” has no scheme; write https:// in front."
    if scheme in {"", "mailto"}:
        return None
    if scheme not in {"http", "https"}:
        return "editorial.link-bad-scheme", f"The link “{_short(url)}” uses “{scheme}:”, which is not allowed; it is removed from the page."
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        host = ""
    if not _HOST.match(host) or host in {"localhost"}:
        return "editorial.link-bad-host", f"The link “{_short(url)}” does not name a valid web site."
    return None


def _internal_slug(site: Site, url: str) -> str | None:
    root = base_url(site)
    if not url.startswith(root):
        return None
    path = url[len(root):].split("?", 1)[0].split("#", 1)[0].strip("/")
    parts = path.split("/")
    if not path or len(parts) > 2 or (len(parts) == 2 and parts[1] != "amp"):
        return None
    if parts[0] in {"category", "page", "about", "contact", "media", "assets", "feed.xml", "sitemap.xml"}:
        return None
    return parts[0]


def _body_links(site: Site, refs: list[SourceRef], exists: Exists) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for ref in refs:
        if ref.kind != "link":
            continue
        url = ref.url.strip()
        problem = _url_problem(url)
        if problem:
            yield Problem("error", problem[0], problem[1], ref.line)
            continue
        if url.startswith("http://"):
            https = "https://" + url[7:]
            yield Problem("warning", "editorial.link-insecure",
                          f"The link “{_short(url)}” is not secure (http).", ref.line,
                          Fix("Use https://", replace_on_line(ref.line, url, https)))
        slug = _internal_slug(site, url)
        if slug is not None and not exists(slug):
            yield Problem("error", "editorial.link-missing-article",
                          f"The link “{_short(url)}” points to an article of this site that does not exist.", ref.line)
        if url in seen and seen[url] != ref.line:
            fix = None
            if _LINK_ONLY.match(ref.raw_line):
                fix = Fix("Remove the duplicate line", remove_line(ref.line, ref.raw_line))
            yield Problem("warning", "editorial.link-duplicate",
                          f"The link “{_short(url)}” already appears on line {seen[url]}.", ref.line, fix)
        seen.setdefault(url, ref.line)


_LINK_ONLY = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?\[[^\]\n]*\]\([^)\n]*\)\s*$")


def _article_links(article: Article, ctx: RenderContext, exists: Exists) -> Iterator[Problem]:
    seen: set[tuple[str, int | None]] = set()
    for number, link in enumerate(article.links or [], 1):
        label = f"Related link {number} (“{_short(link.title or link.url, 40)}”)"
        if link.target_article_id is not None:
            if not exists(link.target_article_id):
                yield Problem("error", "editorial.link-missing-article",
                              f"{label} points to an article that no longer exists.")
            elif link.target_article_id in ctx.unpublished:
                yield Problem("warning", "editorial.link-unpublished-article",
                              f"{label} points to an article that is not published: the published "
                              "page leaves the link out until that article is published.")
        else:
            url = (link.url or "").strip()
            problem = _url_problem(url) if url else ("editorial.link-empty", "has no address")
            if problem:
                yield Problem("error", problem[0], f"{label}: {problem[1]}")
            elif not url.startswith(("http://", "https://")):
                yield Problem("error", "editorial.link-bad-scheme", f"{label} must be a full https:// address.")
        key = ((link.url or "").strip(), link.target_article_id)
        if key in seen:
            yield Problem("warning", "editorial.link-duplicate", f"{label} is listed twice.")
        seen.add(key)


def _last_link_checks(article: Article) -> Iterator[Problem]:
    """What the link checker found at its last visit (stored on each link by ``links.checker``)."""
    for number, link in enumerate(article.links or [], 1):
        state = link_state(link)
        if link.target_article_id is not None or state == "unchecked":
            continue
        label = f"Related link {number} (“{_short(link.title or link.url, 40)}”)"
        if state == "unreachable":
            yield Problem("info", "editorial.link-unreachable",
                          f"{label} could not be reached at the last check ({link.check_error or 'no answer'}).")
        elif state == "broken":
            detail = link.check_error or f"HTTP {link.check_status}"
            yield Problem("warning", "editorial.link-broken", f"{label} is broken: the last check got {detail}.")
