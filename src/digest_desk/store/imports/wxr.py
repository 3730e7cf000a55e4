"""WordPress export (WXR) read as a stream of posts: one <item> in memory at a time, no DTD."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import IO
from urllib.parse import unquote

from digest_desk.domain.slugs import SlugError, is_reserved, slugify, validate_slug
from digest_desk.store.frontmatter import ImageRef, ImportFailure, ParsedArticle, build_article

HtmlToMarkdown = Callable[[str, str | None], str]  # (html, base URL) -> markdown; convert/ gives it
PROLOG_LIMIT = 64 * 1024  # bytes read to find the root element; a real prolog is one line
_STATUS = {"publish": "published", "draft": "draft", "pending": "draft", "private": "draft",
           "future": "scheduled"}
_SKIPPED_STATUS = {"trash": "in the trash", "auto-draft": "an unsaved auto-draft",
                   "inherit": "a revision"}
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.S)
_SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)((?:\s+[^\]\[]*)?)/?\]")
_DIMENSION = re.compile(r's:(\d+):"(width|height)";i:(\d+);')
_BLOCK_START = re.compile(r"^\s*<(?:p|div|h[1-6]|ul|ol|table|blockquote|figure|pre|hr|img)\b", re.I)


class WxrError(ImportFailure):
    """The whole export cannot be read (not XML, a DOCTYPE, not WordPress)."""


@dataclass
class Attachment:
    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""


@dataclass
class Site:
    """What the first pass learns: authors, attachments, the site address and its UTC offset."""

    base_url: str = ""
    authors: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    offset: timedelta | None = None


@dataclass
class Skipped:
    label: str
    slug: str
    reason: str


def _key(tag: str) -> str:
    """``{namespace}local`` as ``wp:local``, ``content:local``, ``excerpt:local``, ``dc:local``."""
    if not tag.startswith("{"):
        return tag
    ns, local = tag[1:].split("}", 1)
    if "wordpress.org/export" in ns:
        return ("excerpt:" if ns.rstrip("/").endswith("excerpt") else "wp:") + local
    if "purl.org/rss/1.0/modules/content" in ns:
        return "content:" + local
    if "purl.org/dc/elements" in ns:
        return "dc:" + local
    return local


def check_prolog(path: Path, handle: IO[bytes]) -> None:
    """Refuse a DOCTYPE (entities, external files) and any encoding but UTF-8 before parsing."""
    head = handle.read(PROLOG_LIMIT)
    handle.seek(0)
    text = head.removeprefix(b"\xef\xbb\xbf")
    declared = re.match(rb"<\?xml[^>]*encoding=[\"']([^\"']+)", text)
    if declared and declared[1].lower().replace(b"-", b"") != b"utf8":
        raise WxrError(path, f"the export is in {declared[1].decode('ascii', 'replace')}; "
                             "WordPress writes UTF-8, save it as UTF-8.")
    prolog = re.sub(rb"<\?.*?\?>|<!--.*?-->|\s+", b"", text, flags=re.S)
    if prolog.startswith(b"<!"):
        raise WxrError(path, "the export declares a DOCTYPE; WordPress exports have none and "
                             "one is never read (it can expand entities or read other files).")
    if not prolog.startswith(b"<"):
        raise WxrError(path, "this is not an XML file (a WordPress export starts with <?xml).")


def _events(path: Path, handle: IO[bytes]) -> Iterator[ET.Element]:
    """Each finished element; raises WxrError with the line when the XML breaks.

    A finished <item> or <wp:author> is taken off the channel once the caller is done with it,
    so the tree never holds more than the element being read.
    """
    parents: list[ET.Element] = []
    try:
        for event, element in ET.iterparse(handle, events=("start", "end")):
            if event == "start":
                parents.append(element)
                continue
            parents.pop()
            yield element
            if parents and _key(element.tag) in ("item", "wp:author") and len(parents[-1]):
                if parents[-1][-1] is element:
                    del parents[-1][-1]
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise WxrError(path, f"the export is not well-formed XML ({exc}).", line=line) from exc


def _fields(item: ET.Element) -> dict[str, str]:
    return {_key(child.tag): (child.text or "") for child in item}


def _meta(item: ET.Element) -> dict[str, str]:
    found = {}
    for meta in item:
        if _key(meta.tag) == "wp:postmeta":
            values = _fields(meta)
            found[values.get("wp:meta_key", "")] = values.get("wp:meta_value", "")
    return found


def _gmt(value: str) -> datetime | None:
    value = value.strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return None


def scan(path: Path, handle: IO[bytes]) -> Site:
    """First pass: authors, attachments (for featured images) and the site's UTC offset."""
    site = Site()
    for element in _events(path, handle):
        key = _key(element.tag)
        if key == "wp:author":
            values = _fields(element)
            login = values.get("wp:author_login", "")
            site.authors[login] = values.get("wp:author_display_name", "").strip() or login
            element.clear()
        elif key == "wp:base_site_url":
            site.base_url = (element.text or "").strip()
        elif key == "item":
            values = _fields(element)
            if values.get("wp:post_type") == "attachment":
                meta = _meta(element)
                sizes = dict((k, int(v)) for _n, k, v in _DIMENSION.findall(
                    meta.get("_wp_attachment_metadata", "")[:4096]))
                site.attachments[values.get("wp:post_id", "")] = Attachment(
                    values.get("wp:attachment_url", "").strip(), sizes.get("width"),
                    sizes.get("height"), meta.get("_wp_attachment_image_alt", ""))
            local, gmt = _gmt(values.get("wp:post_date", "")), _gmt(values.get("wp:post_date_gmt", ""))
            if site.offset is None and local and gmt:
                site.offset = local - gmt
            element.clear()
    handle.seek(0)
    return site


