"""The incremental plan: only what the store's change log names, the rest taken from the manifest.

An export records in its manifest where the change log stood (store/changelog.py) with what every
page depends on (the base key: site profile, media, sections, code). The next ``--changed`` export
reads the articles stamped since and those whose scheduled time came, the articles linking to
them, and the list pages, feed and sitemap lines those show; every other unit is as the manifest
says. Whenever anything is unsure (no mark, another database, the log went backwards, the base
changed, an article moved in the lists, entered them below their front pages or left them from
below (or more than one left), a page the manifest recorded does not hold what the store says it
did) ``delta_plan`` returns None and the export compares every key as before.
"""

from __future__ import annotations

import bisect
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
    _PLAIN_URL,
    FEED_LIMIT,
    SitemapUrl,
    SitePages,
    SiteUnit,
    _url_lines,
    list_pages,
    logo_info,
    page_of,
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
    removed: list[str] = field(default_factory=list)  # units the site no longer has
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
        self.names: dict[str, list[str] | None] = {}  # the section names of each list

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
        self.before = before
        return {"identity": mark.identity, "since": mark.since, "engine": mark.engine, "now": reader.now.isoformat(),
                "base": self.base_key, "categories": self.categories, "sitemap_limit": self.limit}

    def plan(self) -> DeltaPlan:
        reader, old = self.reader, self.old
        mark = self._check_mark()
        changes = changelog.changes_since(reader, self.prev["since"], DELTA_LIMIT)
        _sure(changes is not None)
        assert changes is not None
        # Articles whose publication time came since are new on the site like those published
        # meanwhile (a time after the last export's is after every article's on the site then).
        arrived = changelog.arrivals(reader, self.before, reader.now, DELTA_LIMIT)
        _sure(arrived is not None)
        changed = {c.article_id for c in changes} | set(arrived or ())
        ids = changed | changelog.linking_to(reader, changed)
        _sure(len(ids) <= DELTA_LIMIT)
        self.site = reader.site()
        rows = changelog.listing_rows_of(reader, ids)
        self.rows = {r[0]: r for r in rows}
        entries = self._entries(rows)
        on_site = {e.id: e for e in entries}
        moved = {c.article_id for c in changes if c.moved}
        self.entered: set[int] = set()
        self.left: dict[int, tuple[str, str]] = {}  # an article that left the site: its key and slug
        self.removed: list[str] = []
        for aid in ids:
            uid = f"article:{aid}"
            record = old.record(uid)
            was = record is not None
            _sure(not old.has_unit(uid))  # recorded as an odd unit: the full comparison handles it
            _sure(was or aid not in on_site or self._may_enter(on_site[aid]))
            if record is not None and aid not in on_site:  # unpublished, deleted or put off
                self.left[aid] = (record[: record.find(" ")], record[record.rfind(" ") + 1:])
                continue
            _sure(not (was and aid in moved))  # may have moved in the lists
            if record is not None:
                _sure(record.endswith(" " + on_site[aid].slug))
            elif aid in on_site:
                self.entered.add(aid)
        # One article leaving the front pages of its lists (a story taken down soon after it went
        # out) is served; more at once, or with others entering, take the full comparison.
        _sure(len(self.left) <= 1 and not (self.left and self.entered))
        self.removed.extend(f"article:{aid}" for aid in self.left)
        # Articles whose rows changed are rendered again even when their key is as recorded (a
        # worker of the last export may have read a later state); the others when it differs.
        render = [e for e in entries if e.id in changed or e.key != old.key(f"article:{e.id}")]
        shown = [e for e in entries if e.key != old.key(f"article:{e.id}")]
        if shown or self.left:
            self._site_units(shown)
        # The site holds the articles the manifest has, those that entered, less the one that left.
        on_site = old.site_articles() + len(self.entered) - len(self.left)
        return DeltaPlan(self.site, self.categories, list(self.units.values()),
                         {f"article:{e.id}": e.key for e in render}, render,
                         on_site, changelog.article_count(reader) - on_site, reader.now, reader.waiting_times(), mark,
                         self.removed)

    def _may_enter(self, entry: Entry) -> bool:
        """Whether an article that entered the site is one this plan can add: one in a section
        the site has (a new section changes every page's menu)."""
        return not entry.category or entry.category in self.categories

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
        lists: dict[str, tuple[str, str, list[str] | None, str, list[Entry]]] = {"index": ("", "Latest", None, "", [])}
        for e in shown:
            lists["index"][4].append(e)
            slug = self.pages.section_slugs.get(e.category)
            if slug:
                lists.setdefault(f"category:{slug}", self._section(slug))[4].append(e)
        self.left_from: set[str] = set()  # the lists whose front page the article that left was on
        if self.left:  # its section then is unknown (it may be deleted): each front page tells
            self.left_from.add("index")
            _sure(self._was_on_front("index", "Latest", None))
            for slug in dict.fromkeys(self.pages.section_slugs.values()):
                _, heading, names, _, _ = section = self._section(slug)
                if self._was_on_front(f"category:{slug}", heading, names):
                    self.left_from.add(f"category:{slug}")
                    lists.setdefault(f"category:{slug}", section)
        for uid, (prefix, heading, names, section, members) in lists.items():
            first = self._list(uid, prefix, heading, names, section, members)
            if uid == "index" and (first < FEED_LIMIT or self.left):
                self._feed()
        self._sitemaps(shown)

    def _section(self, slug: str) -> tuple[str, str, list[str] | None, str, list[Entry]]:
        names = [n for n in self.categories if slugify(n) == slug]
        heading = next(s.name for s in self.pages.sections if s.slug == slug)
        return (f"category/{slug}/", heading, names, slug, [])

    def _was_on_front(self, uid: str, heading: str, names: list[str] | None) -> bool:
        """Whether the article that left was on the front page of list ``uid`` (False: it was not
        in the list), told by the page's recorded key: the entries there now, or those with the
        article among them. Unsure when neither: it was on an older page, so every newer one moves."""
        key = next(iter(self.left.values()))[0]
        count = changelog.listing_count(self.reader, names)
        recorded = self.old.key(f"{uid}:0")
        for gone in (0, 1):
            before = list_pages(count + gone)
            size = before[0][2] - gone  # on the front page then, but the article that left
            keys = self._old_keys(self._entries(changelog.listing_slice(self.reader, 0, size, names)))
            _sure(len(keys) == size)
            tries = [keys] if not gone else [[*keys[:p], key, *keys[p:]] for p in range(size + 1)]
            if any(self.pages.listing_key(uid, 0, len(before), heading, k) == recorded for k in tries):
                _sure(count > 0 or not gone)  # its section now has no article: the menus change
                return bool(gone)
        raise Unsure()

    def _old_keys(self, chunk: list[Entry]) -> list[str]:
        keys = [self.old.key(f"article:{e.id}") for e in chunk]
        _sure(None not in keys)
        return [k for k in keys if k is not None]

    def _list(self, uid: str, prefix: str, heading: str, names: list[str] | None, section: str,
              members: list[Entry]) -> int:
        """Build again the pages of list ``uid`` that show ``members`` (articles shown anew),
        each after checking that the manifest's page held the entries the store puts there,
        and the pages that articles entering the list reshape (site_pages.list_pages: the front
        page, and the newest older page once the front page fills one); the first position of
        a member in the list. An article entering anywhere but the front page would move
        older pages: the full comparison handles that."""
        count = changelog.listing_count(self.reader, names)
        entered = [e for e in members if e.id in self.entered]
        left = uid in self.left_from
        pages, before = sorted(list_pages(count)), list_pages(count - len(entered) + left)
        self.names[uid] = names
        found: dict[int, tuple[tuple, int]] = {}  # page number: a member's row and position on it
        first = count
        for e in members:
            position = changelog.newer_count(self.reader, self.rows[e.id], names)
            _sure(position < count)
            number = page_of(position, count)
            _sure(number == 0 or e.id not in self.entered)
            found.setdefault(number, (self.rows[e.id], position))
            first = min(first, position)
        numbers = set(found)
        if entered or left:
            numbers.add(0)
            if len(pages) > len(before):  # a new older page, and the one below it links to it
                numbers.update(range(max(1, len(before) - 1), len(pages)))
            if len(pages) < len(before):  # the newest older page went back to the front page, and
                numbers.update(range(max(1, len(pages) - 1), len(pages)))  # the one below links there
                self.removed.extend(f"{uid}:{n}" for n in range(len(pages), len(before)))
        for number in sorted(numbers):
            _, start, end = pages[number]
            if number in found:
                row, position = found[number]
                rows = changelog.listing_around(self.reader, row, position - start, end - start, names)
                _sure(row[0] in {r[0] for r in rows})
            else:  # near the top of the list: the front page or the newest older pages
                rows = changelog.listing_slice(self.reader, start, end - start, names)
            chunk = self._entries(rows)
            _sure(len(chunk) == end - start)
            self._check_page(uid, number, before, heading, chunk, entered)
            self.units[f"{uid}:{number}"] = self.pages.listing_unit(prefix, uid, heading, chunk, number, pages, section)
        return first

    def _check_page(self, uid: str, number: int, before: list[tuple[int, int, int]], heading: str,
                    chunk: list[Entry], entered: list[Entry]) -> None:
        """That list page ``number`` of the last export (paged as ``before``) held what the
        store says it did: its entries then, by their recorded keys."""
        unit_id = f"{uid}:{number}"
        if number >= len(before):  # new: its entries were on the front page, checked with it
            _sure(not self.old.has_unit(unit_id))
            return
        if number == 0 and uid in self.left_from:
            return  # checked with the article that left among its entries (_was_on_front)
        if number == 0 and entered:  # the front page then: the newest without those that entered
            size, gone = before[0][2], {e.id for e in entered}
            rows = changelog.listing_slice(self.reader, 0, size + len(gone), self.names[uid])
            chunk = [e for e in self._entries(rows) if e.id not in gone][:size]
        _sure(self.pages.listing_key(uid, number, len(before), heading, self._old_keys(chunk)) == self.old.key(unit_id))

    def _feed(self) -> None:
        """The feed again, after checking it held the newest articles but those that entered."""
        gone = self.entered
        entries = self._entries(changelog.listing_slice(self.reader, 0, FEED_LIMIT + len(gone)))
        chunk, was = entries[:FEED_LIMIT], [e for e in entries if e.id not in gone][:FEED_LIMIT]
        keys = self._old_keys(was)
        tries = [keys]
        for left, _ in self.left.values():  # it was in the feed somewhere, or older than all of it
            tries += [[*keys[:p], left, *keys[p:]][:FEED_LIMIT] for p in range(len(keys) + 1)]
        _sure(any(digest(self.base_key, "feed", k) == self.old.key("feed") for k in tries))
        feed = SitePages(self.site, chunk, self.base_key, self.logo, self.limit)
        feed.sections, feed.section_slugs = self.pages.sections, self.pages.section_slugs
        self.units["feed"] = SiteUnit("feed", digest(self.base_key, "feed", [e.key for e in chunk]), feed._feed)

    def _sitemaps(self, shown: list[Entry]) -> None:
        """Patch the sitemap lines of the shown articles (address and day of update) and the
        front page's (the newest update) in the files the manifest records; an article that
        entered gets its line in the part the full plan would put it in."""
        parts = self.old.has_unit("sitemap:pages:1")
        _sure(not self.old.has_unit("sitemap:pages:2"))
        base = self.pages.base
        page_lines = 3 + len(self.pages.sections)  # front page, sections, About, Contact
        if self.entered or self.left:
            _sure(_PLAIN_URL.fullmatch(base) is not None)  # addresses compared as written
            _sure(parts or page_lines + self.old.site_articles() + len(self.entered) <= self.limit)
        lines: dict[str, list[SitemapUrl]] = {}
        for e in shown:
            uid = f"sitemap:{(e.id - 1) // self.limit + 1}" if parts else "sitemap"
            lines.setdefault(uid, []).append(SitemapUrl(f"{base}{e.slug}/", e.updated.date().isoformat()))
        newest = changelog.newest_update(self.reader)
        front = _local(newest, self.site.timezone).date().isoformat() if newest else ""
        lines.setdefault("sitemap:pages:1" if parts else "sitemap", []).append(SitemapUrl(base, front))
        new = {f"{base}{e.slug}/" for e in shown if e.id in self.entered}
        gone: dict[str, str] = {}
        for aid, (_key, slug) in self.left.items():
            uid = f"sitemap:{(aid - 1) // self.limit + 1}" if parts else "sitemap"
            gone[uid] = f"{base}{slug}/"
            lines.setdefault(uid, [])
        for uid, urls in lines.items():
            self._patch(uid, urls, new, 0 if parts else page_lines, gone.get(uid))

    def _patch(self, uid: str, urls: list[SitemapUrl], new: set[str], skip: int, gone: str | None = None) -> None:
        """Replace the lines of ``urls`` in sitemap unit ``uid`` (those in ``new`` are added
        among the article lines, in address order after the ``skip`` lines of site pages), and
        take out the line of address ``gone``."""
        files = self.old.unit_files(uid)
        _sure(len(files) == 1)
        rel, sha = next(iter(files.items()))
        try:
            data = (self.out / rel).read_bytes()
        except OSError:
            raise Unsure() from None
        _sure(hashlib.sha256(data).hexdigest() == sha)
        text = data.decode("utf-8")
        patched = text
        if gone is not None:
            start = f"{_URL}{gone}</loc>"
            at = patched.find(start)
            _sure(at >= 0 and patched.find(start, at + 1) < 0)
            end = patched.find("</url>", at)
            _sure(end > at)
            patched = patched[:at] + patched[end + len("</url>"):]
            _sure(_URL in patched)  # a part left without a line: the full plan drops the file
        for url in urls:
            line = str(_url_lines([url]))
            if url.loc in new:
                patched = _insert(patched, line, url.loc, self.pages.base, skip)
                continue
            start = line[: line.index("</loc>") + len("</loc>")]
            at = patched.find(start)
            _sure(at >= 0 and patched.find(start, at + 1) < 0)
            end = patched.find("</url>", at)
            _sure(end > at)
            patched = patched[:at] + line + patched[end + len("</url>"):]
        if patched != text:
            body = patched.encode("utf-8")
            key = "patched-" + hashlib.sha256(body).hexdigest()  # never a full plan's key
            self.units[uid] = SiteUnit(uid, key, _const(rel, body))


