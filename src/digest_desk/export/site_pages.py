"""The site-level pages: the digest index, section pages, About, Contact, feed and sitemap."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

import jinja2
import markdown
import nh3
from markupsafe import Markup, escape

from digest_desk.domain import Site
from digest_desk.domain.logo import MEDIA_REF, logo_kind, logo_media_name
from digest_desk.domain.slugs import slugify
from digest_desk.export.page_cache import cached_unit
from digest_desk.export.sitedata import Entry, digest
from digest_desk.paths import resource
from digest_desk.render.context import base_url as render_base_url
from digest_desk.render.context import logo_url, site_link
from digest_desk.render.fragments import template_cache
from digest_desk.store.published import MediaItem

PAGE_SIZE = 20
FEED_LIMIT = 100
# URLs one sitemap file may hold (the sitemaps.org limit). A site with more gets part files and
# sitemap.xml becomes their index, so the address search engines know keeps working.
SITEMAP_LIMIT = 50_000
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    slug: str


class SitemapUrl(NamedTuple):
    loc: str
    lastmod: str


# Addresses made of these characters read the same escaped or not (slugs, dates, plain base URLs).
_PLAIN_URL = re.compile(r"[A-Za-z0-9:/._~-]*")


def _url_lines(urls: list[SitemapUrl]) -> Markup:
    """The <url> elements of a sitemap, escaped as the template's autoescape would (only the
    rare address with other characters goes through escape): a sitemap of 100,000 addresses
    costs a fourth of a template loop."""
    lines = []
    for loc, lastmod in urls:
        loc = loc if _PLAIN_URL.fullmatch(loc) else str(escape(loc))
        when = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"\n<url><loc>{loc}</loc>{when}</url>")
    return Markup("".join(lines))


@dataclass(slots=True)
class SiteUnit:
    """One output unit: its id, the key it is built from, and how to build its files."""

    uid: str
    key: str
    build: Callable[[], dict[str, bytes]]


def long_date(value: datetime) -> str:
    """A date in words, independent of the process locale (deterministic output)."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource("templates", "site"))),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=template_cache(),
    )
    env.filters["long_date"] = long_date
    return env


def sections_for(categories: list[str]) -> list[Section]:
    """One section page per distinct ``category/<slugify(name)>/`` folder, as the article pages
    link them; names that slugify alike share a page (titled by the first name), names with
    no usable letters get none."""
    out: dict[str, Section] = {}
    for name in sorted(categories):
        slug = slugify(name)
        if slug and slug not in out:
            out[slug] = Section(name, slug)
    return list(out.values())


def base_url(site: Site) -> str:
    return render_base_url(site)  # only an http(s) address, whatever the database says


def _footer_href(site: Site, url: str, root: str) -> str | None:
    """Where a footer link goes on a site page; None for one that must not render."""
    safe = site_link(site, url)
    if safe is None:
        return None
    return local_href(url.strip(), root) if url.strip().startswith("/") else safe


def local_href(url: str, root: str) -> str:
    """A footer link written for the site root ("/about/") made relative and openable from disk."""
    if not url.startswith("/") or url.startswith("//"):
        return url
    path = url.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return root + path


