"""Plain data the export needs: listing entries and content keys (the rows come from store.published)."""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from digest_desk import __version__
from digest_desk.domain.zones import DEFAULT_ZONE, site_zone
from digest_desk.paths import resources_dir
from digest_desk.store.published import PublishedReader, parse_time


class Entry(NamedTuple):  # a tuple: made 10,000 times per export, five times faster than a frozen dataclass
    """What index pages, feed and sitemap need of one published article (no body)."""

    id: int
    slug: str
    title: str
    summary: str
    author: str
    category: str
    published: datetime
    updated: datetime
    image: str  # media name of the lead picture, "" when none
    image_width: int
    image_height: int
    image_alt: str
    # Content key of the article's pages, from everything stored about it. Pages that list the
    # article use it too: an edit of the body renders those again, to the same bytes, which are
    # then not written; hashing what they show instead cost more than rendering them.
    key: str


def row_digest(base_key: str, row: tuple, links: list[tuple]) -> str:
    """A sha256 of an article row and its links. marshal writes the values sqlite3 returns
    (str, int, float, bytes, None, in tuples and lists) unambiguously, three times faster than
    ``repr``; format 2 has no back-references, so equal values always give equal bytes."""
    return hashlib.sha256(marshal.dumps((base_key, row, links), 2)).hexdigest()


def digest(*parts: Any) -> str:
    """A stable sha256 over plain values (str, int, float, None, datetime, tuples and lists)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


# Libraries whose output lands in the pages: a new version may render the same text differently.
RENDERING_LIBRARIES = ("markdown", "nh3", "jinja2", "markupsafe")


def library_versions() -> str:
    found = []
    for name in RENDERING_LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:  # a frozen bundle without metadata: its own version counts
            found.append(f"{name}=?")
    return ";".join(found)


@lru_cache(maxsize=1)
def code_version() -> str:
    """Changes whenever templates, CSS, the rendering and export code or the libraries that
    render (markdown, sanitiser, templates) change."""
    h = hashlib.sha256(__version__.encode())
    h.update(library_versions().encode())
    package = Path(__file__).resolve().parent.parent
    roots = [resources_dir() / "templates", resources_dir() / "css", package / "render", package / "export"]
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            h.update(str(path.relative_to(root.parent)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def global_key(reader: PublishedReader, categories: list[str]) -> str:
    """What every page depends on: the site profile, the media list, the sections, the code."""
    return digest(reader.site_rows(), reader.media_key_rows(), categories, code_version())


def entries_from(rows: Iterable[tuple], links: dict[int, list[tuple]], base_key: str,
                 zone: str = "UTC") -> list[Entry]:
    """Entries newest first (publication date, then id), each with its content key; their
    times in the site's time zone ``zone`` (pages show them so)."""
    entries: list[Entry] = []
    tz = site_zone(zone)
    shift = (zone or DEFAULT_ZONE).strip() != DEFAULT_ZONE  # stored times are UTC already
    iso = datetime.fromisoformat
    for row in rows:
        (aid, slug, title, summary, author, category, pub, upd, img, iw, ih, ialt) = row[:12]
        updated = iso(upd) if type(upd) is str else parse_time(upd)  # SQLite's text, inline: 100,000 calls
        published = (iso(pub) if type(pub) is str else parse_time(pub)) if pub else updated
        if shift:
            updated, published = updated.astimezone(tz), published.astimezone(tz)
        key = row_digest(base_key, row, links.get(aid, []))
        entries.append(
            Entry(aid, slug, title, summary, author, category, published, updated,
                  img or "", iw or 0, ih or 0, ialt, key)
        )
    entries.sort(key=lambda e: (e.published, e.id), reverse=True)
    return entries

