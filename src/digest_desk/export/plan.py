"""What an export consists of: every unit with its key, built from the store's current state."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from digest_desk.domain import Site
from digest_desk.domain.slugs import MAX_SLUG, RESERVED, SlugError, validate_slug
from digest_desk.export.articles import article_files
from digest_desk.export.delta import change_mark
from digest_desk.export.errors import ExportError
from digest_desk.export.safepath import check_rel
from digest_desk.export.site_pages import SITEMAP_LIMIT, SitePages, SiteUnit, logo_info
from digest_desk.export.sitedata import Entry, digest, entries_from, global_key
from digest_desk.paths import resource
from digest_desk.store.engine import Store
from digest_desk.store.published import MediaItem, PublishedReader, media_bytes, published_reader
from digest_desk.store.site import get_site


@dataclass(slots=True)
class Plan:
    site: Site
    entries: list[Entry]
    categories: list[str]
    site_units: list[SiteUnit]  # pages, feed, sitemap, assets and media
    unpublished: int
    now: datetime  # the instant the plan was made for: what had come by then is on the site
    waiting: list[datetime] = field(default_factory=list)  # times still to come, soonest first
    article_keys: dict[str, str] = field(default_factory=dict)  # "article:<id>" -> key
    changes: dict | None = None  # the change-log mark of this read (export/delta.py)
    _keys: dict[str, str] | None = None

    def keys(self) -> dict[str, str]:
        """Every unit's key by unit id (built once: an export asks several times)."""
        if self._keys is None:
            self._keys = dict(self.article_keys)
            self._keys.update((u.uid, u.key) for u in self.site_units)
        return self._keys


def _asset_units() -> list[SiteUnit]:
    units = []
    css = resource("css")
    for path in sorted(css.glob("*.css")) if css.is_dir() else []:
        data = path.read_bytes()
        units.append(SiteUnit(f"asset:{path.name}", digest("asset", data.hex()), _const(f"assets/{path.name}", data)))
    return units


def _const(rel: str, data: bytes):
    check_rel(rel)
    return lambda: {rel: data}


# A stored picture shown by a body: ``![alt](media/NAME)`` (names are file names, no spaces).
_BODY_MEDIA = re.compile(r"\(\s*<?media/([^\s)>\"']+)")


def used_media(entries: list[Entry], reader: PublishedReader, stored: set[str],
               logo: str | None = None) -> set[str]:
    """Pictures the published pages show: the site logo when it is a stored picture, lead
    pictures and pictures named in their bodies. Only these are published into media/; a
    draft's picture stays private. The bodies are read only when some stored picture is not
    the logo or a lead picture already (reading them costs about 5 ms per 1,000 articles)."""
    used = {e.image for e in entries if e.image} | ({logo} if logo else set())
    if stored - used:
        for body in reader.bodies_naming_media():
            used.update(_BODY_MEDIA.findall(body))
    return used


def _media_units(store: Store, items: list[MediaItem], used: set[str]) -> list[SiteUnit]:
    units = []
    for item in items:
        if not item.has_data or item.name not in used:
            continue
        rel = f"media/{item.name}"
        try:
            check_rel(rel)
        except ExportError as exc:
            raise ExportError(f"The picture “{item.name}” has a name that cannot be a file name: {exc}") from exc
        units.append(
            SiteUnit(f"media:{item.name}", digest("media", item.name, item.sha256 or item.width),
                     _media_loader(store, item.name, rel))
        )
    return units


def _media_loader(store: Store, name: str, rel: str):
    def build() -> dict[str, bytes]:
        return {rel: media_bytes(store, name) or b""}

    return build


_PLAIN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _check_slugs(entries: list[Entry]) -> None:
    for e in entries:
        if len(e.slug) <= MAX_SLUG and _PLAIN_SLUG.fullmatch(e.slug) and e.slug not in RESERVED:
            continue  # the common case, checked without the slower full validation
        try:
            validate_slug(e.slug)
            for rel in article_files(e.slug):
                check_rel(rel)
        except (SlugError, ExportError) as exc:
            raise ExportError(
                f"Article {e.id} “{e.title}” has the slug “{e.slug}”, which cannot be a folder "
                f"of the site ({exc}). Correct the slug and export again."
            ) from exc


def make_plan(store: Store, now: datetime | None = None, sitemap_limit: int = SITEMAP_LIMIT) -> Plan:
    """The plan from one read transaction: an export running while someone saves never mixes
    two states of the site (the article pages, rendered by workers, read theirs at start).

    ``now`` (default: this instant) decides which scheduled articles are due. The set of due
    articles is in the keys: an article that became due is a new unit and the pages listing
    it change, so ``export --changed`` run from a timer publishes it on time. ``sitemap_limit``
    is the most URLs one sitemap file holds (see site_pages.SITEMAP_LIMIT)."""
    get_site(store)  # made with its defaults if it never was
    with published_reader(store, now) as reader:
        return _plan(store, reader, sitemap_limit)


def _plan(store: Store, reader: PublishedReader, sitemap_limit: int = SITEMAP_LIMIT) -> Plan:
    site = reader.site()
    # The sections depend on the published articles, and every page on the sections.
    categories = reader.categories()
    base_key = global_key(reader, categories)
    # The rows come in chunks and the links go once the entries exist: at 100,000 articles
    # holding every row next to the entries made of them was a third of the plan's memory.
    links = reader.links_by_article()
    entries = entries_from(chain.from_iterable(reader.listing_chunks()), links, base_key, site.timezone)
    del links
    _check_slugs(entries)
    items = reader.media_items()
    logo, logo_name = logo_info(site, {item.name: item for item in items})
    units = SitePages(site, entries, base_key, logo, sitemap_limit).units()
    used = used_media(entries, reader, {item.name for item in items if item.has_data}, logo_name)
    units += _asset_units() + _media_units(store, items, used)
    plan = Plan(site, entries, categories, units, reader.unpublished_count(), reader.now,
                reader.waiting_times())
    plan.article_keys = {f"article:{e.id}": e.key for e in entries}
    plan.changes = change_mark(reader, base_key, categories, sitemap_limit)
    return plan
