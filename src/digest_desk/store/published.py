"""The published site as the export and the renderers read it: plain tuples from one read transaction."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, create_engine, text
from sqlalchemy.orm import Session, defer, selectinload
from sqlmodel import select

from digest_desk.domain import Article, Image, LinkKind, Site, Status
from digest_desk.domain.copies import detached_image
from digest_desk.store.engine import Store

# The publication rule, the one place it is written (every query of the published site uses it):
# an article is on the site when it is Published or Scheduled and its publication time has
# come; a Published article without a time counts as come. Times are stored as UTC ISO text
# (domain.types.TZDateTime, migration 0005), so "has come" is a text comparison with now in UTC.
# SQLAlchemy stores enum members by value; rows written by hand may hold the name spelling.
_STATUS_PARAMS = {
    "pub_name": Status.PUBLISHED.name, "pub_value": Status.PUBLISHED.value,
    "sched_name": Status.SCHEDULED.name, "sched_value": Status.SCHEDULED.value,
}


def on_site_sql(alias: str = "") -> str:
    """The rule as an SQL condition on the article table (``alias`` like "a."); its parameters
    come from ``on_site_params``."""
    status, when = f"{alias}status", f"{alias}published_at"
    return (
        f"({status} IN (:pub_name, :pub_value, :sched_name, :sched_value) AND "
        f"(({when} IS NOT NULL AND {when} <= :now) OR ({when} IS NULL AND {status} IN (:pub_name, :pub_value))))"
    )


def now_param(now: datetime | None = None) -> str:
    """``now`` (default: this instant) as the stored times are written: UTC ISO text."""
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def on_site_params(now: datetime | None = None) -> dict[str, str]:
    return {**_STATUS_PARAMS, "now": now_param(now)}


def on_site(now: datetime | None = None) -> ColumnElement[bool]:
    """The rule as an SQLAlchemy condition on ``Article`` (for ORM queries)."""
    return text(on_site_sql("article.")).bindparams(**on_site_params(now))


def is_on_site(status: str, published_at: datetime | None, now: datetime | None = None) -> bool:
    """The same rule for one article in memory (the list's clock, the window's counts)."""
    status = str(status).lower()
    if status == Status.PUBLISHED.value and published_at is None:
        return True
    if status not in (Status.PUBLISHED.value, Status.SCHEDULED.value) or published_at is None:
        return False
    moment = published_at if published_at.tzinfo else published_at.replace(tzinfo=UTC)
    return moment <= (now or datetime.now(UTC))


_IS_PUBLISHED = on_site_sql()

# The body itself is not read: ``version`` moves on at every save (the store guarantees it), so
# with the update time it stands for the text. Migration 0004's index covers these columns.
LISTING_SQL = (
    "SELECT a.id, a.slug, a.title, a.summary, a.author, a.category, a.published_at, a.updated_at, "
    "i.name, i.width, i.height, a.image_alt, a.version, a.tags, a.status, "
    "a.created_at, a.image_id "
    "FROM article a LEFT JOIN image i ON i.id = a.image_id WHERE " + on_site_sql("a.")
)
LINKS_SELECT = (
    "SELECT l.article_id, l.title, l.url, l.kind, l.position, l.target_article_id, "
    "t.slug, t.title, CASE WHEN " + on_site_sql("t.") + " THEN 1 ELSE 0 END, "
    "l.check_status, l.check_final_url "
    "FROM link l LEFT JOIN article t ON t.id = l.target_article_id"
)
_LINKS_SQL = LINKS_SELECT + " ORDER BY l.article_id, l.position, l.id"
# "Has bytes" as 0/1 on both engines (PostgreSQL's IS NOT NULL is a boolean): rows feed the
# export's content keys, which must not depend on the engine.
_HAS_DATA = "CASE WHEN data IS NULL THEN 0 ELSE 1 END"
_MEDIA_KEY_SQL = (
    f"SELECT name, mime, width, height, alt, caption, credit, sha256, url, {_HAS_DATA} "
    "FROM image ORDER BY name"
)
_MEDIA_SQL = f"SELECT name, mime, width, height, sha256, {_HAS_DATA}, url FROM image ORDER BY name"
# Bodies that may show a stored picture: ``![alt](media/NAME)``. LIKE is plain SQL on any engine.
_WAITING_SQL = (
    "SELECT published_at FROM article WHERE status IN (:pub_name, :pub_value, :sched_name, :sched_value) "
    "AND published_at IS NOT NULL AND published_at > :now ORDER BY published_at"
)
# Everything stored that an article's own page is made of (the export's page cache keys on it):
# every column of the article, of its lead picture but the bytes, and of its links with targets.
_PAGE_SQL = (
    "SELECT a.id, a.slug, a.*, i.id, i.name, i.mime, i.width, i.height, i.alt, i.caption, i.credit, i.sha256, i.url, "
    "CASE WHEN i.data IS NULL THEN 0 ELSE 1 END FROM article a LEFT JOIN image i ON i.id = a.image_id "
    "WHERE a.id IN ({marks}) ORDER BY a.id"
)
_PAGE_LINKS_SQL = (
    "SELECT l.article_id, l.target_article_id, l.*, t.slug, t.title, CASE WHEN " + on_site_sql("t.") + " THEN 1 ELSE 0 END "
    "FROM link l LEFT JOIN article t ON t.id = l.target_article_id "
    "WHERE l.article_id IN ({marks}) ORDER BY l.article_id, l.position, l.id"
)
_BODY_MEDIA_SQL = "SELECT body FROM article WHERE " + _IS_PUBLISHED + " AND body LIKE '%(media/%'"


_NAMED_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    """``sql`` in psycopg's parameter style: ``:name`` becomes ``%(name)s``, a literal ``%`` ``%%``."""
    return _NAMED_PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


