"""Errors the store raises, each with a message an editor can act on."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base of every store failure; ``str()`` is a plain-language message."""


class DatabaseOpenError(StoreError):
    """The file cannot be used as a Digest Desk database; it was not written to."""

    def __init__(self, path: Path | str, reason: str) -> None:
        # A server is named by its URL (passed in with the password masked), a file by its path.
        self.path: Path | str = path if isinstance(path, str) and "://" in path else Path(path)
        self.reason = reason
        what = "database" if isinstance(self.path, str) else "file"
        super().__init__(f"Cannot open {self.path}: {reason} The {what} was not changed.")


class NotADatabaseError(DatabaseOpenError):
    pass


class CorruptDatabaseError(DatabaseOpenError):
    pass


class NewerSchemaError(DatabaseOpenError):
    pass


class ServerUnavailableError(DatabaseOpenError):
    """The database server cannot be reached or refused the connection."""


class PasswordNeededError(ServerUnavailableError):
    """The server wants a password that libpq found nowhere (``rejected``: the one given was wrong)."""

    def __init__(self, path: str, reason: str, *, rejected: bool) -> None:
        self.rejected = rejected
        super().__init__(path, reason)


class MigrationNeededError(DatabaseOpenError):
    """A server database on an older schema: never upgraded silently by a workstation."""


class ReadOnlyDatabaseError(StoreError):
    pass


class ConflictError(StoreError):
    """The article changed in the database after it was loaded for editing."""

    def __init__(self, article_id: int, expected: int, found: int | None) -> None:
        self.article_id = article_id
        self.expected = expected
        self.found = found
        if found is None:
            msg = f"Article {article_id} was deleted elsewhere while you edited it."
        else:
            msg = (
                f"Article {article_id} was changed elsewhere (version {found}, you edited "
                f"version {expected}); your save was not applied so nothing is overwritten."
            )
        super().__init__(msg)


class DuplicateSlugError(StoreError):
    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"Another article already uses the slug “{slug}”.")


class NotFoundError(StoreError):
    pass
