"""Changes to many articles at once: each call is one transaction with a revision per article."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlmodel import Session

from digest_desk.domain import Article, Revision, Status
from digest_desk.domain.slugs import clean_line, slug_key
from digest_desk.domain.types import utcnow
from digest_desk.store.articles import ArticleRow
from digest_desk.store.engine import Store
from digest_desk.store.errors import NotFoundError, StoreError
from digest_desk.store.locks import held_by_others

# What a batch may change, and what a user types for it.
BULK_FIELDS = ("status", "category", "author", "published_at")


class BulkValueError(StoreError, ValueError):
    """A value a batch change cannot use (unknown status, a key that cannot be set)."""


@dataclass(slots=True)
class BulkResult:
    """What a batch did: changed ids (with their values before and their new versions) and
    the ids it left alone because another window edits them or they changed meanwhile."""

    changed: list[int] = field(default_factory=list)
    locked: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    before: dict[int, dict[str, Any]] = field(default_factory=dict)
    versions: dict[int, int] = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return len(self.locked) + len(self.stale) + len(self.missing)


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """One field of one article as a batch would change it (for a dry run)."""

    slug: str
    title: str
    name: str
    old: Any
    new: Any


def _rows(session: Session, stmt) -> list[ArticleRow]:
    cols = (Article.id, Article.title, Article.slug, Article.status, Article.category,
            Article.published_at, Article.updated_at)
    return [ArticleRow(*r) for r in session.execute(stmt.with_only_columns(*cols))]


def rows_by_slugs(store: Store, slugs: Iterable[str]) -> list[ArticleRow]:
    """The articles with these slugs, in the order given; NotFoundError names every unknown one."""
    wanted = list(dict.fromkeys(slugs))
    keys = [slug_key(s) for s in wanted]
    with store.read() as session:
        found = {slug_key(r.slug): r for r in _rows(session, select(Article).where(Article.slug_key.in_(keys)))}
    unknown = [s for s, k in zip(wanted, keys, strict=True) if k not in found]
    if unknown:
        raise NotFoundError("No article with slug " + ", ".join(f"“{s}”" for s in unknown) + ".")
    return [found[k] for k in keys]


def rows_where(store: Store, *, status: str | None = None, category: str | None = None) -> list[ArticleRow]:
    """Articles matching every filter given (status, category), oldest id first."""
    stmt = select(Article).order_by(Article.id)
    if status:
        stmt = stmt.where(Article.status == parse_status(status))
    if category is not None:
        stmt = stmt.where(Article.category == category)
    with store.read() as session:
        return _rows(session, stmt)


def parse_status(value: str) -> Status:
    try:
        return Status(value.strip().lower())
    except ValueError:
        known = "|".join(s.value for s in Status)
        raise BulkValueError(f"unknown status “{value}”; use one of {known}.") from None


def clean_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise a batch's values: a known status, one-line texts, an aware date."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in BULK_FIELDS:
            raise BulkValueError(f"“{name}” cannot be changed in a batch; use one of "
                                 f"{', '.join(BULK_FIELDS)}.")
        if name == "status":
            value = parse_status(str(value))
        elif name in ("category", "author"):
            value = clean_line(str(value))
        elif value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
            raise BulkValueError("the date needs a time zone.")
        out[name] = value
    return out


def _effective(article: Article, changes: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The values an article gets: publishing an undated or future-dated one dates it now."""
    values = dict(changes)
    if values.get("status") is Status.PUBLISHED and "published_at" not in values:
        when = article.published_at
        if when is None or when > now:
            values["published_at"] = now
    return {k: v for k, v in values.items() if getattr(article, k) != v}


def locked_by_others(session: Session, ids: Iterable[int], holder: str | None) -> set[int]:
    """Of ``ids``, the articles another live window holds the edit lock of (by the database clock)."""
    return set(held_by_others(session, ids, holder))


def store_change(session: Session, article: Article, values: dict[str, Any], reason: str) -> None:
    for name, value in values.items():
        setattr(article, name, value)
    article.version += 1
    article.updated_at = utcnow()
    session.flush()
    session.add(Revision(article_id=article.id, version=article.version, reason=reason,
                         data=article.snapshot()))


