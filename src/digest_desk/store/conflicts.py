"""Resolving a save that lost the race: keep mine, keep theirs, or keep both (one as a revision)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from digest_desk.domain import EDITABLE_FIELDS, Article
from digest_desk.store.articles import create_article, get_article
from digest_desk.store.drafts import draft_diff, keep_revision
from digest_desk.store.engine import Store
from digest_desk.store.errors import NotFoundError

THEIRS_REPLACED = "theirs, replaced by yours"
YOURS_KEPT = "yours, kept in a conflict"
RECREATED = "recreated after deletion elsewhere"


class Choice(StrEnum):
    MINE = "mine"  # my text becomes the article; theirs stays in the revision history
    THEIRS = "theirs"  # the stored text stays; mine is dropped
    BOTH = "both"  # the stored text stays; mine is kept as a revision to copy from later


@dataclass(frozen=True, slots=True)
class Conflict:
    """Both sides of a failed save, for the conflict dialog."""

    mine: Article
    theirs: Article | None  # None when the article was deleted elsewhere

    def diff(self) -> str:
        theirs = self.theirs.snapshot() if self.theirs is not None else None
        return draft_diff(theirs, self.mine.snapshot())


def load_theirs(store: Store, mine: Article) -> Conflict:
    """The stored side of a failed save of ``mine`` (None as theirs when deleted elsewhere)."""
    try:
        theirs = get_article(store, mine.id)
    except NotFoundError:
        theirs = None
    return Conflict(mine, theirs)


def keep_mine(store: Store, conflict: Conflict) -> Article:
    """Prepare for saving mine over theirs: theirs goes into the history first.

    Returns the stored article whose id and version mine is saved on next; when the article was
    deleted elsewhere, it is written back from mine (links included) as a new article.
    """
    mine, theirs = conflict.mine, conflict.theirs
    if theirs is None:
        fields = {name: getattr(mine, name) for name in EDITABLE_FIELDS if name not in ("title", "slug")}
        return create_article(store, title=mine.title, links=[x.snapshot() for x in mine.links],
                              reason=RECREATED, **fields)
    try:
        keep_revision(store, theirs.id, THEIRS_REPLACED)
        return get_article(store, theirs.id)
    except NotFoundError:  # deleted in the meantime: the same as deleted before
        return keep_mine(store, Conflict(mine, None))


def keep_both(store: Store, conflict: Conflict) -> int | None:
    """Theirs stays the article and mine is recorded as its revision; returns the article id
    (None when it was deleted elsewhere: then there is nothing to keep mine beside)."""
    if conflict.theirs is None:
        return None
    data: dict[str, Any] = conflict.mine.snapshot()
    try:
        keep_revision(store, conflict.theirs.id, YOURS_KEPT, data=data)
    except NotFoundError:
        return None
    return conflict.theirs.id
