"""Inputs and small value types shared by the renderers: context, blocks, URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from digest_desk.domain import Article, Image, Site
from digest_desk.domain.logo import MEDIA_REF, logo_kind, logo_media_name

AMP_CSS_BUDGET = 75000
DEFAULT_BASE_URL = "https://example.com/"
MAILTO_PARAMS = frozenset({"subject", "body"})  # cc, bcc, attach… are never rendered
BODY_CONTAINER_ID = "dd-body"
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_URL_UNSAFE = re.compile(r'[\x00-\x20\x7f"<>`{}|^\\]')
# A path urlsplit would leave whole (no query, fragment, scheme, spaces or control characters).
_PLAIN_PATH = re.compile(r"[^?#:\x00-\x20\x7f]*")


@dataclass(frozen=True)
class RenderContext:
    """What a render needs beyond the article and the site; every field is optional."""

    media: Mapping[str, Image] = field(default_factory=dict)
    slugs: Mapping[int, str] = field(default_factory=dict)
    categories: Sequence[str] = ()
    media_prefix: str = ""  # "" means base_url + "media/"
    # How links between pages start: "" means absolute base_url addresses (previews, CLI);
    # an export passes the way up to its root ("../" from OUT/<slug>/index.html), and links
    # then name the index.html file so the folder also works opened from disk.
    root: str = ""
    # Articles that exist but are not published, by id: pages never link to them (the link is
    # left out until they are published); only the checks look here, to say so.
    unpublished: Mapping[int, str] = field(default_factory=dict)
    # Words of the site dictionary (store/dictionary.py): only the spelling check looks here.
    site_words: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level piece of the body: a stable key, its markdown line and its HTML."""

    key: str
    line: int
    html: str


def base_url(site: Site) -> str:
    """The site's base URL, always ending with a slash.

    Whatever the database holds (a restored or shared one may say ``javascript:…``), only an
    http(s) address with a host is used; anything else renders as the neutral default.
    """
    return _base_url(site.base_url or DEFAULT_BASE_URL)


@lru_cache(maxsize=16)
def _base_url(raw: str) -> str:  # asked for several times per page, always with the same text
    if not (is_absolute_web_url(raw) and is_safe_url(raw, allow_relative=False)):
        return DEFAULT_BASE_URL
    url = tidy_url(raw)
    return url if url.endswith("/") else url + "/"


def logo_url(site: Site, media: Mapping[str, Image]) -> str | None:
    """The published address of the site logo, or None; never a local path.

    Only two logos are published: an http(s) address, used as it is, and ``media/NAME`` naming
    a picture kept in the store (``media``), published with the other media. A path of the
    computer a restored or shared profile was edited on is never read and never shown.
    """
    logo = (site.logo or "").strip()
    kind = logo_kind(logo)
    if kind == "web":
        return tidy_url(logo) if is_safe_url(logo, allow_relative=False) else None
    name = stored_logo(site, media)
    return base_url(site) + MEDIA_REF + name if name else None


def stored_logo(site: Site, media: Mapping[str, Image]) -> str | None:
    """The name of the stored picture the logo is, when it is one and has its bytes in the store."""
    name = logo_media_name(site.logo)
    image = media.get(name) if name else None
    return name if image is not None and not image.url else None


def clean_mailto(url: str) -> str:
    """A mailto: URL with only its subject and body parameters (no cc, bcc or attach=)."""
    address, sep, query = _CONTROL.sub("", url).partition("?")
    if not sep:
        return address
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() in MAILTO_PARAMS]
    return address + ("?" + urlencode(kept, quote_via=quote) if kept else "")


def site_link(site: Site, raw: str) -> str | None:
    """A link from the site profile (footer, partner) as an absolute URL, or None when unsafe.

    Site paths ("/about/") resolve under ``base_url``; a backslash, a protocol-relative
    ``//host`` or a scheme other than http, https and mailto never renders.
    """
    raw = (raw or "").strip()
    if url_scheme(raw) == "mailto":
        raw = clean_mailto(raw)
        return raw if is_safe_url(raw, allow_relative=False) else None
    if not is_safe_url(raw):
        return None
    url = site_url(site, raw)
    return url if is_absolute_web_url(url) and is_safe_url(url, allow_relative=False) else None


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


def page_href(site: Site, ctx: RenderContext, path: str) -> str:
    """A link to a page of this site (``path`` relative to its root, "" or "about/").

    Absolute under ``base_url`` without a root prefix; otherwise relative to the current page,
    with ``index.html`` named for folder links so a browser opens it from disk too.
    """
    if not ctx.root:
        return base_url(site) + path.lstrip("/")
    path = path.lstrip("/")
    # Most paths ("", "slug/") are plain: nothing urlsplit would take apart, so it is skipped.
    file, query, fragment = (path, "", "") if _PLAIN_PATH.fullmatch(path) else urlsplit(path)[2:5]
    file = file + "index.html" if file in ("", ".") or file.endswith("/") else file
    return f"{ctx.root}{file.removeprefix('./')}{'?' + query if query else ''}{'#' + fragment if fragment else ''}"


def own_page_path(site: Site, url: str) -> str | None:
    """The path below the site root when ``url`` is a root-relative or own-site URL, else None."""
    url = url.strip()
    if url.startswith("/") and not url.startswith("//"):
        return url.lstrip("/")
    root = base_url(site)
    if url.startswith(root):
        return url[len(root):]
    if url + "/" == root:
        return ""
    return None


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
        if scheme == "mailto":
            return clean_mailto(cleaned) == cleaned
        return bool(urlsplit(cleaned).netloc)
    return allow_relative and ":" not in re.split(r"[/?#]", cleaned, maxsplit=1)[0]


def tidy_url(url: str) -> str:
    """Percent-encode characters HTML checkers reject in URLs (spaces, quotes, angle brackets)."""
    return _URL_UNSAFE.sub(lambda m: quote(m.group(), safe=""), url.strip())
