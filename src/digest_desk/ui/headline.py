"""The headline field: one line of text shown wrapped (two lines, up to four), with its length."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPalette, QTextCursor, QTextOption
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QWidget

import digest_desk.convert as convert  # its converters load on first use
from digest_desk.domain import HEADLINE_MAX
from digest_desk.ui.paste import plain_text

SHOWN_LINES = (2, 4)  # lines visible: at least, at most (more scroll)


class HeadlineEdit(QPlainTextEdit):
    """A wrapped one-line field with the part of QLineEdit's interface the editor, the find bar
    and the paste helpers use. ``textEdited`` fires for the user's changes only (typing, paste,
    a replacement from the find bar), never for ``setText``. Enter moves on to the next field;
    pasted or dropped line breaks fold into spaces. Undo is the window's (the article's stack)."""

    textEdited = Signal(str)  # noqa: N815 (QLineEdit's name)
    folds_to_one_line = True  # paste_plain: insert() the text, as into a line edit

    def __init__(self, parent: QWidget | None = None, objectName: str = "",  # noqa: N803
                 placeholderText: str = "") -> None:  # noqa: N803
        super().__init__(parent)
        self.setObjectName(objectName)
        self.setPlaceholderText(placeholderText)
        self.setTabChangesFocus(True)
        self.setUndoRedoEnabled(False)  # Ctrl+Z goes to the article's undo stack
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._quiet = False
        self.textChanged.connect(self._changed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _s: self._fit_height())
        self._fit_height()

    # -- QLineEdit's interface ------------------------------------------------------------
    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802
        self._quiet = True
        try:
            self.setPlainText(convert.one_line(text) if text else "")
        finally:
            self._quiet = False

    def insert(self, text: str) -> None:
        """Replace the selection by ``text`` folded to one line (a user edit)."""
        self.textCursor().insertText(convert.one_line(text) if text else "")

    def cursorPosition(self) -> int:  # noqa: N802
        return self.textCursor().position()

    def cursorPositionAt(self, pos: QPoint) -> int:  # noqa: N802
        return self.cursorForPosition(pos).position()

    def setCursorPosition(self, position: int) -> None:  # noqa: N802
        cursor = self.textCursor()
        cursor.setPosition(position)
        self.setTextCursor(cursor)

    def hasSelectedText(self) -> bool:  # noqa: N802
        return self.textCursor().hasSelection()

    def selectedText(self) -> str:  # noqa: N802
        return self.textCursor().selectedText()

    def selectionStart(self) -> int:  # noqa: N802
        return self.textCursor().selectionStart()

    def setSelection(self, start: int, length: int) -> None:  # noqa: N802
        cursor = self.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    # -- behaviour ------------------------------------------------------------------------
    def _changed(self) -> None:
        if not self._quiet:
            self.textEdited.emit(self.toPlainText())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.focusNextChild()  # a headline has no second paragraph
            event.accept()
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802
        self.insert(plain_text(source))  # pasted or dropped: one clean line, words of HTML too

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802
        return source.hasText() or source.hasHtml()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_height()

    def _lines_high(self, lines: int) -> int:
        margins = self.contentsMargins()
        return (lines * self.fontMetrics().lineSpacing() + 2 * int(self.document().documentMargin())
                + 2 * self.frameWidth() + margins.top() + margins.bottom())

    def _fit_height(self) -> None:
        """Two lines high, growing to four with the wrapped text when the window has the room
        (squeezed back to two, scrolling, when it has not: a small screen still fits)."""
        block = self.document().firstBlock()
        layout = block.layout() if block.isValid() else None
        lines = layout.lineCount() if layout is not None and layout.lineCount() else 1
        low, high = SHOWN_LINES
        self.setMinimumHeight(self._lines_high(low))
        wanted = self._lines_high(min(max(lines, low), high))
        if self.maximumHeight() != wanted:
            self.setMaximumHeight(wanted)
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().sizeHint().width(), self.maximumHeight())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().minimumSizeHint().width(), self.minimumHeight())


class LengthLabel(QLabel):
    """"72 / 110": the headline's length and the limit the checks use, coloured when over."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="title-length")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.show_length(0)

    def show_length(self, length: int) -> None:
        over = length > HEADLINE_MAX
        self.setText(f"{length} / {HEADLINE_MAX}")
        self.setProperty("over", over)
        self.setToolTip(self.tr("Headline length; the checks warn above %1 characters (search engines "
                                "cut it there).").replace("%1", str(HEADLINE_MAX)))
        self._colour(over)

    def _colour(self, over: bool) -> None:
        """Placeholder grey (it follows the theme), red when over the limit."""
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        if not over:
            self.setStyleSheet("")
            return
        dark = QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
        self.setStyleSheet(f"color: {'#ff7b72' if dark else '#c62828'};")

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == event.Type.ApplicationPaletteChange and self.property("over"):
            self._colour(True)  # light and dark themes use different reds
