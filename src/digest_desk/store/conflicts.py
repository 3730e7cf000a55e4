"""Resolving a save that lost the race: keep mine, keep theirs, or keep both (one as a revision)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from digest_desk.domain import Article
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.drafts import draft_diff, keep_revision
from digest_desk.store.engine import Store
from digest_desk.store.errors import ConflictError, NotFoundError


class Choice(StrEnum):
    MINE = "mine"  # my text becomes the article; theirs stays in the revision history
    THEIRS = "theirs"  # the stored text stays; mine is dropped
    BOTH = "both"  # the stored text stays; mine is kept as a revision to copy from later


@dataclass(frozen=True, slots=True)
class Conflict:
    """Both sides of a failed save, for the conflict dialog."""

    mine: Article
    theirs: Article | None  # None when the article was deleted elsewhere
    links: list[dict[str, Any]] | None

    def diff(self) -> str:
        theirs = self.theirs.snapshot() if self.theirs is not None else None
        mine = self.mine.snapshot()
        if self.links is not None:
            mine["links"] = self.links
        return draft_diff(theirs, mine)


def save_or_conflict(store: Store, article: Article, *, reason: str | None = None,
                     links: list[dict[str, Any]] | None = None) -> Article | Conflict:
    """Save ``article``; when the stored copy moved on, return the Conflict instead of raising."""
    try:
        return save_article(store, article, reason=reason, links=links)
    except ConflictError:
        try:
            theirs = get_article(store, article.id)
        except NotFoundError:
            theirs = None
        return Conflict(article, theirs, links)


def resolve(store: Store, conflict: Conflict, choice: Choice | str) -> Article | None:
    """Apply the editor's choice; nothing either side wrote is lost except by explicit "theirs"."""
    choice = Choice(choice)
    mine, theirs = conflict.mine, conflict.theirs
    if theirs is None:
        return _recreate(store, conflict) if choice is not Choice.THEIRS else None
    if choice is Choice.THEIRS:
        return get_article(store, theirs.id)
    if choice is Choice.MINE:
        keep_revision(store, theirs.id, "replaced in a conflict (their version)")
        return save_article(store, mine, reason="kept mine in a conflict", links=conflict.links,
                            force=True)
    data = mine.snapshot()
    if conflict.links is not None:
        data["links"] = conflict.links
    keep_revision(store, theirs.id, "your version, kept in a conflict", data=data)
    return get_article(store, theirs.id)


def _recreate(store: Store, conflict: Conflict) -> Article:
    mine = conflict.mine
    fields = {name: getattr(mine, name) for name in (
        "summary", "body", "author", "category", "tags", "status", "published_at", "image_alt")}
    links = conflict.links if conflict.links is not None else [x.snapshot() for x in mine.links]
    return create_article(store, title=mine.title, links=links,
                          reason="recreated after deletion elsewhere", **fields)
