"""The incremental plan: only what the store's change log names, the rest taken from the manifest.

An export records in its manifest where the change log stood (store/changelog.py) with what every
page depends on (the base key: site profile, media, sections, code). The next ``--changed`` export
reads the articles stamped since, the articles linking to them, and the list pages, feed and
sitemap lines those show; every other unit is as the manifest says. Whenever anything is unsure
(no mark, another database, the log went backwards, the base changed, a scheduled time came, an
article entered, left or moved in the lists, a page the manifest recorded does not hold what the
store says it did) ``delta_plan`` returns None and the export compares every key as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from digest_desk.domain import Site
from digest_desk.domain.slugs import slugify
from digest_desk.domain.zones import DEFAULT_ZONE, site_zone
from digest_desk.export.manifest import Manifest, StoredManifest
from digest_desk.export.site_pages import (
    FEED_LIMIT,
    PAGE_SIZE,
    SitemapUrl,
    SitePages,
    SiteUnit,
    _url_lines,
    logo_info,
    sections_for,
)
from digest_desk.export.sitedata import Entry, digest, entries_from, global_key
from digest_desk.store import changelog
from digest_desk.store.engine import Store
from digest_desk.store.published import PublishedReader, parse_time, published_reader

DELTA_LIMIT = 500  # more changed articles than this: comparing every key is as quick


@dataclass(slots=True)
class DeltaPlan:
    """What changed since the manifest's mark; every other unit stays as the manifest has it."""

    site: Site
    categories: list[str]
    site_units: list[SiteUnit]  # the site units to build again
    article_keys: dict[str, str]  # the article units to render again, with their new keys
    entries: list[Entry]  # those articles
    articles: int  # articles on the site
    unpublished: int
    now: datetime
    waiting: list[datetime]
    changes: dict  # the mark to record
    _keys: dict[str, str] | None = field(default=None)

    def keys(self) -> dict[str, str]:
        if self._keys is None:
            self._keys = dict(self.article_keys)
            self._keys.update((u.uid, u.key) for u in self.site_units)
        return self._keys


class Unsure(Exception):
    """The change log cannot say what changed: compare every key instead."""


def change_mark(reader: PublishedReader, base_key: str, categories: list[str], sitemap_limit: int) -> dict | None:
    """The mark an export made from this read records (None when the store keeps no log)."""
    mark = changelog.current_mark(reader)
    if mark is None:
        return None
    return {"identity": mark.identity, "since": mark.since, "engine": mark.engine, "now": reader.now.isoformat(),
            "base": base_key, "categories": categories, "sitemap_limit": sitemap_limit}


def delta_plan(store: Store, old: Manifest | StoredManifest, out: Path, now: datetime,
               sitemap_limit: int) -> DeltaPlan | None:
    """The incremental plan against ``old`` (the manifest of the export in ``out``), or None
    when the change log cannot tell or a record looked up is damaged (then the caller makes
    the full plan, which reads the manifest whole and rebuilds when it cannot)."""
    if not old.changes:
        return None
    with published_reader(store, now) as reader:
        try:
            return _Delta(reader, old, out, sitemap_limit).plan()
        except (Unsure, ValueError):  # ValueError: a damaged record (ManifestFileError is one)
            return None


def _sure(condition: bool) -> None:
    if not condition:
        raise Unsure()


