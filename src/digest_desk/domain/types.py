"""Column types shared by the tables: time-zone-aware timestamps and JSON lists."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


class TZDateTime(TypeDecorator):
    """An aware datetime stored as ISO 8601 text with its offset (SQLite has no zone type).

    Naive values are taken as UTC; every value is written in UTC, so stored times compare as
    text ("has its publication time come?"). Reads always return aware datetimes.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return as_utc(value).isoformat()

    def process_result_value(self, value: str | None, dialect) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC (a naive time is taken as UTC, as the database stores it)."""
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(UTC)


def utcnow() -> datetime:
    """The current instant, aware, to the second."""
    return datetime.now(UTC).replace(microsecond=0)
