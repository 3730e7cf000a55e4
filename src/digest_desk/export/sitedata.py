"""Plain data the export needs, read straight from SQLite: listing entries and content keys."""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from digest_desk import __version__
from digest_desk.paths import resources_dir
from digest_desk.store.engine import Store

# SQLAlchemy stores enum members by name; accept the value spelling as well.
PUBLISHED = ("PUBLISHED", "published")


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


@dataclass(frozen=True, slots=True)
class MediaItem:
    name: str
    mime: str
    width: int
    height: int
    sha256: str
    has_data: bool
    url: str


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


def _rows(store: Store, sql: str, params: tuple = ()) -> list[tuple]:
    """Plain tuples straight from the sqlite3 cursor (one read transaction, no row objects)."""
    with store.read() as session:
        raw = session.connection().connection.dbapi_connection
        return raw.execute(sql, params).fetchall()


def global_key(store: Store, categories: list[str]) -> str:
    """What every page depends on: the site profile, the media list, the sections, the code."""
    site = _rows(store, "SELECT * FROM site ORDER BY id LIMIT 1")
    media = _rows(
        store,
        "SELECT name, mime, width, height, alt, caption, credit, sha256, url, data IS NOT NULL "
        "FROM image ORDER BY name",
    )
    return digest(site, media, categories, code_version())


def media_items(store: Store) -> list[MediaItem]:
    rows = _rows(
        store,
        "SELECT name, mime, width, height, sha256, data IS NOT NULL, url FROM image ORDER BY name",
    )
    return [MediaItem(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows]


def media_bytes(store: Store, name: str) -> bytes | None:
    rows = _rows(store, "SELECT data FROM image WHERE name = ?", (name,))
    return rows[0][0] if rows else None


def _links_by_article(store: Store) -> dict[int, list[tuple]]:
    rows = _rows(
        store,
        "SELECT l.article_id, l.title, l.url, l.kind, l.position, l.target_article_id, "
        "t.slug, t.title, t.status, l.check_status, l.check_final_url "
        "FROM link l LEFT JOIN article t ON t.id = l.target_article_id "
        "ORDER BY l.article_id, l.position, l.id",
    )
    out: dict[int, list[tuple]] = {}
    for row in rows:
        out.setdefault(row[0], []).append(row[1:])
    return out


# The body itself is not read: ``version`` moves on at every save (the store guarantees it), so
# with the update time it stands for the text. Reading and hashing 50 MB
# of bodies would cost more than the whole one-second budget of an incremental export.
_ARTICLE_SQL = (
    "SELECT a.id, a.slug, a.title, a.summary, a.author, a.category, a.published_at, a.updated_at, "
    "i.name, i.width, i.height, a.image_alt, a.version, a.tags, a.status, "
    "a.created_at, a.image_id "
    "FROM article a LEFT JOIN image i ON i.id = a.image_id WHERE a.status IN (?, ?)"
)


def published_rows(store: Store) -> tuple[list[tuple], dict[int, list[tuple]]]:
    """Raw rows of the published articles and their links (one read each)."""
    return _rows(store, _ARTICLE_SQL, PUBLISHED), _links_by_article(store)


def entries_from(rows: list[tuple], links: dict[int, list[tuple]], base_key: str) -> list[Entry]:
    """Entries newest first (publication date, then id), each with its content key."""
    entries: list[Entry] = []
    for row in rows:
        (aid, slug, title, summary, author, category, pub, upd, img, iw, ih, ialt) = row[:12]
        updated = datetime.fromisoformat(upd)
        published = datetime.fromisoformat(pub) if pub else updated
        key = row_digest(base_key, row, links.get(aid, []))
        entries.append(
            Entry(aid, slug, title, summary, author, category, published, updated,
                  img or "", iw or 0, ih or 0, ialt, key)
        )
    entries.sort(key=lambda e: (e.published, e.id), reverse=True)
    return entries


def article_slugs(store: Store) -> dict[int, str]:
    """Every article's slug by id (links between articles are written with them)."""
    return dict(_rows(store, "SELECT id, slug FROM article"))


def render_inputs(store: Store) -> tuple[list[int], list[str]]:
    """Ids of the published articles and their sections: what the article pages of a full
    export need, read in one quick query so rendering can start before the plan is made."""
    rows = _rows(store, "SELECT id, category FROM article WHERE status IN (?, ?) ORDER BY id", PUBLISHED)
    return [row[0] for row in rows], sorted({row[1] for row in rows if row[1]})


def unpublished_count(store: Store) -> int:
    return _rows(store, "SELECT count(*) FROM article WHERE status NOT IN (?, ?)", PUBLISHED)[0][0]


def categories_of(rows: list[tuple]) -> list[str]:
    return sorted({row[5] for row in rows if row[5]})
