"""The editor's save: the stored version comes back, and any database failure is a StoreError."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.exc import SQLAlchemyError

from digest_desk.domain import Article
from digest_desk.store.articles import save_article
from digest_desk.store.engine import Store
from digest_desk.store.errors import DuplicateSlugError, StoreError
from digest_desk.store.rescue import plain_message


class SaveFailedError(StoreError):
    """The database did not take the save (disk full, read-only, I/O error); nothing changed."""


class Saved(NamedTuple):
    """The stored article (new version and slug) and a note for the editor ("" when none)."""

    article: Article
    note: str


def save_edits(store: Store, copy: Article, *, slug: str | None, reason: str | None) -> Saved:
    """Save an edited copy with its links; a slug taken meanwhile keeps the old one (with a note).

    Raises ConflictError when the stored version moved on and SaveFailedError (plain message)
    when the database or disk refuses the write.
    """
    if slug == copy.slug:
        slug = None
    try:
        try:
            return Saved(save_article(store, copy, reason=reason, slug=slug, links=copy.links), "")
        except DuplicateSlugError as exc:
            return Saved(save_article(store, copy, reason=reason, links=copy.links), str(exc))
    except (SQLAlchemyError, OSError) as exc:
        raise SaveFailedError(plain_message(exc, store.path)) from exc
