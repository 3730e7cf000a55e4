"""Plain-text helpers of the conversions that need no HTML parser."""

from __future__ import annotations


def one_line(text: str) -> str:
    """Text folded to one clean line: runs of whitespace become a space, the ends trimmed."""
    return " ".join(text.split())
