"""Live previews of an article: the standard page and the simplified AMP page."""

from __future__ import annotations

from typing import Any

from digest_desk.ui.preview.engine import prepare_webengine, webengine_unavailable_reason

__all__ = ["PreviewPane", "prepare_webengine", "webengine_unavailable_reason"]


def __getattr__(name: str) -> Any:
    # The pane pulls in the renderer and QtWidgets: load it on first use, not with the package.
    if name == "PreviewPane":
        from digest_desk.ui.preview.pane import PreviewPane
        return PreviewPane
    raise AttributeError(name)
