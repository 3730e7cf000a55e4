"""A QTextBrowser stand-in for the previews when QtWebEngine cannot start."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from digest_desk.ui.preview.blockdiff import Splice

Done = Callable[[bool], None]
_LINE_ATTR = re.compile(r'(<[a-zA-Z][a-zA-Z0-9-]*\b[^>]*\bdata-line="(\d+)"[^>]*>)')
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)


def add_line_anchors(html: str) -> tuple[str, list[int]]:
    """Put a named anchor after every opening tag with ``data-line`` so lines can be scrolled to."""
    lines: list[int] = []

    def anchor(match: re.Match[str]) -> str:
        lines.append(int(match.group(2)))
        return f'{match.group(1)}<a name="dd-line-{match.group(2)}"></a>'

    return _LINE_ATTR.sub(anchor, html), sorted(set(lines))


class TextPreviewView(QTextBrowser):
    """Same duties as the web view, with Qt's rich text engine: whole-page updates only."""

    link_clicked = Signal(QUrl)
    supports_splice = False

    def __init__(self, name: str, container_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self._lines: list[int] = []

    def load_page(self, html: str, base: QUrl, done: Done, keep_scroll: bool = True) -> None:
        keep = self.verticalScrollBar().value() if keep_scroll else 0
        marked, self._lines = add_line_anchors(_SCRIPT.sub("", html))
        self.document().setBaseUrl(base)
        self.setHtml(marked)
        self.verticalScrollBar().setValue(keep)
        done(True)

    def splice(self, change: Splice, done: Done) -> None:
        done(False)  # the owner answers with a whole-page load

    def follow_line(self, line: int, done: Callable[[object], None] | None = None) -> None:
        index = bisect.bisect_right(self._lines, line) - 1
        target = self._lines[max(index, 0)] if self._lines else None
        if target is not None:
            self.scrollToAnchor(f"dd-line-{target}")
        if done is not None:
            done(target)

    def _on_anchor(self, url: QUrl) -> None:
        if url.hasFragment() and not url.path():
            self.scrollToAnchor(url.fragment())
            return
        self.link_clicked.emit(url)