def safe_markdown(text: str) -> str:
    """About/Contact markdown as sanitised HTML."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(html)


class SitePages:
    """Builds the site-level units from the profile and the listing entries."""

    def __init__(self, site: Site, entries: list[Entry], base_key: str, logo: dict | None,
                 sitemap_limit: int = SITEMAP_LIMIT) -> None:
        if sitemap_limit < 1:
            raise ValueError("a sitemap file holds at least one URL")
        self.sitemap_limit = sitemap_limit
        self.site = site
        self.entries = entries
        self.base_key = base_key
        self.base = base_url(site)
        names = sorted({e.category for e in entries if e.category})
        self.sections = sections_for(names)
        self.section_slugs = {name: slugify(name) for name in names if slugify(name)}
        self.logo = logo

    def _common(self, root: str, canonical_path: str) -> dict:
        logo = None
        if self.logo:
            src = self.logo["src"]
            logo = {**self.logo, "src": src if "://" in src else root + src}
        return {
            "site": self.site,
            "root": root,
            "canonical": self.base + canonical_path,
            "sections": self.sections,
            "section_slugs": self.section_slugs,
            "footer": [
                {"title": link.get("title", ""), "href": href}
                for link in (self.site.footer_links or [])
                if (href := _footer_href(self.site, str(link.get("url", "/")), root))
            ],
            "logo": logo,
            "current_section": "",
            "description": "",
        }

    def _render(self, name: str, **values) -> bytes:
        return _env().get_template(name).render(**values).encode("utf-8")

    def _listing_units(self, prefix: str, uid: str, heading: str, entries: list[Entry], section: str) -> list[SiteUnit]:
        pages = list_pages(len(entries))
        return [self.listing_unit(prefix, uid, heading, entries[start:end], number, pages, section)
                for number, start, end in pages]

    def listing_unit(self, prefix: str, uid: str, heading: str, chunk: list[Entry], number: int,
                     pages: list[tuple[int, int, int]], section: str) -> SiteUnit:
        """The unit of list page ``number`` (0: the front page) of a list paged as ``pages``.
        Its key holds what it shows: its entries and where its two page links go."""
        newer, older = _neighbours(number, len(pages))
        key = self.listing_key(uid, number, len(pages), heading, [e.key for e in chunk])
        return SiteUnit(f"{uid}:{number}", key, self._listing_builder(prefix, heading, chunk, number, newer, older, section))

    def listing_key(self, uid: str, number: int, pages: int, heading: str, keys: list[str]) -> str:
        """The key of list page ``number`` of ``pages`` showing the entries of ``keys``."""
        return digest(self.base_key, uid, number, *_neighbours(number, pages), heading, keys)

    def _listing_builder(self, prefix: str, heading: str, chunk: list[Entry], number: int, newer: int | None,
                         older: int | None, section: str):
        def build() -> dict[str, bytes]:
            folder = prefix if number == 0 else f"{prefix}page/{number}/"
            root = "../" * folder.count("/")
            values = self._common(root, folder)
            span = _span(chunk) if newer is not None or older is not None else ""
            values.update(  # an older page's title says which days it covers: each title differs
                title=f"{heading}, {span}" if number else heading if prefix else self.site.name,
                heading=heading, entries=chunk, span=span,
                newer_href=None if newer is None else _page_href(number, newer),
                older_href=None if older is None else _page_href(number, older),
                current_section=section, description=self.site.tagline if not prefix else "",
            )
            return {folder + "index.html": self._render("listing.html", **values)}

        return build

    def units(self) -> list[SiteUnit]:
        """Every site unit; each builds through the page cache (its key knows all it shows)."""
        return [SiteUnit(u.uid, u.key, cached_unit(u.uid, u.key, u.build)) for u in self._units()]

    def _units(self) -> list[SiteUnit]:
        units = self._listing_units("", "index", "Latest", self.entries, "")
        grouped: dict[str, list[Entry]] = {}
        for e in self.entries:
            if e.category in self.section_slugs:
                grouped.setdefault(self.section_slugs[e.category], []).append(e)
        for section in self.sections:
            chosen = grouped.get(section.slug, [])
            units += self._listing_units(f"category/{section.slug}/", f"category:{section.slug}", section.name, chosen, section.slug)
        for name, text in (("about", self.site.about_md), ("contact", self.site.contact_md)):
            units.append(SiteUnit(name, digest(self.base_key, name), self._page_builder(name, text)))
        feed = self.entries[:FEED_LIMIT]
        units.append(SiteUnit("feed", digest(self.base_key, "feed", [e.key for e in feed]), self._feed))
        return units + self._sitemap_units()

    def _sitemap_units(self) -> list[SiteUnit]:
        """One sitemap.xml while every URL fits in one file; above ``sitemap_limit`` URLs, part
        files and sitemap.xml as their index. Articles go to part files by id (ids 1 to the limit
        in sitemap-1.xml, and so on): an edit changes one part, a new article the last one."""
        pages = self._page_urls()
        if len(pages) + len(self.entries) <= self.sitemap_limit:
            # The sitemap shows each article's address and day of update, nothing else of it.
            shown = "\n".join(f"{e.slug} {e.updated.date()}" for e in self.entries)
            return [SiteUnit("sitemap", digest(self.base_key, "sitemap", shown), self._sitemap)]
        units, names = [], []
        for number, start in enumerate(range(0, len(pages), self.sitemap_limit), start=1):
            chunk = pages[start : start + self.sitemap_limit]
            name = "sitemap-pages.xml" if number == 1 else f"sitemap-pages-{number}.xml"
            units.append(SiteUnit(f"sitemap:pages:{number}", digest(self.base_key, name, chunk),
                                  self._sitemap_file(name, lambda chunk=chunk: chunk)))
            names.append(name)
        parts: dict[int, list[Entry]] = {}
        for e in self.entries:
            parts.setdefault((e.id - 1) // self.sitemap_limit + 1, []).append(e)
        for number in sorted(parts):
            chunk, name = parts[number], f"sitemap-{number}.xml"
            shown = "\n".join(f"{e.slug} {e.updated.date()}" for e in chunk)
            units.append(SiteUnit(f"sitemap:{number}", digest(self.base_key, name, shown),
                                  self._sitemap_file(name, lambda chunk=chunk: self._article_urls(chunk))))
            names.append(name)
        index = [f"{self.base}{name}" for name in names]
        units.append(SiteUnit("sitemap", digest(self.base_key, "sitemap-index", index), self._index_builder(index)))
        return units

    def _sitemap_file(self, name: str, urls: Callable[[], list[SitemapUrl]]):
        return lambda: {name: self._render("sitemap.xml", url_lines=_url_lines(urls()))}

    def _index_builder(self, locations: list[str]):
        return lambda: {"sitemap.xml": self._render("sitemap_index.xml", locations=locations)}

    def _page_builder(self, name: str, text: str):
        titles = {"about": "About Us", "contact": "Contact Us"}
        for link in self.site.footer_links or []:
            if link.get("url", "").strip("/") == name and link.get("title"):
                titles[name] = link["title"]

        def build() -> dict[str, bytes]:
            values = self._common("../", f"{name}/")
            body = safe_markdown(text) if text.strip() else "<p>This page has not been written yet.</p>"
            values.update(title=titles[name], heading=titles[name], body_html=body)
            return {f"{name}/index.html": self._render("page.html", **values)}

        return build

    def _feed(self) -> dict[str, bytes]:
        entries = self.entries[:FEED_LIMIT]
        updated = max((e.updated for e in entries), default=self.site.updated_at)
        data = self._render("feed.xml", site=self.site, base=self.base, entries=entries, updated=updated.isoformat())
        return {"feed.xml": data}

    def _page_urls(self) -> list[SitemapUrl]:
        """The site's own pages: the front page (dated by the newest update), sections, About, Contact."""
        newest = max((e.updated for e in self.entries), default=None)
        urls = [SitemapUrl(self.base, newest.date().isoformat() if newest else "")]
        urls += [SitemapUrl(f"{self.base}category/{section.slug}/", "") for section in self.sections]
        return urls + [SitemapUrl(f"{self.base}about/", ""), SitemapUrl(f"{self.base}contact/", "")]

    def _article_urls(self, entries: list[Entry]) -> list[SitemapUrl]:
        return [SitemapUrl(f"{self.base}{e.slug}/", e.updated.date().isoformat())
                for e in sorted(entries, key=lambda e: e.slug)]

    def _sitemap(self) -> dict[str, bytes]:
        urls = self._page_urls() + self._article_urls(self.entries)
        return {"sitemap.xml": self._render("sitemap.xml", url_lines=_url_lines(urls))}


