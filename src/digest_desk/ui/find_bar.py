"""Find & replace in the open article: a bar under the editor searching headline, summary and body."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digest_desk.ui import icons
from digest_desk.ui.actions import ActionId as A
from digest_desk.ui.actions import ActionRegistry
from digest_desk.ui.headline import HeadlineEdit

HIGHLIGHT_MAX = 2_000  # matches coloured in the body at once (all are counted and visited)
REFRESH_MS = 150  # after an edit, matches are searched again once typing pauses
LINE_FIELDS = (QLineEdit, HeadlineEdit)  # one-line fields: the headline is wrapped, still one line


@dataclass(frozen=True, slots=True)
class Match:
    field: int  # index into the bar's fields (headline, summary, body)
    start: int  # Python string offsets
    end: int


class _Utf16:
    """Python offsets to Qt's UTF-16 positions (characters beyond the BMP count twice in Qt)."""

    def __init__(self, text: str) -> None:
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []

    def __call__(self, index: int) -> int:
        return index + bisect_left(self._astral, index) if self._astral else index


def build_pattern(text: str, case: bool, word: bool, regex: bool) -> re.Pattern[str]:
    """The search as a compiled pattern; raises ``re.error`` for a malformed expression."""
    body = text if regex else re.escape(text)
    if word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    return re.compile(body, 0 if case else re.IGNORECASE)


def find_all(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text) if m.end() > m.start()]