class _Delta:
    def __init__(self, reader: PublishedReader, old: Manifest | StoredManifest, out: Path, sitemap_limit: int) -> None:
        self.reader, self.old, self.out, self.limit = reader, old, out, sitemap_limit
        self.prev: dict = old.changes or {}
        self.units: dict[str, SiteUnit] = {}

    def _check_mark(self) -> dict:
        prev, reader = self.prev, self.reader
        mark = changelog.current_mark(reader)
        _sure(mark is not None and mark.identity == prev.get("identity") and mark.engine == prev.get("engine"))
        assert mark is not None
        since = prev.get("since")
        _sure(type(since) is int and mark.since >= since and prev.get("sitemap_limit") == self.limit)
        try:
            before = datetime.fromisoformat(str(prev.get("now")))
        except ValueError:
            raise Unsure() from None
        _sure(before.tzinfo is not None and before <= reader.now)
        # The sections change only when an article enters, leaves or moves, which sends the
        # export to the full comparison: the recorded ones stand, checked with the base key.
        categories = prev.get("categories")
        _sure(isinstance(categories, list) and all(type(c) is str for c in categories))
        self.categories = list(categories)
        self.base_key = global_key(reader, self.categories)
        _sure(self.base_key == prev.get("base"))
        _sure(changelog.arrivals(reader, before, reader.now) == 0)  # no scheduled time came
        return {"identity": mark.identity, "since": mark.since, "engine": mark.engine, "now": reader.now.isoformat(),
                "base": self.base_key, "categories": self.categories, "sitemap_limit": self.limit}

    def plan(self) -> DeltaPlan:
        reader, old = self.reader, self.old
        mark = self._check_mark()
        changes = changelog.changes_since(reader, self.prev["since"], DELTA_LIMIT)
        _sure(changes is not None)
        assert changes is not None
        changed = {c.article_id for c in changes}
        ids = changed | changelog.linking_to(reader, changed)
        _sure(len(ids) <= DELTA_LIMIT)
        self.site = reader.site()
        rows = changelog.listing_rows_of(reader, ids)
        self.rows = {r[0]: r for r in rows}
        entries = self._entries(rows)
        on_site = {e.id: e for e in entries}
        moved = {c.article_id for c in changes if c.moved}
        for aid in ids:
            uid = f"article:{aid}"
            record = old.record(uid)
            was = record is not None
            _sure(not old.has_unit(uid))  # recorded as an odd unit: the full comparison handles it
            _sure(was == (aid in on_site))  # entered or left the site
            _sure(not (was and aid in moved))  # may have moved in the lists
            if record is not None:
                _sure(record.endswith(" " + on_site[aid].slug))
        # Articles whose rows changed are rendered again even when their key is as recorded (a
        # worker of the last export may have read a later state); the others when it differs.
        render = [e for e in entries if e.id in changed or e.key != old.key(f"article:{e.id}")]
        shown = [e for e in entries if e.key != old.key(f"article:{e.id}")]
        if shown:
            self._site_units(shown)
        # Nothing entered or left the site: it holds the articles the manifest has.
        on_site = old.site_articles()
        return DeltaPlan(self.site, self.categories, list(self.units.values()),
                         {f"article:{e.id}": e.key for e in render}, render,
                         on_site, changelog.article_count(reader) - on_site, reader.now, reader.waiting_times(), mark)

    def _entries(self, rows: list[tuple]) -> list[Entry]:
        links = changelog.links_of(self.reader, [r[0] for r in rows])
        return entries_from(rows, links, self.base_key, self.site.timezone)

    # --- the site units that show changed articles ------------------------------------------

    def _site_units(self, shown: list[Entry]) -> None:
        logo, _ = logo_info(self.site, {item.name: item for item in self.reader.media_items()})
        self.pages = SitePages(self.site, [], self.base_key, logo, self.limit)
        self.pages.sections = sections_for(self.categories)  # as the full plan's, from every article
        self.pages.section_slugs = {n: slugify(n) for n in self.categories if slugify(n)}
        self.logo = logo
        rows = self.rows
        for e in shown:
            position = self._listing(rows[e.id], "", "index", "Latest", None, "")
            if position < FEED_LIMIT:
                self._feed()
            slug = self.pages.section_slugs.get(e.category)
            if slug:
                names = [n for n in self.categories if slugify(n) == slug]
                heading = next(s.name for s in self.pages.sections if s.slug == slug)
                self._listing(rows[e.id], f"category/{slug}/", f"category:{slug}", heading, names, slug)
        self._sitemaps(shown)

    def _old_keys(self, chunk: list[Entry]) -> list[str]:
        keys = [self.old.key(f"article:{e.id}") for e in chunk]
        _sure(None not in keys)
        return [k for k in keys if k is not None]

    def _page_count(self, uid: str) -> int:
        pages = self.old.page_count(uid)
        _sure(pages > 0)
        return pages

    def _listing(self, row: tuple, prefix: str, uid: str, heading: str, names: list[str] | None,
                 section: str) -> int:
        """Build the list page of ``uid`` that shows the article of ``row`` again, after
        checking that the manifest's page held the entries the store puts there; its position."""
        position = changelog.newer_count(self.reader, row, names)
        page, pages = position // PAGE_SIZE + 1, self._page_count(uid)
        _sure(page <= pages)
        unit_id = f"{uid}:{page}"
        if unit_id not in self.units:
            rows = changelog.listing_around(self.reader, row, position - (page - 1) * PAGE_SIZE, PAGE_SIZE, names)
            chunk = self._entries(rows)
            _sure(row[0] in {e.id for e in chunk})
            was = digest(self.base_key, uid, page, pages, heading, self._old_keys(chunk))
            _sure(was == self.old.key(unit_id))
            key = digest(self.base_key, uid, page, pages, heading, [e.key for e in chunk])
            build = self.pages._listing_builder(prefix, heading, chunk, page, pages, section)
            self.units[unit_id] = SiteUnit(unit_id, key, build)
        return position

    def _feed(self) -> None:
        if "feed" in self.units:
            return
        chunk = self._entries(changelog.listing_slice(self.reader, 0, FEED_LIMIT))
        _sure(digest(self.base_key, "feed", self._old_keys(chunk)) == self.old.key("feed"))
        feed = SitePages(self.site, chunk, self.base_key, self.logo, self.limit)
        feed.sections, feed.section_slugs = self.pages.sections, self.pages.section_slugs
        self.units["feed"] = SiteUnit("feed", digest(self.base_key, "feed", [e.key for e in chunk]), feed._feed)

    def _sitemaps(self, shown: list[Entry]) -> None:
        """Patch the sitemap lines of the shown articles (address and day of update) and the
        front page's (the newest update) in the files the manifest records."""
        parts = self.old.has_unit("sitemap:pages:1")
        _sure(not self.old.has_unit("sitemap:pages:2"))
        base = self.pages.base
        lines: dict[str, list[SitemapUrl]] = {}
        for e in shown:
            uid = f"sitemap:{(e.id - 1) // self.limit + 1}" if parts else "sitemap"
            lines.setdefault(uid, []).append(SitemapUrl(f"{base}{e.slug}/", e.updated.date().isoformat()))
        newest = changelog.newest_update(self.reader)
        front = _local(newest, self.site.timezone).date().isoformat() if newest else ""
        lines.setdefault("sitemap:pages:1" if parts else "sitemap", []).append(SitemapUrl(base, front))
        for uid, urls in lines.items():
            self._patch(uid, urls)

    def _patch(self, uid: str, urls: list[SitemapUrl]) -> None:
        files = self.old.unit_files(uid)
        _sure(len(files) == 1)
        rel, sha = next(iter(files.items()))
        try:
            data = (self.out / rel).read_bytes()
        except OSError:
            raise Unsure() from None
        _sure(hashlib.sha256(data).hexdigest() == sha)
        text = data.decode("utf-8")
        new = text
        for url in urls:
            line = str(_url_lines([url]))
            start = line[: line.index("</loc>") + len("</loc>")]
            at = new.find(start)
            _sure(at >= 0 and new.find(start, at + 1) < 0)
            end = new.find("</url>", at)
            _sure(end > at)
            new = new[:at] + line + new[end + len("</url>"):]
        if new != text:
            body = new.encode("utf-8")
            key = "patched-" + hashlib.sha256(body).hexdigest()  # never a full plan's key
            self.units[uid] = SiteUnit(uid, key, _const(rel, body))


def _const(rel: str, data: bytes) -> Callable[[], dict[str, bytes]]:
    return lambda: {rel: data}


def _local(value: str | datetime, zone: str) -> datetime:
    """A stored time as the pages show it: in the site's zone (see sitedata.entries_from)."""
    moment = parse_time(value)
    if (zone or DEFAULT_ZONE).strip() != DEFAULT_ZONE:
        moment = moment.astimezone(site_zone(zone))
    return moment
