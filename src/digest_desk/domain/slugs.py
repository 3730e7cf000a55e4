"""Slug rules: derived from titles, ASCII ``a-z0-9-``, at most 80 characters, never reserved."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from anyascii import anyascii

MAX_SLUG = 80
FALLBACK_SLUG = "article"
RESERVED = frozenset(
    {"index", "amp", "assets", "feed", "page", "category", "about", "contact", "media", "sitemap"}
    | {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)

# Bidi controls, zero-width characters and other invisible format characters.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\ufeff\u00ad\u180e]"
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class SlugError(ValueError):
    """A slug typed by hand that cannot be used."""


def clean_text(text: str) -> str:
    """Remove bidi and zero-width characters (they hide or reorder what an editor sees)."""
    return _INVISIBLE.sub("", text)


_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\u00a0\u3000]+")


def clean_line(text: str) -> str:
    """One-line text (titles, link titles): invisible and control characters removed,
    runs of white space collapsed to one space, no space at either end."""
    return _CONTROL_OR_SPACE.sub(" ", clean_text(text)).strip()


def _drop_symbols(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in {"So", "Sk", "Cs", "Co", "Cn"})


def slug_key(slug: str) -> str:
    """The uniqueness key: Unicode-normalised (NFKC) and case-folded."""
    return unicodedata.normalize("NFKC", clean_text(slug)).casefold()


def slugify(text: str) -> str:
    """Turn any text into a slug: transliterated, lower case, hyphenated, at most 80 characters.

    Returns an empty string when nothing usable remains (the caller picks a fallback).
    """
    text = unicodedata.normalize("NFKC", clean_text(text))
    ascii_text = anyascii(_drop_symbols(text)).lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG]
        # Prefer to cut at a word boundary when one is not too far back.
        if "-" in cut[MAX_SLUG // 2 :]:
            cut = cut[: cut.rfind("-")]
        slug = cut.strip("-")
    return slug


def is_reserved(slug: str) -> bool:
    return slug_key(slug) in RESERVED


def validate_slug(slug: str) -> str:
    """Check a hand-typed slug; returns it normalised or raises SlugError with the reason."""
    cleaned = slugify(slug)
    if not cleaned:
        raise SlugError("A slug needs at least one letter or digit.")
    if is_reserved(cleaned):
        raise SlugError(f"“{cleaned}” is reserved for the site's own pages; choose another slug.")
    if cleaned != slug:
        raise SlugError(f"A slug may hold only a-z, 0-9 and single hyphens; try “{cleaned}”.")
    return cleaned


def unique_slug(base: str, taken: Callable[[str], bool]) -> str:
    """A usable slug from ``base`` (a title or slug) that ``taken`` does not report as used."""
    root = slugify(base) or FALLBACK_SLUG
    if is_reserved(root):
        root = f"{root}-article"
    candidate = root
    n = 2
    while taken(slug_key(candidate)):
        suffix = f"-{n}"
        candidate = root[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
        n += 1
    return candidate
