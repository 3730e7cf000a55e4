"""Revision history: the revisions in order, what changed since each (in words), and restore."""

from __future__ import annotations

import difflib
import html
import re
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime, Signal
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

INSERTED = "background-color:#c6efce; color:#0b4619;"
DELETED = "background-color:#ffc7ce; color:#7a0a16; text-decoration:line-through;"
UNCHANGED_RUN = 60  # unchanged words in a row beyond this are shortened to their ends
_WORDS = re.compile(r"(\s+)")


def word_changes(old: str, new: str) -> list[tuple[str, str]]:
    """The new text as runs of ("equal" | "insert" | "delete", text), compared word by word."""
    a, b = _WORDS.split(old), _WORDS.split(new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            runs.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", "".join(b[j1:j2])))
        if op == "equal":
            runs.append(("equal", "".join(a[i1:i2])))
    return [run for run in runs if run[1]]


def _shorten(text: str) -> str:
    words = _WORDS.split(text)
    keep = UNCHANGED_RUN // 3 * 2  # words and the spaces between them
    return text if len(words) <= 2 * UNCHANGED_RUN else "".join(words[:keep]) + " … " + "".join(words[-keep:])


def body_html(old: str, new: str) -> str:
    """The body with deleted words struck through in red and inserted ones in green (escaped)."""
    parts = []
    previous = "equal"
    for kind, text in word_changes(old, new):
        if previous == "delete" and kind == "insert":
            parts.append(" ")  # "Budget Regular", not "BudgetRegular": two marked words apart
        previous = kind
        if kind == "equal":
            parts.append(html.escape(_shorten(text)))
        else:  # spaces around a changed run stay unmarked: only the words are coloured
            style = INSERTED if kind == "insert" else DELETED
            core = text.strip()
            if not core and kind == "delete":
                continue  # a removed line break or space: the new text's spacing is what shows
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            marked = f'<span style="{style}">{html.escape(core)}</span>' if core else ""
            parts.append(html.escape(lead) + marked + html.escape(trail))
    return "".join(parts)


def as_datetime(value: Any) -> datetime | None:
    """A publication date as kept in a revision (ISO text) or in the editor (datetime)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def tag_changes(old: Any, new: Any) -> tuple[list[str], list[str]]:
    """(added, removed) tags, each in the order they are listed."""
    before, after = list(old or []), list(new or [])
    return [t for t in after if t not in before], [t for t in before if t not in after]


class RevisionsDialog(QDialog):
    """Pick a revision to compare; Restore asks the window to put it back (undoably)."""

    restore_requested = Signal(object, int)  # snapshot data, version

    def __init__(self, revisions: list[Revision], current: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Revision History"))
        self.resize(900, 600)
        # numbered 1, 2, 3 … in the order they were taken; listed newest first
        self._revisions = sorted(revisions, key=lambda r: (r.created_at, r.id or 0), reverse=True)
        self._current = current
        self.list = QListWidget(objectName="revision-list")
        self.list.setSpacing(3)
        self.diff = QTextBrowser(objectName="revision-diff")
        self.restore_button = QPushButton(icons.get("history"), self.tr("&Restore This Revision"))
        self.restore_button.setObjectName("revision-restore")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.diff)
        split.setSizes([280, 620])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        for row, rev in enumerate(self._revisions):
            item = QListWidgetItem(self.tr("Revision {number} · {reason}\n{when}").format(
                number=self.number(row), reason=rev.reason, when=self._when(rev.created_at)))
            if rev.editor:
                item.setText(item.text() + self.tr(" · {name}").format(name=rev.editor))
            item.setToolTip(str(rev.data.get("title", "")))
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self._show)
        self.restore_button.clicked.connect(self._restore)
        self.restore_button.setEnabled(bool(revisions))
        if revisions:
            self.list.setCurrentRow(0)
        else:
            self.diff.setHtml(self.tr("<p><i>No revisions yet. Save with Ctrl+S to record one.</i></p>"))

    def number(self, row: int) -> int:
        """The revision's number: 1 for the oldest, counting up by one."""
        return len(self._revisions) - row

    # -- words for values -----------------------------------------------------------------
    def _when(self, value: datetime) -> str:
        local = value.astimezone() if value.tzinfo else value
        moment = QDateTime(QDate(local.year, local.month, local.day),
                           QTime(local.hour, local.minute))
        return QLocale().toString(moment, "d MMMM yyyy HH:mm")

    def _labels(self) -> dict[str, str]:
        return {"title": self.tr("Headline"), "slug": self.tr("Web address"),
                "summary": self.tr("Summary"), "author": self.tr("Author"),
                "category": self.tr("Category"), "status": self.tr("Status"),
                "published_at": self.tr("Published"), "image_alt": self.tr("Image description"),
                "image_caption": self.tr("Image caption"), "image_credit": self.tr("Image credit")}

    def _value(self, key: str, value: Any) -> str:
        if key == "published_at":
            moment = as_datetime(value)
            return self._when(moment) if moment else self.tr("(none)")
        if key == "status":
            names = {"draft": self.tr("Draft"), "ready": self.tr("Ready"),
                     "published": self.tr("Published")}
            return names.get(str(value), str(value))
        text = str(value or "").strip()
        return f"“{text}”" if text else self.tr("(none)")

    def field_changes(self, row: int) -> list[str]:
        """What differs between revision ``row`` and the current article, one line per field."""
        old, new = self._revisions[row].data, self._current
        lines = []
        for key, label in self._labels().items():
            if key not in old or key not in new:
                continue
            before, after = self._value(key, old.get(key)), self._value(key, new.get(key))
            if before != after:
                lines.append(self.tr("{field}: {before} → {after}").format(
                    field=label, before=before, after=after))
        added, removed = tag_changes(old.get("tags"), new.get("tags"))
        if added or removed:
            words = ([self.tr("added {tags}").format(tags=", ".join(added))] if added else [])
            words += [self.tr("removed {tags}").format(tags=", ".join(removed))] if removed else []
            lines.append(self.tr("Tags: {changes}").format(changes="; ".join(words)))
        if "image_id" in old and "image_id" in new and old.get("image_id") != new.get("image_id"):
            lines.append(self.tr("Featured image: changed"))
        return lines

    def changes_html(self, row: int) -> str:
        rev = self._revisions[row]
        heading = self.tr("Changes from revision {number} to the current text").format(
            number=self.number(row))
        out = [f"<h3>{html.escape(heading)}</h3>"]
        fields = self.field_changes(row)
        if fields:
            out.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in fields) + "</ul>")
        old_body, new_body = str(rev.data.get("body", "")), str(self._current.get("body", ""))
        if old_body != new_body:
            out.append(f"<p><b>{html.escape(self.tr('Text:'))}</b></p>")
            out.append(f'<p style="white-space:pre-wrap">{body_html(old_body, new_body)}</p>')
        if not fields and old_body == new_body:
            out.append(f"<p><i>{html.escape(self.tr('No difference from the current text.'))}</i></p>")
        return "".join(out)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self._revisions):
            self.diff.setHtml(self.changes_html(row))

    def _restore(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._revisions):
            rev = self._revisions[row]
            self.restore_requested.emit(dict(rev.data), rev.version)
            self.accept()
