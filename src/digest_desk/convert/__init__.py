"""Conversions of foreign formats into our markdown (HTML from the clipboard or another system)."""

from __future__ import annotations

from digest_desk.convert.html_markdown import html_to_markdown, html_to_text, one_line

__all__ = ["html_to_markdown", "html_to_text", "one_line"]
