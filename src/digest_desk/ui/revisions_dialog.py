"""Revision history: the list of revisions, a diff against the current text, and restore."""

from __future__ import annotations

import difflib
import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from digest_desk.domain import Revision
from digest_desk.ui import icons

META = ("title", "slug", "summary", "author", "category", "tags", "status", "published_at", "image_alt",
        "image_caption", "image_credit")


def as_text(data: dict[str, Any]) -> list[str]:
    """A revision (or the current article) as lines to diff: metadata first, then the body."""
    lines = [f"{key}: {data.get(key)!s}" for key in META if key in data]
    lines.append("")
    lines.extend(str(data.get("body", "")).splitlines())
    return lines


def unified_diff(old: dict[str, Any], new: dict[str, Any], old_name: str) -> list[str]:
    return list(difflib.unified_diff(as_text(old), as_text(new), fromfile=old_name,
                                     tofile="current", lineterm=""))


def diff_html(lines: list[str]) -> str:
    """Coloured diff lines for a QTextBrowser."""
    if not lines:
        return "<p><i>No difference from the current text.</i></p>"
    out = []
    for line in lines:
        colour = ""
        if line.startswith("+") and not line.startswith("+++"):
            colour = "#2e7d32"
        elif line.startswith("-") and not line.startswith("---"):
            colour = "#c62828"
        elif line.startswith("@@"):
            colour = "#6a5acd"
        text = html.escape(line) or "&nbsp;"
        out.append(f'<span style="color:{colour}">{text}</span>' if colour else text)
    return "<pre style='white-space:pre-wrap'>" + "<br>".join(out) + "</pre>"


class RevisionsDialog(QDialog):
    """Pick a revision to compare; Restore asks the window to put it back (undoably)."""

    restore_requested = Signal(object, int)  # snapshot data, version

    def __init__(self, revisions: list[Revision], current: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Revision History"))
        self.resize(900, 600)
        self._revisions, self._current = revisions, current
        self.list = QListWidget(objectName="revision-list")
        self.diff = QTextBrowser(objectName="revision-diff")
        self.restore_button = QPushButton(icons.get("history"), self.tr("&Restore This Revision"))
        self.restore_button.setObjectName("revision-restore")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.diff)
        split.setSizes([260, 640])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        for rev in revisions:
            when = rev.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            item = QListWidgetItem(f"v{rev.version} · {rev.reason} · {when}")
            item.setToolTip(str(rev.data.get("title", "")))
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self._show)
        self.restore_button.clicked.connect(self._restore)
        self.restore_button.setEnabled(bool(revisions))
        if revisions:
            self.list.setCurrentRow(0)
        else:
            self.diff.setHtml(self.tr("<p><i>No revisions yet. Save with Ctrl+S to record one.</i></p>"))

    def diff_lines(self, row: int) -> list[str]:
        rev = self._revisions[row]
        return unified_diff(rev.data, self._current, f"revision {rev.version}")

    def _show(self, row: int) -> None:
        if 0 <= row < len(self._revisions):
            self.diff.setHtml(diff_html(self.diff_lines(row)))

    def _restore(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._revisions):
            rev = self._revisions[row]
            self.restore_requested.emit(dict(rev.data), rev.version)
            self.accept()