class MediaItem(NamedTuple):
    name: str
    mime: str
    width: int
    height: int
    sha256: str
    has_data: bool
    url: str


class PublishedReader:
    """Named reads of the published site, all inside one read transaction (one snapshot).

    Rows are the driver's own tuples, not ORM objects: an export reads tens of thousands and
    row objects cost several times more. ``_rows`` is the one place that knows each engine's
    parameter style (sqlite3 ``:name``, psycopg ``%(name)s``); times and JSON are text on both."""

    def __init__(self, session: Session, now: datetime | None = None) -> None:
        self.session = session
        connection = session.connection()
        self._raw = connection.connection.dbapi_connection
        self._pyformat = connection.dialect.name == "postgresql"
        self.now = now or datetime.now(UTC)  # the instant "has its time come?" is asked for
        self._on_site = on_site_params(self.now)

    def _rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        if self._pyformat:
            with self._raw.cursor() as cursor:
                # JSON columns as their stored text, as sqlite3 returns them (the same rows give
                # the same export keys on both engines).
                from psycopg.types.string import TextLoader  # psycopg only on this branch

                cursor.adapters.register_loader("json", TextLoader)
                cursor.execute(_pyformat(sql), params or {})
                return cursor.fetchall()
        return self._raw.execute(sql, params or {}).fetchall()

    def _described(self, sql: str, params: dict[str, Any]) -> tuple[tuple[str, ...], list[tuple]]:
        """The rows of ``sql`` with the names of their columns (for ``table.*`` selects)."""
        if self._pyformat:
            with self._raw.cursor() as cursor:
                from psycopg.types.string import TextLoader  # psycopg only on this branch

                cursor.adapters.register_loader("json", TextLoader)
                cursor.execute(_pyformat(sql), params)
                return tuple(col.name for col in cursor.description), cursor.fetchall()
        cursor = self._raw.execute(sql, params)
        try:
            return tuple(col[0] for col in cursor.description), cursor.fetchall()
        finally:
            cursor.close()

    def _chunks(self, sql: str, params: dict[str, Any], size: int) -> Iterator[list[tuple]]:
        """The rows of ``sql`` in lists of up to ``size``: the caller keeps what it makes of
        them, not every row at once."""
        if self._pyformat:
            with self._raw.cursor() as cursor:
                from psycopg.types.string import TextLoader  # psycopg only on this branch

                cursor.adapters.register_loader("json", TextLoader)
                cursor.execute(_pyformat(sql), params)
                while rows := cursor.fetchmany(size):
                    yield rows
            return
        cursor = self._raw.execute(sql, params)
        try:
            while rows := cursor.fetchmany(size):
                yield rows
        finally:
            cursor.close()

    def site(self) -> Site:
        """The site profile as of this read (defaults when none was ever saved)."""
        return self.session.exec(select(Site).order_by(Site.id)).first() or Site()

    def site_rows(self) -> list[tuple]:
        """The site profile row as stored (every column: all pages depend on it)."""
        return self._rows("SELECT * FROM site ORDER BY id LIMIT 1")

    def media_key_rows(self) -> list[tuple]:
        """What the pages show of every stored picture, for the export's content keys."""
        return self._rows(_MEDIA_KEY_SQL)

    def media_items(self) -> list[MediaItem]:
        return [MediaItem(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in self._rows(_MEDIA_SQL)]

    def media_bytes(self, name: str) -> bytes | None:
        rows = self._rows("SELECT data FROM image WHERE name = :name", {"name": name})
        return rows[0][0] if rows else None

    def listing_rows(self) -> list[tuple]:
        """One row per published article (LISTING_SQL's columns, no body)."""
        return self._rows(LISTING_SQL, self._on_site)

    def listing_chunks(self, size: int = 5000) -> Iterator[list[tuple]]:
        """The listing rows in lists of up to ``size`` (an export of 100,000 articles then never
        holds all of them next to what it makes of them)."""
        yield from self._chunks(LISTING_SQL, self._on_site, size)

    def links_by_article(self) -> dict[int, list[tuple]]:
        """Every link row (with its target's slug, title and status; the article's id first) by
        article id. The rows come ordered by article: one list per run of equal ids."""
        return {aid: list(rows) for aid, rows in groupby(self._rows(_LINKS_SQL, self._on_site), key=itemgetter(0))}

    def published_ids_and_categories(self) -> tuple[list[int], list[str]]:
        """Ids of the published articles and their sections: what a full export's workers need."""
        rows = self._rows("SELECT id, category FROM article WHERE " + _IS_PUBLISHED + " ORDER BY id", self._on_site)
        return [row[0] for row in rows], sorted({row[1] for row in rows if row[1]})

    def categories(self) -> list[str]:
        """The sections of the published site, sorted (the distinct non-empty categories)."""
        rows = self._rows("SELECT DISTINCT category FROM article WHERE " + _IS_PUBLISHED, self._on_site)
        return sorted(row[0] for row in rows if row[0])

    def slugs(self, ids: Collection[int] | None = None, *, published: bool = True) -> dict[int, str]:
        """Slugs of published articles by id (of ``ids`` only when given): link targets. With
        ``published=False``, those of the other articles (drafts, ready) instead."""
        if ids is not None and not ids:
            return {}
        sql = "SELECT id, slug FROM article WHERE " + ("" if published else "NOT ") + _IS_PUBLISHED
        params: dict[str, Any] = dict(self._on_site)
        if ids is not None:
            marks = ", ".join(f":id{i}" for i in range(len(ids)))
            sql += f" AND id IN ({marks})"
            params.update({f"id{i}": int(v) for i, v in enumerate(ids)})
        return dict(self._rows(sql, params))

    def link_target_ids(self, ids: Collection[int]) -> set[int]:
        """The articles the links of ``ids`` point to (what rendering those few pages needs)."""
        if not ids:
            return set()
        marks = ", ".join(f":id{i}" for i in range(len(ids)))
        sql = f"SELECT DISTINCT target_article_id FROM link WHERE target_article_id IS NOT NULL AND article_id IN ({marks})"
        return {row[0] for row in self._rows(sql, {f"id{i}": int(v) for i, v in enumerate(ids)})}

    def unpublished_count(self) -> int:
        return self._rows("SELECT count(*) FROM article WHERE NOT " + _IS_PUBLISHED, self._on_site)[0][0]

    def waiting_times(self) -> list[datetime]:
        """Publication times still to come of the Published and Scheduled articles, soonest
        first: what becomes due later, and when."""
        rows = self._rows(_WAITING_SQL, self._on_site)
        return [parse_time(row[0]) for row in rows]

    def bodies_naming_media(self) -> list[str]:
        """Bodies of published articles that may show a stored picture (``](media/`` in them)."""
        return [row[0] for row in self._rows(_BODY_MEDIA_SQL, self._on_site)]

    def media(self) -> dict[str, Image]:
        """Every stored picture by name, without its bytes (detached: usable after the read)."""
        return {img.name: detached_image(img) for img in self.session.exec(_media_select()).all()}

    def page_rows(self, ids: Sequence[int]) -> PageRows:
        """The rows of ``_PAGE_SQL`` (article id and slug first) and the link rows (article id and
        target id first) of the articles ``ids``, with what ``page_articles`` needs to read them."""
        if not ids:
            return PageRows([], [], (), ())
        params = {f"id{i}": int(v) for i, v in enumerate(ids)}
        marks = ", ".join(f":{name}" for name in params)
        names, rows = self._described(_PAGE_SQL.format(marks=marks), params)
        link_names, link_rows = self._described(_PAGE_LINKS_SQL.format(marks=marks), {**params, **self._on_site})
        return PageRows(rows, link_rows, names[2:-_IMAGE_COLUMNS], link_names[2:-3])

    def articles(self, ids: Sequence[int]) -> list[Article]:
        """Whole articles by id (links and lead picture loaded, picture bytes not), in id order."""
        return list(self.session.exec(_articles_select(ids)).all())


def _media_select():  # noqa: ANN202 - an ORM select of Image
    return select(Image).options(defer(Image.data)).order_by(Image.name)


def _articles_select(ids: Sequence[int]):  # noqa: ANN202 - an ORM select of Article
    return (
        select(Article)
        .where(Article.id.in_(list(ids)))
        .options(selectinload(Article.image).defer(Image.data))
        .order_by(Article.id)
    )


def warm_up_reads() -> None:
    """Do SQLAlchemy's first-use work for the reads an export worker makes (its SQLite dialect,
    the mappers, the compiled form of the site and media reads) on an empty in-memory database:
    done once in the process that forks the workers, each worker starts without it."""
    engine = create_engine("sqlite://")
    try:
        with Session(engine) as session:
            dialect = session.connection().dialect
            for stmt in (select(Site).order_by(Site.id), _media_select(), _articles_select([1])):
                stmt.compile(dialect=dialect)
    finally:
        engine.dispose()


_IMAGE_COLUMNS = 11  # _PAGE_SQL's columns after a.*: the lead picture's, its bytes left out
_IMAGE_NAMES = ("id", "name", "mime", "width", "height", "alt", "caption", "credit", "sha256", "url")


class PageRows(NamedTuple):
    """``page_rows``: article rows (id, slug, every article column, the lead picture's), link
    rows (article id, target id, every link column, the target's slug, title and whether it is
    on the site), and the names of the article and link columns in those rows."""

    rows: list[tuple]
    links: list[tuple]
    article_names: tuple[str, ...]
    link_names: tuple[str, ...]


@dataclass(slots=True)
class PageLink:
    """A related link as the pages read it (the columns of ``Link``, as the ORM would load them)."""

    id: int | None = None
    article_id: int | None = None
    title: str = ""
    url: str = ""
    kind: LinkKind = LinkKind.READ_MORE
    position: int = 0
    target_article_id: int | None = None
    check_status: int | None = None
    check_final_url: str = ""
    check_error: str = ""
    checked_at: datetime | None = None


@dataclass(slots=True)
class PageArticle:
    """An article as the pages read it, from plain rows: every column of ``Article`` with the
    values the ORM would give (aware times, tags as a list, enums), its lead picture (without
    bytes) and its links. The export renders tens of thousands: ORM objects cost more to load
    and each attribute read goes through SQLAlchemy's instrumentation."""

    id: int | None = None
    title: str = ""
    slug: str = ""
    slug_key: str = ""
    summary: str = ""
    body: str = ""
    author: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    status: Status = Status.DRAFT
    published_at: datetime | None = None
    updated_at: datetime | None = None
    created_at: datetime | None = None
    image_id: int | None = None
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""
    missing_image: str = ""
    version: int = 1
    image: Image | None = None
    links: list[PageLink] = field(default_factory=list)


_ARTICLE_FIELDS = frozenset(f.name for f in fields(PageArticle)) - {"image", "links"}
_LINK_FIELDS = frozenset(f.name for f in fields(PageLink))
_TIMES = frozenset({"published_at", "updated_at", "created_at", "checked_at"})


def _stored_time(value: str | datetime | None) -> datetime | None:
    """A TZDateTime column's text as the ORM reads it: aware, UTC when stored without offset."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _member(kind: type[Status] | type[LinkKind], value: Any) -> Any:
    """An enum column's member by its stored value (or, in rows written by hand, its name)."""
    try:
        return kind(value)
    except ValueError:
        return kind[value]


def _values(names: tuple[str, ...], row: tuple, start: int, known: frozenset[str]) -> dict[str, Any]:
    values = {name: row[start + i] for i, name in enumerate(names) if name in known}
    for name in _TIMES & values.keys():
        values[name] = _stored_time(values[name])
    return values


def page_articles(page: PageRows) -> list[PageArticle]:
    """The articles of ``page_rows`` (in its order) as the pages render them."""
    links: dict[int, list[PageLink]] = {}
    for row in page.links:
        values = _values(page.link_names, row, 2, _LINK_FIELDS)
        values["kind"] = _member(LinkKind, values.get("kind", LinkKind.READ_MORE))
        links.setdefault(row[0], []).append(PageLink(**values))
    pictures: dict[tuple, Image] = {}
    out = []
    width = len(page.article_names)
    for row in page.rows:
        values = _values(page.article_names, row, 2, _ARTICLE_FIELDS)
        tags = values.get("tags")
        values["tags"] = json.loads(tags) if isinstance(tags, str | bytes) else list(tags or [])
        values["status"] = _member(Status, values.get("status", Status.DRAFT))
        picture = row[2 + width : 2 + width + len(_IMAGE_NAMES)]
        image = None
        if picture[0] is not None:
            image = pictures.get(picture)
            if image is None:
                image = pictures[picture] = Image(**dict(zip(_IMAGE_NAMES, picture, strict=True)), data=None)
        out.append(PageArticle(**values, image=image, links=links.get(row[0], [])))
    return out


@contextmanager
def published_reader(store: Store, now: datetime | None = None) -> Iterator[PublishedReader]:
    """One consistent read of the published site as of ``now`` (default: this instant): every
    read through it sees the same state, whatever is saved meanwhile."""
    with store.read() as session:
        session.connection()  # the transaction (and with it the snapshot) starts here
        yield PublishedReader(session, now)


def parse_time(value: str | datetime) -> datetime:
    """A stored time as a datetime (SQLite hands back text)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def waiting_times(store: Store, now: datetime | None = None) -> list[datetime]:
    """When the articles that are not yet due become due, soonest first (see the reader's)."""
    with published_reader(store, now) as reader:
        return reader.waiting_times()


def media_bytes(store: Store, name: str) -> bytes | None:
    """The bytes of one stored picture (None when there is none by that name)."""
    with published_reader(store) as reader:
        return reader.media_bytes(name)
