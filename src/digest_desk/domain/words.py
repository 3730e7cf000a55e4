"""Counts in words for messages: "1 article", "2 articles"."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the form that number takes (``plural`` defaults to singular + "s")."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