def list_pages(count: int) -> list[tuple[int, int, int]]:
    """The pages of a list of ``count`` entries (newest first) as (number, start, end), slices
    of the list. Page 0 is the front page (``index.html``); pages 1, 2, … (``page/N/``) hold
    PAGE_SIZE entries each, counted from the oldest, so a page keeps its articles whatever is
    published after them: a new article changes the front page (and, once every PAGE_SIZE
    articles, the page it fills), not every page of an archive. The front page holds the newest
    entries down to the newest full page: PAGE_SIZE to twice that less one, every entry once."""
    full = count // PAGE_SIZE
    if full <= 1:
        return [(0, 0, count)]
    front = count - (full - 1) * PAGE_SIZE
    return [(0, 0, front)] + [(n, count - n * PAGE_SIZE, count - (n - 1) * PAGE_SIZE) for n in range(full - 1, 0, -1)]


def page_of(position: int, count: int) -> int:
    """The number of the page (as list_pages) showing the entry at ``position`` of ``count``."""
    full = count // PAGE_SIZE
    if full <= 1 or position < count - (full - 1) * PAGE_SIZE:
        return 0
    return (count - 1 - position) // PAGE_SIZE + 1


def _neighbours(number: int, pages: int) -> tuple[int | None, int | None]:
    """The pages list page ``number`` links to as newer and older (None: no link), of ``pages``."""
    archive = pages - 1  # numbered 1 (oldest) to archive
    if number == 0:
        return None, (archive or None)
    return (number + 1 if number < archive else 0), (number - 1 or None)


def _span(chunk: list[Entry]) -> str:
    """The days a list page covers, as its pager shows them (the page's own entries only)."""
    if not chunk:
        return ""
    return date_span(chunk[-1].published, chunk[0].published)


def date_span(first: datetime, last: datetime) -> str:
    """Two days in words, what they share said once: "1 – 20 September 2026", "28 September –
    4 October 2026", "29 December 2025 – 3 January 2026"; one day when both are the same day."""
    end = long_date(last)
    if (first.year, first.month, first.day) == (last.year, last.month, last.day):
        return end
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} – {end}"
    if first.year == last.year:
        return f"{first.day} {MONTHS[first.month - 1]} – {end}"
    return f"{long_date(first)} – {end}"


def _page_href(current: int, target: int) -> str:
    """Relative link from list page ``current`` to page ``target`` of the same list."""
    up = "" if current == 0 else "../../"
    return up + ("index.html" if target == 0 else f"page/{target}/index.html")


def logo_info(site: Site, stored: Mapping[str, MediaItem]) -> tuple[dict | None, str | None]:
    """How the logo is shown, and the stored picture to publish with it (None when remote).

    Only an http(s) address (with its size) or ``media/NAME`` of a picture kept in the database
    (``stored``) is shown; a local path in the profile is never read, so nothing is shown.
    """
    logo = (site.logo or "").strip()
    if logo_kind(logo) == "web":
        if site.logo_width and site.logo_height and (src := logo_url(site, {})):
            return {"src": src, "width": site.logo_width, "height": site.logo_height}, None
        return None, None
    name = logo_media_name(logo)
    item = stored.get(name) if name else None
    if item is None or not item.has_data:
        return None, None
    size = {"width": site.logo_width or item.width, "height": site.logo_height or item.height}
    return {"src": MEDIA_REF + name, **size}, name