def writable(session: Session, result: BulkResult, ids: Iterable[int], holder: str | None,
             versions: dict[int, int] | None = None) -> Iterator[Article]:
    """The articles of ``ids`` a batch may change, in order: those another window edits go to
    ``result.locked``, vanished ones to ``missing`` and, with ``versions``, those whose version
    moved on since (the version guard) to ``stale``."""
    ids = list(ids)
    result.locked = sorted(locked_by_others(session, ids, holder))
    locked = set(result.locked)
    for article_id in ids:
        if article_id in locked:
            continue
        article = session.get(Article, article_id)
        if article is None:
            result.missing.append(article_id)
        elif versions is not None and article.version != versions.get(article_id):
            result.stale.append(article_id)
        else:
            yield article


def plan_changes(store: Store, ids: list[int], changes: dict[str, Any]) -> list[PlannedChange]:
    """What ``apply_changes`` would change, field by field (nothing is written)."""
    changes, now = clean_changes(changes), utcnow()
    planned = []
    with store.read() as session:
        for article_id in ids:
            article = session.get(Article, article_id)
            if article is None:
                continue
            for name, new in _effective(article, changes, now).items():
                planned.append(PlannedChange(article.slug, article.title, name,
                                             getattr(article, name), new))
    return planned


def apply_changes(store: Store, ids: list[int], changes: dict[str, Any], *, reason: str,
                  holder: str | None = None) -> BulkResult:
    """Set the same fields on many articles in one transaction, a revision each.

    Articles whose edit lock another window holds (``holder`` is ours) are left alone and
    listed in ``locked``; an article that already has the values is not touched.
    """
    changes, now = clean_changes(changes), utcnow()
    result = BulkResult()
    with store.write() as session:
        for article in writable(session, result, ids, holder):
            values = _effective(article, changes, now)
            if not values:
                continue
            result.before[article.id] = {k: getattr(article, k) for k in values}
            store_change(session, article, values, reason)
            result.changed.append(article.id)
            result.versions[article.id] = article.version
    return result


def restore_values(store: Store, before: dict[int, dict[str, Any]], versions: dict[int, int], *,
                   reason: str, holder: str | None = None) -> BulkResult:
    """Put earlier values back (undo of a batch), in one transaction, a revision each.

    Only articles still at the version the batch left them at are restored (the version guard:
    an edit made since is never overwritten); the others are listed in ``stale``.
    """
    result = BulkResult()
    with store.write() as session:
        for article in writable(session, result, before, holder, versions):
            values = before[article.id]
            result.before[article.id] = {k: getattr(article, k) for k in values}
            store_change(session, article, values, reason)
            result.changed.append(article.id)
            result.versions[article.id] = article.version
    return result


@dataclass(slots=True)
class Deleted:
    """Deleted articles as data (snapshot and revision history each), so they can come back."""

    items: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    locked: list[int] = field(default_factory=list)


def delete_articles(store: Store, ids: list[int], *, holder: str | None = None) -> Deleted:
    """Delete many articles in one transaction (not those another window edits)."""
    done = Deleted()
    with store.write() as session:
        done.locked = sorted(locked_by_others(session, ids, holder))
        for article_id in ids:
            article = session.get(Article, article_id)
            if article is None or article_id in done.locked:
                continue
            history = session.execute(select(Revision).where(Revision.article_id == article_id)
                                      .order_by(Revision.id)).scalars()
            rows = [{"version": r.version, "reason": r.reason, "created_at": r.created_at,
                     "data": r.data} for r in history]
            done.items.append((article.snapshot(), rows))
            done.ids.append(article_id)
            session.delete(article)
    return done


def site_zone(site: Any) -> ZoneInfo:
    """The site's time zone (its ``timezone`` setting), UTC when it has none or an unknown one."""
    name = str(getattr(site, "timezone", "") or "UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_when(value: str, zone: ZoneInfo) -> datetime | None:
    """An ISO date or date and time; without an offset it is read in ``zone``. "" clears the date."""
    value = value.strip()
    if not value or value.lower() == "none":
        return None
    try:
        when = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise BulkValueError(f"“{value}” is not a date; write it as 2026-12-24 or "
                             "2026-12-24T18:30 (or with an offset, 2026-12-24T18:30+01:00).") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return when.astimezone(UTC).replace(microsecond=0)
