"""Article repository: create, load, save with optimistic concurrency, list, delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from digest_desk.domain import EDITABLE_FIELDS, Article, Link, LinkKind, Revision, Status
from digest_desk.domain.slugs import clean_line, slug_key, unique_slug, validate_slug
from digest_desk.domain.types import utcnow
from digest_desk.store.engine import Store
from digest_desk.store.errors import ConflictError, DuplicateSlugError, NotFoundError

# The slug is not copied: a new one is validated and made unique by _assign_slug.
EDITABLE = tuple(name for name in EDITABLE_FIELDS if name != "slug")
# A new article whose title-made slug was taken by a racing writer tries a fresh one this often.
SLUG_TRIES = 5


def _slug_clash(exc: IntegrityError) -> bool:
    """Whether the database refused a write because another article took the slug meanwhile.

    On SQLite writers take turns, so the check in _assign_slug sees every slug; on PostgreSQL two
    writers can both find a slug free, and the unique constraint stops the second one.
    """
    return "slug_key" in str(exc.orig)


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """The light view of an article used by lists (no body)."""

    id: int
    title: str
    slug: str
    status: str
    category: str
    published_at: datetime | None
    updated_at: datetime


def _slug_taken(session: Session, exclude_id: int | None):
    def taken(key: str) -> bool:
        stmt = select(Article.id).where(Article.slug_key == key)
        if exclude_id is not None:
            stmt = stmt.where(Article.id != exclude_id)
        return session.execute(stmt).first() is not None

    return taken


def slug_is_free(store: Store, slug: str, exclude_id: int | None = None) -> bool:
    with store.read() as session:
        return not _slug_taken(session, exclude_id)(slug_key(slug))


def suggest_slug(store: Store, title: str, exclude_id: int | None = None) -> str:
    with store.read() as session:
        return unique_slug(title, _slug_taken(session, exclude_id))


def _assign_slug(session: Session, article: Article, requested: str | None) -> None:
    taken = _slug_taken(session, article.id)
    if requested:
        slug = validate_slug(requested)
        if taken(slug_key(slug)):
            raise DuplicateSlugError(slug)
    else:
        slug = unique_slug(article.title, taken)
    article.slug = slug
    article.slug_key = slug_key(slug)


def _set_links(session: Session, article: Article, links: list[dict[str, Any]] | list[Link]) -> None:
    old = {(link.url, link.target_article_id): link for link in article.links}
    fresh: list[Link] = []
    for position, data in enumerate(links):
        if isinstance(data, Link):
            data = data.model_dump()
        prev = old.get((data.get("url", ""), data.get("target_article_id")))
        link = Link(
            title=clean_line(data.get("title", "")),
            url=data.get("url", "").strip(),
            kind=LinkKind(data.get("kind", LinkKind.READ_MORE)),
            position=position,
            target_article_id=data.get("target_article_id"),
        )
        if prev is not None:  # keep the last check result of an unchanged URL
            link.check_status = prev.check_status
            link.check_final_url = prev.check_final_url
            link.check_error = prev.check_error
            link.checked_at = prev.checked_at
        fresh.append(link)
    article.links = fresh


def _record_revision(session: Session, article: Article, reason: str) -> None:
    session.add(
        Revision(article_id=article.id, version=article.version, reason=reason, data=article.snapshot())
    )


def create_article(
    store: Store,
    *,
    title: str,
    slug: str | None = None,
    links: list[dict[str, Any]] | None = None,
    reason: str | None = "created",
    **fields: Any,
) -> Article:
    """Insert a new article; the slug comes from the title unless one is given.

    Raises DuplicateSlugError when the given slug is taken (also when another writer took it a
    moment ago); a slug made from the title is made unique again instead.
    """
    for attempt in range(SLUG_TRIES):
        try:
            return _insert_article(store, title, slug, links, reason, fields)
        except IntegrityError as exc:
            if not _slug_clash(exc):
                raise
            if slug or attempt == SLUG_TRIES - 1:
                raise DuplicateSlugError(slug or slug_key(clean_line(title))) from None
    raise AssertionError("unreachable")


def _insert_article(store: Store, title: str, slug: str | None, links: list[dict[str, Any]] | None,
                    reason: str | None, fields: dict[str, Any]) -> Article:
    with store.write() as session:
        article = Article(title=clean_line(title), **fields)
        _assign_slug(session, article, slug)
        if links:
            _set_links(session, article, links)
        session.add(article)
        session.flush()
        if reason:
            _record_revision(session, article, reason)
        session.flush()
        session.refresh(article)
        return article


def get_article(store: Store, article_id: int) -> Article:
    with store.read() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise NotFoundError(f"No article with id {article_id}.")
        return article


def get_by_slug(store: Store, slug: str) -> Article:
    with store.read() as session:
        article = session.execute(select(Article).where(Article.slug_key == slug_key(slug))).scalar()
        if article is None:
            raise NotFoundError(f"No article with slug “{slug}”.")
        return article


def _claim_version(session: Session, article: Article, force: bool) -> Article:
    """Move the stored version on by one, only from the version ``article`` was loaded at.

    One conditional ``UPDATE … WHERE id = :id AND version = :seen``, never read-compare-write:
    on PostgreSQL two writers that both read version N both pass a read-compare, while here
    the second one's UPDATE waits for the first's row lock, then matches no row and fails.
    ``force`` (the editor chose to keep their text) locks the row and moves on from any version.
    """
    if force:
        stored = session.get(Article, article.id, with_for_update=True)
        if stored is None:
            raise ConflictError(article.id, article.version, None)
        stored.version += 1
        return stored
    claim = (
        update(Article)
        .where(Article.id == article.id, Article.version == article.version)
        .values(version=article.version + 1)
        .execution_options(synchronize_session=False)
    )
    if session.execute(claim).rowcount != 1:
        found = session.execute(select(Article.version).where(Article.id == article.id)).scalar()
        raise ConflictError(article.id, article.version, found)
    stored = session.get(Article, article.id, populate_existing=True)
    assert stored is not None  # the row was just updated inside this transaction
    return stored


def save_article(
    store: Store,
    article: Article,
    *,
    reason: str | None = None,
    links: list[dict[str, Any]] | list[Link] | None = None,
    slug: str | None = None,
    force: bool = False,
) -> Article:
    """Write the editable fields of ``article`` (a detached copy being edited).

    Raises ConflictError when the stored version is not the one the copy was loaded at,
    unless ``force`` (used when an editor chose to keep their text). Records a revision
    when ``reason`` is given. Returns the stored article with its new version.
    Raises DuplicateSlugError when ``slug`` is taken, also by a writer racing this one.
    """
    try:
        return _write_article(store, article, reason, links, slug, force)
    except IntegrityError as exc:
        if slug is None or not _slug_clash(exc):
            raise
        raise DuplicateSlugError(slug) from None


def _write_article(store: Store, article: Article, reason: str | None,
                   links: list[dict[str, Any]] | list[Link] | None, slug: str | None,
                   force: bool) -> Article:
    with store.write() as session:
        stored = _claim_version(session, article, force)
        for name in EDITABLE:
            setattr(stored, name, getattr(article, name))
        if stored.image_id is not None:
            stored.missing_image = ""  # a chosen featured picture answers the import's gap
        stored.title = clean_line(stored.title)
        if slug is not None and slug != stored.slug:
            _assign_slug(session, stored, slug)
        if links is not None:
            _set_links(session, stored, links)
        stored.updated_at = utcnow()
        session.flush()
        if reason:
            _record_revision(session, stored, reason)
        session.flush()
        session.refresh(stored)
        return stored


def delete_article(store: Store, article_id: int) -> dict[str, Any]:
    """Delete an article; returns its snapshot so the deletion can be undone."""
    with store.write() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise NotFoundError(f"No article with id {article_id}.")
        data = article.snapshot()
        session.delete(article)
        return data


def list_articles(
    store: Store,
    *,
    status: Status | str | None = None,
    category: str | None = None,
    ids: list[int] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[ArticleRow]:
    """Articles newest first (by publication, then last update), without their bodies."""
    cols = (
        Article.id, Article.title, Article.slug, Article.status, Article.category,
        Article.published_at, Article.updated_at,
    )
    stmt = select(*cols)
    if status:
        stmt = stmt.where(Article.status == str(status))
    if category:
        stmt = stmt.where(Article.category == category)
    if ids is not None:
        stmt = stmt.where(Article.id.in_(ids))
    stmt = stmt.order_by(
        text("coalesce(article.published_at, article.updated_at) DESC"), Article.id.desc()
    )
    stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.read() as session:
        return [ArticleRow(*row) for row in session.execute(stmt)]


def count_articles(store: Store, *, status: str | None = None, category: str | None = None) -> int:
    stmt = select(func.count()).select_from(Article)
    if status:
        stmt = stmt.where(Article.status == str(status))
    if category:
        stmt = stmt.where(Article.category == category)
    with store.read() as session:
        return session.execute(stmt).scalar_one()


def categories(store: Store) -> list[str]:
    with store.read() as session:
        rows = session.execute(
            select(Article.category).where(Article.category != "").distinct().order_by(Article.category)
        )
        return [r[0] for r in rows]


def all_articles(store: Store, *, status: str | None = None) -> list[Article]:
    """Every article with links and image loaded (export, checks over the store)."""
    stmt = select(Article).order_by(Article.id)
    if status:
        stmt = stmt.where(Article.status == str(status))
    with store.read() as session:
        return list(session.execute(stmt).scalars())


def revisions(store: Store, article_id: int) -> list[Revision]:
    """Revisions of an article, newest first."""
    with store.read() as session:
        rows = session.execute(
            select(Revision).where(Revision.article_id == article_id).order_by(Revision.id.desc())
        )
        return list(rows.scalars())
