"""Inputs and small value types shared by the renderers: context, blocks, URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from digest_desk.domain import Article, Image, Site

AMP_CSS_BUDGET = 75000
BODY_CONTAINER_ID = "dd-body"
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_URL_UNSAFE = re.compile(r'[\x00-\x20\x7f"<>`{}|^\\]')


@dataclass(frozen=True)
class RenderContext:
    """What a render needs beyond the article and the site; every field is optional."""

    media: Mapping[str, Image] = field(default_factory=dict)
    slugs: Mapping[int, str] = field(default_factory=dict)
    categories: Sequence[str] = ()
    media_prefix: str = ""  # "" means base_url + "media/"


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level piece of the body: a stable key, its markdown line and its HTML."""

    key: str
    line: int
    html: str


def base_url(site: Site) -> str:
    """The site's base URL, always ending with a slash."""
    url = tidy_url(site.base_url or "https://example.com/")
    return url if url.endswith("/") else url + "/"


def standard_url(article: Article, site: Site) -> str:
    return f"{base_url(site)}{article.slug}/"


def amp_url(article: Article, site: Site) -> str:
    return f"{base_url(site)}{article.slug}/amp/"


def site_url(site: Site, path: str) -> str:
    """An absolute URL for a path relative to the site root ("/about/"); absolute URLs pass."""
    path = (path or "").strip()
    if is_absolute_web_url(path):
        return path
    return base_url(site) + path.lstrip("/")


def media_prefix(site: Site, ctx: RenderContext) -> str:
    return ctx.media_prefix or base_url(site) + "media/"


def is_absolute_web_url(url: str) -> bool:
    return url_scheme(url) in {"http", "https"} and bool(urlsplit(url.strip()).netloc)


def url_scheme(url: str) -> str:
    """The scheme a browser would see, after dropping control characters and spaces."""
    cleaned = _CONTROL.sub("", url).lower()
    head, sep, _ = cleaned.partition(":")
    if not sep or "/" in head or "?" in head or "#" in head:
        return ""
    return head


def is_safe_url(url: str, *, allow_relative: bool = True) -> bool:
    """True for http(s)/mailto URLs and plain relative ones; never protocol-relative //host."""
    cleaned = _CONTROL.sub("", url or "")
    if not cleaned:
        return False
    if cleaned.startswith("//") or "\\" in cleaned:
        return False
    scheme = url_scheme(url)
    if scheme:
        if scheme not in SAFE_SCHEMES:
            return False
        return scheme == "mailto" or bool(urlsplit(cleaned).netloc)
    return allow_relative and ":" not in re.split(r"[/?#]", cleaned, maxsplit=1)[0]


def tidy_url(url: str) -> str:
    """Percent-encode characters HTML checkers reject in URLs (spaces, quotes, angle brackets)."""
    return _URL_UNSAFE.sub(lambda m: quote(m.group(), safe=""), url.strip())