def _autop(html: str) -> str:
    """Classic-editor posts keep paragraphs as blank lines (WordPress adds <p> when showing them)."""
    parts = re.split(r"\n\s*\n", html.strip())
    return "\n".join(p if _BLOCK_START.match(p) else f"<p>{p}</p>" for p in parts if p.strip())


def body_markdown(html: str, base_url: str, convert: HtmlToMarkdown) -> tuple[str, list[str]]:
    """The post's HTML as markdown, without block comments or shortcodes (which are named)."""
    html = _BLOCK_COMMENT.sub("", html)
    names = sorted({m[2] for m in _SHORTCODE.finditer(html)})
    html = _SHORTCODE.sub("", html)
    return convert(_autop(html), base_url or None), names


def plain_text(html: str) -> str:
    """An excerpt's words (WordPress keeps it as text, sometimes with a tag or an entity)."""
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", html)).split())


def _slug(value: str) -> str | None:
    """The post's slug (percent-decoded); one we do not allow (``index``) gets ``-article``."""
    value = unquote(value.strip())
    if not value:
        return None
    try:
        return validate_slug(value)
    except SlugError:
        slug = slugify(value)
        return (f"{slug}-article" if is_reserved(slug) else slug) or None


def _date(values: dict[str, str], site: Site) -> datetime | None:
    gmt = _gmt(values.get("wp:post_date_gmt", ""))
    if gmt is not None:
        return gmt.replace(tzinfo=UTC)
    local = _gmt(values.get("wp:post_date", ""))
    if local is None:
        return None
    return (local - (site.offset or timedelta())).replace(tzinfo=UTC)


def _terms(item: ET.Element, domain: str) -> list[str]:
    return [(c.text or "").strip() for c in item if c.tag == "category"
            and c.get("domain") == domain and (c.text or "").strip()]


def _featured(meta: dict[str, str], site: Site) -> ImageRef | None:
    attachment = site.attachments.get(meta.get("_thumbnail_id", "").strip())
    if attachment is None or not attachment.url:
        return None
    return ImageRef(src=attachment.url, alt=attachment.alt, width=attachment.width,
                    height=attachment.height)


def to_article(path: Path, item: ET.Element, site: Site, number: int,
               convert: HtmlToMarkdown) -> ParsedArticle | Skipped:
    values = _fields(item)
    title = values.get("title", "").strip()
    label = f"{path}: post {values.get('wp:post_id') or number} “{title[:60]}”"
    kind, status = values.get("wp:post_type", "post"), values.get("wp:status", "")
    slug = _slug(values.get("wp:post_name", ""))
    if kind != "post":  # attachments were read in the first pass; pages and menus are not posts
        return Skipped(label, slug or "", f"not a post: {kind.replace('_', ' ')}")
    if status in _SKIPPED_STATUS or status not in _STATUS:
        return Skipped(label, slug or "", _SKIPPED_STATUS.get(status, f"status “{status}”"))
    body, shortcodes = body_markdown(values.get("content:encoded", ""), site.base_url, convert)
    cats, tags = _terms(item, "category"), _terms(item, "post_tag")
    login = values.get("dc:creator", "").strip()
    mapped = {
        "title": title or "(untitled)", "slug": slug, "date": _date(values, site),
        "author": site.authors.get(login, login), "category": cats[0] if cats else "",
        "tags": tags + [c for c in cats[1:] if c not in tags], "status": _STATUS[status],
        "summary": plain_text(values.get("excerpt:encoded", "")),
    }
    try:
        parsed = build_article(path, mapped, {}, body, 1)
    except ImportFailure as exc:
        raise ImportFailure(path, f"{label[len(str(path)) + 2:]}: {exc.message}") from exc
    parsed.source, parsed.label = "wordpress", label
    parsed.image = _featured(_meta(item), site)
    if not title:
        parsed.warnings.append(f"{label}: has no title; imported as “(untitled)”.")
    if shortcodes:
        parsed.warnings.append(f"{label}: shortcodes removed (their text kept): "
                               + ", ".join(shortcodes))
    return parsed


def _post_type(item: ET.Element) -> str:
    for child in item:
        if _key(child.tag) == "wp:post_type":
            return (child.text or "").strip()
    return "post"


def read_wxr(path: Path, handle: IO[bytes], convert: HtmlToMarkdown
             ) -> Iterator[ParsedArticle | Skipped | ImportFailure]:
    """Every <item> of the export in file order; each post is built, skipped or failed alone."""
    check_prolog(path, handle)
    site = scan(path, handle)
    number = 0
    for element in _events(path, handle):
        if _key(element.tag) != "item" or _post_type(element) == "attachment":
            continue
        number += 1
        try:
            yield to_article(path, element, site, number, convert)
        except ImportFailure as exc:
            yield exc
        except (ValueError, TypeError, RecursionError) as exc:
            yield ImportFailure(path, f"post {number} cannot be imported ({exc}).")
        element.clear()


def is_wxr(path: Path, head: bytes) -> bool:
    """An XML file whose first kilobytes name the WordPress export namespace."""
    return path.suffix.lower() == ".xml" or b"wordpress.org/export" in head[:8192]
