"""Rendering: one article, two pages (standard and AMP simplified), pure functions without Qt."""

from __future__ import annotations

from typing import Any

from digest_desk.render.context import (
    AMP_CSS_BUDGET,
    BODY_CONTAINER_ID,
    Block,
    RenderContext,
    amp_url,
    standard_url,
)

# The page builders load Jinja, Python-Markdown and the templates: imported on first use, so
# a program that only needs the context types (the window's first frame) does not pay for them.
_PAGES = ("amp_css_bytes", "preview_simplified", "preview_standard", "render_blocks", "simplified",
          "standard")

__all__ = [
    "AMP_CSS_BUDGET", "BODY_CONTAINER_ID", "Block", "RenderContext", "amp_css_bytes", "amp_url",
    "preview_simplified", "preview_standard", "render_blocks", "simplified", "standard",
    "standard_url",
]


def __getattr__(name: str) -> Any:
    if name in _PAGES:
        from digest_desk.render import pages

        return getattr(pages, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
