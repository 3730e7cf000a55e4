"""The editor's save: the stored version comes back, and any database failure is a StoreError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from digest_desk.domain import Article
from digest_desk.store.articles import save_article
from digest_desk.store.engine import Store
from digest_desk.store.errors import DuplicateSlugError, StoreError
from digest_desk.store.rescue import plain_message

T = TypeVar("T")
OFFLINE_MESSAGE = "The team server cannot be reached; your changes are kept on this computer."


class SaveFailedError(StoreError):
    """The database did not take the save (disk full, read-only, I/O error); nothing changed."""


class ServerAwayError(SaveFailedError):
    """The team server cannot be reached (refused, dropped, restarting): try again later."""

    def __init__(self) -> None:
        super().__init__(OFFLINE_MESSAGE)


class Saved(NamedTuple):
    """The stored article (new version and slug) and a note for the editor ("" when none)."""

    article: Article
    note: str


def server_away(store: Store, exc: BaseException) -> bool:
    """Whether ``exc`` means the server is out of reach (rather than refusing this write)."""
    if not store.is_server:
        return False
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError)  # connecting failed, or the link dropped mid-way


def unless_away(store: Store, default: T, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)``, or ``default`` when the team server is out of reach: for the
    small reads the window can do without for a moment (a slug suggestion, a slug check)."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        if server_away(store, exc):
            return default
        raise


def save_edits(store: Store, copy: Article, *, slug: str | None, reason: str | None) -> Saved:
    """Save an edited copy with its links; a slug taken meanwhile keeps the old one (with a note).

    One conditional write on the version ``copy`` was loaded at (see ``save_article``); the
    stored article that comes back carries the new version the next save must start from.
    Raises ConflictError when the stored version moved on, ServerAwayError when the team server
    cannot be reached, and SaveFailedError (plain message) when the database refuses the write.
    """
    if slug == copy.slug:
        slug = None
    try:
        try:
            return Saved(save_article(store, copy, reason=reason, slug=slug, links=copy.links), "")
        except DuplicateSlugError as exc:
            return Saved(save_article(store, copy, reason=reason, links=copy.links), str(exc))
    except (SQLAlchemyError, OSError) as exc:
        if server_away(store, exc):
            raise ServerAwayError() from exc
        raise SaveFailedError(plain_message(exc, store.path)) from exc
