"""The article store: SQLite engine and sessions, repositories, search, migrations."""

from __future__ import annotations

from digest_desk.store.engine import Store, open_store
from digest_desk.store.errors import (
    ConflictError,
    CorruptDatabaseError,
    DatabaseOpenError,
    DuplicateSlugError,
    NewerSchemaError,
    NotADatabaseError,
    NotFoundError,
    StoreError,
)

__all__ = [
    "ConflictError", "CorruptDatabaseError", "DatabaseOpenError", "DuplicateSlugError",
    "NewerSchemaError", "NotADatabaseError", "NotFoundError", "Store", "StoreError", "open_store",
]
