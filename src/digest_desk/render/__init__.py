"""Rendering: one article, two pages (standard and AMP simplified), pure functions without Qt."""

from __future__ import annotations

from digest_desk.render.context import (
    AMP_CSS_BUDGET,
    BODY_CONTAINER_ID,
    Block,
    RenderContext,
    amp_url,
    standard_url,
)
from digest_desk.render.pages import (
    amp_css_bytes,
    preview_simplified,
    preview_standard,
    render_blocks,
    simplified,
    standard,
)

__all__ = [
    "AMP_CSS_BUDGET", "BODY_CONTAINER_ID", "Block", "RenderContext", "amp_css_bytes", "amp_url",
    "preview_simplified", "preview_standard", "render_blocks", "simplified", "standard",
    "standard_url",
]
