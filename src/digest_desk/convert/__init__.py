"""Conversions of foreign formats into our markdown (HTML from the clipboard or another system)."""

from __future__ import annotations

from typing import Any

__all__ = ["html_to_markdown", "html_to_text", "one_line"]


def __getattr__(name: str) -> Any:
    # BeautifulSoup, nh3 and markdownify load with the first conversion, not with the package.
    if name == "one_line":
        from digest_desk.convert.text import one_line

        return one_line
    if name in __all__:
        from digest_desk.convert import html_markdown

        return getattr(html_markdown, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
