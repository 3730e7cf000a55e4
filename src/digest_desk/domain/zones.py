"""The site's time zone: IANA names checked with zoneinfo, and times shown in that zone."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "UTC"


class TimeZoneError(ValueError):
    """A time zone name that zoneinfo does not know."""


@lru_cache(maxsize=32)
def zone(name: str | None) -> tzinfo:
    """The zone called ``name`` (an IANA name such as Europe/Berlin; empty means UTC)."""
    name = (name or "").strip() or DEFAULT_ZONE
    try:
        if name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeZoneError(
            f"“{name}” is not a time zone name; use an IANA name such as UTC, Europe/Berlin "
            "or America/New_York."
        ) from exc


def check_zone(name: str) -> str:
    """``name`` tidied, or TimeZoneError with a message naming the problem."""
    name = (name or "").strip() or DEFAULT_ZONE
    zone(name)
    return name


def site_zone(name: str | None) -> tzinfo:
    """The zone for showing a site's dates: an unusable stored name falls back to UTC (the
    setting is checked when it is saved; a page never fails over it)."""
    try:
        return zone(name)
    except TimeZoneError:
        return zone(DEFAULT_ZONE)


def in_zone(moment: datetime, name: str | None) -> datetime:
    """``moment`` (naive means UTC) as the wall-clock time of the zone ``name``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(site_zone(name))


def to_utc(moment: datetime, name: str | None) -> datetime:
    """A wall-clock time entered in the zone ``name`` (naive) or an aware time, in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=site_zone(name))
    return moment.astimezone(UTC)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_when(moment: datetime, name: str | None) -> str:
    """``moment`` in the zone ``name`` as "6 Dec 2026 09:00" (locale-independent)."""
    local = in_zone(moment, name)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} {local:%H:%M}"