_URL = "\n<url><loc>"


def _slug(loc: str, base: str) -> str:
    _sure(loc.startswith(base) and loc.endswith("/"))
    return loc[len(base):-1]


def _insert(text: str, line: str, loc: str, base: str, skip: int) -> str:
    """``text`` (a sitemap file) with ``line``, the <url> of ``loc``, put among its article
    lines (after the first ``skip`` lines) where the full plan writes it: by address."""
    tail = text.rfind("\n</urlset>")
    _sure(tail >= 0)
    head, *items = text[:tail].split(_URL)
    _sure(len(items) >= skip)
    slugs = [_slug(item[: item.find("</loc>")], base) for item in items[skip:]]
    slug = _slug(loc, base)
    _sure(slug not in slugs and slugs == sorted(slugs))  # (the lines are sorted by slug, not address)
    items.insert(skip + bisect.bisect(slugs, slug), line[len(_URL):])
    return head + "".join(_URL + item for item in items) + text[tail:]


def _const(rel: str, data: bytes) -> Callable[[], dict[str, bytes]]:
    return lambda: {rel: data}


def _local(value: str | datetime, zone: str) -> datetime:
    """A stored time as the pages show it: in the site's zone (see sitedata.entries_from)."""
    moment = parse_time(value)
    if (zone or DEFAULT_ZONE).strip() != DEFAULT_ZONE:
        moment = moment.astimezone(site_zone(zone))
    return moment