class FindBar(QWidget):
    """Find (Ctrl+F) and replace (Ctrl+H) over the open article's headline, summary and body.

    Edits go through each widget's own undo: the headline and summary through the article's
    undo stack (as typing does), the body's Replace All as one step of its document.
    """

    def __init__(self, headline: HeadlineEdit, summary: QLineEdit, body: QPlainTextEdit,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("find-bar")
        self._fields: list[HeadlineEdit | QLineEdit | QPlainTextEdit] = [headline, summary, body]
        self._names = [self.tr("headline"), self.tr("summary"), self.tr("body")]
        self._body = body
        self.matches: list[Match] = []
        self.current = -1
        self._pattern: re.Pattern[str] | None = None
        self._error = ""
        self._refresh = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh.timeout.connect(self._search_again)
        self._build()
        self._connect()
        self.hide()

    # -- construction ---------------------------------------------------------------------
    def _option(self, name: str, icon: str, text: str, tip: str, key: str) -> QToolButton:
        action = QAction(icons.get(icon), text, self, objectName=f"find-{name}", checkable=True)
        action.setProperty("icon_name", icon)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({key})")
        action.setStatusTip(tip)
        action.toggled.connect(lambda _on: self._search_again())
        self.addAction(action)
        button = QToolButton(self, autoRaise=True)
        button.setDefaultAction(action)
        return button

    def _button(self, name: str, icon: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self, objectName=f"find-{name}", autoRaise=True)
        button.setIcon(icons.get(icon))
        button.setProperty("icon_name", icon)
        button.setToolTip(tip)
        button.setStatusTip(tip)
        button.clicked.connect(slot)
        return button

    def _build(self) -> None:
        self.find_edit = QLineEdit(self, objectName="find-text", clearButtonEnabled=True)
        self.find_edit.setPlaceholderText(self.tr("Find in headline, summary and body"))
        self.count_label = QLabel(self, objectName="find-count")
        self.count_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("99 of 99 · summary"))
        self.find_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 16))
        self.case_button = self._option("case", "match-case", self.tr("Match Case"),
                                        self.tr("Match upper and lower case exactly"), "Alt+C")
        self.word_button = self._option("word", "whole-word", self.tr("Whole Words"),
                                        self.tr("Match whole words only"), "Alt+W")
        self.regex_button = self._option("regex", "regex", self.tr("Regular Expression"),
                                         self.tr("Search with a regular expression"), "Alt+R")
        self.previous_button = self._button("previous", "find-previous",
                                            self.tr("Previous match (Shift+Enter)"), self.find_previous)
        self.next_button = self._button("next", "find-next", self.tr("Next match (Enter)"),
                                        self.find_next)
        self.close_button = self._button("close", "clear", self.tr("Close the find bar (Esc)"),
                                         self.close_bar)
        self.replace_edit = QLineEdit(self, objectName="replace-text", clearButtonEnabled=True)
        self.replace_edit.setPlaceholderText(self.tr("Replace with"))
        self.replace_button = QPushButton(self.tr("&Replace"), self, objectName="replace-one")
        self.replace_button.setToolTip(self.tr("Replace the current match and go to the next"))
        self.replace_all_button = QPushButton(self.tr("Replace &All"), self, objectName="replace-all")
        self.replace_all_button.setToolTip(self.tr("Replace every match (one undo step per field)"))
        self.replace_row = QWidget(self, objectName="replace-row")
        self.error_label = QLabel(self, objectName="find-error", wordWrap=True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()
        find_row = QHBoxLayout()
        for widget in (self.find_edit, self.count_label, self.previous_button, self.next_button,
                       self.case_button, self.word_button, self.regex_button, self.close_button):
            find_row.addWidget(widget)
        find_row.setStretch(0, 3)
        find_row.setStretch(1, 1)
        replace = QHBoxLayout(self.replace_row)
        replace.setContentsMargins(0, 0, 0, 0)
        replace.addWidget(self.replace_edit, 1)
        replace.addWidget(self.replace_button)
        replace.addWidget(self.replace_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(find_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.replace_row)

    def _connect(self) -> None:
        self.find_edit.textChanged.connect(lambda _t: self._search_again(jump=True))
        self.find_edit.installEventFilter(self)
        self.replace_edit.installEventFilter(self)
        self.replace_button.clicked.connect(self.replace_one)
        self.replace_all_button.clicked.connect(self.replace_all)
        for field in self._fields:
            field.textChanged.connect(self._text_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if watched is self.replace_edit and not shift:
                    self.replace_one()
                else:
                    (self.find_previous if shift else self.find_next)()
                return True
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """A theme switch changes the palette: redraw the icons in its text colour."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            for item in (*self.findChildren(QToolButton), *self.actions()):
                name = item.property("icon_name")
                if name:
                    item.setIcon(icons.get(name))

    # -- opening and closing --------------------------------------------------------------
    def open_bar(self, replace: bool = False) -> None:
        """Show the bar (with the replace row for Ctrl+H), seeded with the selected text."""
        if not self.isEnabled():
            return
        selected = self._selected_text()
        self.replace_row.setVisible(replace)
        self.show()
        if selected:
            self.find_edit.setText(selected)
        else:
            self._search_again(jump=True)
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self._body.setExtraSelections([])
        self._body.setFocus()

    def _selected_text(self) -> str:
        for field in self._fields:
            if field.hasFocus():
                text = (field.selectedText() if isinstance(field, LINE_FIELDS)
                        else field.textCursor().selectedText())
                return text if text and "\u2029" not in text else ""
        return ""

    # -- searching ------------------------------------------------------------------------
    def _text(self, field: int) -> str:
        widget = self._fields[field]
        return widget.text() if isinstance(widget, LINE_FIELDS) else widget.toPlainText()

    def _text_changed(self) -> None:
        if self.isVisible():
            self._refresh.start()

    def _compile(self) -> re.Pattern[str] | None:
        text = self.find_edit.text()
        self._error = ""
        if not text:
            return None
        try:
            return build_pattern(text, self.case_button.isChecked(), self.word_button.isChecked(),
                                 self.regex_button.isChecked())
        except re.error as exc:
            self._error = self.tr("Not a valid regular expression: %1").replace("%1", str(exc))
            return None

    def _search_again(self, jump: bool = False) -> None:
        """Find every match again (after the search or the text changed)."""
        old = self.matches[self.current] if 0 <= self.current < len(self.matches) else None
        self._pattern = self._compile()
        self.matches = []
        if self._pattern is not None:
            for field in range(len(self._fields)):
                self.matches += [Match(field, s, e) for s, e in find_all(self._pattern, self._text(field))]
        self.current = self._nearest(old if not jump else self._caret())
        self._show(select=jump)

    def _caret(self) -> Match:
        """Where a new search starts: the caret of the field last edited, else the body's."""
        for field, widget in enumerate(self._fields):
            if widget.hasFocus() and isinstance(widget, LINE_FIELDS):
                return Match(field, widget.selectionStart() if widget.hasSelectedText()
                             else widget.cursorPosition(), 0)
        return Match(2, self._body.textCursor().selectionStart(), 0)

    def _nearest(self, at: Match | None) -> int:
        if not self.matches:
            return -1
        if at is None:
            return 0
        for i, match in enumerate(self.matches):
            if (match.field, match.start) >= (at.field, at.start):
                return i
        return 0

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self.isVisible():
            self.open_bar(self.replace_row.isVisible())
            return
        if self._refresh.isActive():
            self._refresh.stop()
            self._search_again()
        if self.matches:
            self.current = (self.current + delta) % len(self.matches)
        self._show(select=True)

    def _show(self, select: bool) -> None:
        self._update_label()
        self._highlight()
        if select and 0 <= self.current < len(self.matches):
            self._select(self.matches[self.current])
        has = bool(self.matches)
        for widget in (self.next_button, self.previous_button, self.replace_button,
                       self.replace_all_button):
            widget.setEnabled(has)

    def _update_label(self) -> None:
        self.error_label.setText(self._error)
        self.error_label.setVisible(bool(self._error))
        if self._error:
            text, bad = self.tr("Error"), True
        elif not self.find_edit.text():
            text, bad = "", False
        elif not self.matches:
            text, bad = self.tr("No matches"), True
        else:
            where = self._names[self.matches[self.current].field]
            text, bad = self.tr("%1 of %2 · %3").replace("%1", f"{self.current + 1:,}").replace(
                "%2", f"{len(self.matches):,}").replace("%3", where), False
        width = self.fontMetrics().horizontalAdvance("x" * 28)
        self.count_label.setText(self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width))
        self.count_label.setToolTip(text)
        normal = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self.count_label.setStyleSheet(f"color: {'#c62828' if bad else normal};")

    def _highlight(self) -> None:
        body = [m for m in self.matches if m.field == 2]
        if not body or not self.isVisible():
            self._body.setExtraSelections([])
            return
        text = self._text(2)
        pos = _Utf16(text)
        base = self.palette().color(QPalette.ColorRole.Highlight)
        all_colour = QColor(base)
        all_colour.setAlpha(70)
        current = self.matches[self.current] if self.current >= 0 else None
        start = 0
        if current is not None and current.field == 2 and len(body) > HIGHLIGHT_MAX:
            start = max(0, body.index(current) - HIGHLIGHT_MAX // 2)
        selections = []
        for match in body[start:start + HIGHLIGHT_MAX]:
            sel = QTextEdit.ExtraSelection()
            sel.cursor = QTextCursor(self._body.document())
            sel.cursor.setPosition(pos(match.start))
            sel.cursor.setPosition(pos(match.end), QTextCursor.MoveMode.KeepAnchor)
            sel.format.setBackground(base if match == current else all_colour)
            if match == current:
                sel.format.setForeground(self.palette().color(QPalette.ColorRole.HighlightedText))
            sel.format.setProperty(QTextFormat.Property.FullWidthSelection, False)
            selections.append(sel)
        self._body.setExtraSelections(selections)

    def _select(self, match: Match) -> None:
        widget = self._fields[match.field]
        pos = _Utf16(self._text(match.field))
        if isinstance(widget, LINE_FIELDS):
            widget.setSelection(pos(match.start), pos(match.end) - pos(match.start))
            return
        cursor = QTextCursor(widget.document())
        cursor.setPosition(pos(match.start))
        cursor.setPosition(pos(match.end), QTextCursor.MoveMode.KeepAnchor)
        widget.setTextCursor(cursor)
        widget.centerCursor()

    # -- replacing ------------------------------------------------------------------------
    def _replacement(self, found: re.Match[str]) -> str:
        text = self.replace_edit.text()
        return found.expand(text) if self.regex_button.isChecked() else text

    def replace_one(self) -> None:
        """Replace the current match, then go to the next one."""
        if self._refresh.isActive() or not self.matches:
            self._search_again()
        if not (0 <= self.current < len(self.matches)) or self._pattern is None:
            return
        match = self.matches[self.current]
        text = self._text(match.field)
        found = self._pattern.match(text, match.start)
        if found is None or found.end() != match.end:
            self._search_again()
            return
        try:
            new = self._replacement(found)
        except (re.error, IndexError) as exc:
            self._set_error(exc)
            return
        self._edit(match.field, [(match.start, match.end, new)])
        self._search_again()
        after = Match(match.field, match.start + len(new), 0)
        self.current = self._nearest(after)
        self._show(select=True)

    def replace_all(self) -> None:
        """Replace every match: one undo step in the body, one field change each for the others."""
        self._search_again()
        if self._pattern is None or not self.matches:
            return
        changes: dict[int, list[tuple[int, int, str]]] = {}
        try:
            for field in range(len(self._fields)):
                text = self._text(field)
                changes[field] = [(f.start(), f.end(), self._replacement(f))
                                  for f in self._pattern.finditer(text) if f.end() > f.start()]
        except (re.error, IndexError) as exc:
            self._set_error(exc)
            return
        total = sum(len(c) for c in changes.values())
        for field, edits in changes.items():
            if edits:
                self._edit(field, edits)
        self._search_again()
        self.count_label.setText(self.tr("Replaced %1").replace("%1", f"{total:,}"))

    def _set_error(self, exc: Exception) -> None:
        self._error = self.tr("Cannot replace: %1").replace("%1", str(exc))
        self._update_label()

    def _edit(self, field: int, edits: list[tuple[int, int, str]]) -> None:
        """Apply (start, end, new) edits to a field as one user edit."""
        widget = self._fields[field]
        text = self._text(field)
        if isinstance(widget, LINE_FIELDS):
            new = text
            for start, end, repl in reversed(edits):
                new = new[:start] + repl + new[end:]
            widget.selectAll()
            widget.insert(new)  # textEdited: the editor records it on the article's undo stack
            return
        pos = _Utf16(text)
        cursor = QTextCursor(widget.document())
        cursor.beginEditBlock()
        for start, end, repl in reversed(edits):
            cursor.setPosition(pos(start))
            cursor.setPosition(pos(end), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(repl)
        cursor.endEditBlock()


def connect_find_actions(bar: FindBar, actions: ActionRegistry) -> None:
    """Wire the window's Find/Replace/Next/Previous actions to ``bar``."""
    actions[A.FIND_IN_ARTICLE].triggered.connect(lambda: bar.open_bar(replace=False))
    actions[A.REPLACE].triggered.connect(lambda: bar.open_bar(replace=True))
    actions[A.FIND_NEXT].triggered.connect(bar.find_next)
    actions[A.FIND_PREVIOUS].triggered.connect(bar.find_previous)
