"""The markdown body editor: syntax highlighting, formatting commands, counts and the cursor's line."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from digest_desk.render.picture_markdown import PictureWords, picture_markdown
from digest_desk.ui.paste import HtmlPaste

WORDS_PER_MINUTE = 230
_WORD = re.compile(r"\w+(?:['’-]\w+)*", re.UNICODE)
_SPACE = re.compile(r"\s")

_INLINE_RULES = (
    ("code", re.compile(r"`[^`\n]+`")),
    ("bold", re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")),
    ("italic", re.compile(r"(?<![*_\w])([*_])(?=\S)(?!\1)(.+?)(?<=\S)\1(?![*_\w])")),
    ("link", re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")),
    ("url", re.compile(r"<https?://[^>\s]+>|https?://\S+")),
)
_LINE_RULES = (
    ("heading", re.compile(r"^#{1,6}\s.*$")),
    ("quote", re.compile(r"^\s{0,3}>.*$")),
    ("list", re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")),
    ("rule", re.compile(r"^\s{0,3}(?:-{3,}|\*{3,}|_{3,})\s*$")),
)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
IN_FENCE = 1
# Above this many characters the body is shown without colours: highlighting runs Python on every
# block, so a 10 MB paste would take many seconds and every later edit of a long line too.
HIGHLIGHT_MAX_CHARS = 1_000_000
HIGHLIGHT_RESUME_CHARS = 800_000  # back on below this (no flapping around the limit)
LONG_LINE_CHARS = 20_000  # a line this long gets its line colour only, no inline scan
PASTE_LINE_MAX = 10_000  # a pasted paragraph line longer than this gets soft line breaks
PASTE_WRAP_AT = 1_000
COUNT_CHUNK_CHARS = 65_536  # word counts go chunk by chunk so a worker thread yields the GIL


def _formats(dark: bool) -> dict[str, QTextCharFormat]:
    colours = {
        "heading": "#7fb4ff" if dark else "#1f4f96",
        "quote": "#9aa5b1" if dark else "#5b6570",
        "list": "#e0a458" if dark else "#a35d00",
        "rule": "#9aa5b1" if dark else "#8a939c",
        "code": "#c3e88d" if dark else "#2e7d32",
        "link": "#6cb6ff" if dark else "#0b61c4",
        "url": "#6cb6ff" if dark else "#0b61c4",
        "bold": "",
        "italic": "",
    }
    out: dict[str, QTextCharFormat] = {}
    for name, colour in colours.items():
        fmt = QTextCharFormat()
        if colour:
            fmt.setForeground(QColor(colour))
        if name in ("heading", "bold"):
            fmt.setFontWeight(QFont.Weight.Bold)
        if name in ("italic", "quote"):
            fmt.setFontItalic(True)
        out[name] = fmt
    return out


class MarkdownHighlighter(QSyntaxHighlighter):
    """Colours headings, emphasis, links, quotes, lists and code in the body."""

    def __init__(self, document: QTextDocument, dark: bool = False) -> None:
        super().__init__(document)
        self._fmt = _formats(dark)
        # Called last for each prose block (not fenced code) to add spelling and readability
        # marks over the colours: ui/spelling.py sets it.
        self.decorate: Callable[[QSyntaxHighlighter, str], None] | None = None

    def set_dark(self, dark: bool) -> None:
        self._fmt = _formats(dark)
        if self.document() is not None:
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        in_fence = self.previousBlockState() == IN_FENCE
        if _FENCE.match(text):
            self.setFormat(0, len(text), self._fmt["code"])
            self.setCurrentBlockState(0 if in_fence else IN_FENCE)
            return
        if in_fence:
            self.setFormat(0, len(text), self._fmt["code"])
            self.setCurrentBlockState(IN_FENCE)
            return
        self.setCurrentBlockState(0)
        for name, rule in _LINE_RULES:
            match = rule.match(text)
            if match:
                self.setFormat(match.start(), match.end() - match.start(), self._fmt[name])
        if len(text) <= LONG_LINE_CHARS:
            for name, rule in _INLINE_RULES:
                for match in rule.finditer(text):
                    self.setFormat(match.start(), match.end() - match.start(), self._fmt[name])
        if self.decorate is not None:
            self.decorate(self, text)


def count_words(text: str, chunk: int = COUNT_CHUNK_CHARS) -> int:
    """Words in ``text``, counted in pieces cut at whitespace (same result as one pass), so a
    long count on a worker thread lets the UI thread run between the pieces."""
    words, start, size = 0, 0, len(text)
    while start < size:
        end = min(size, start + chunk)
        if end < size:
            cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            if cut >= start:
                end = cut + 1
            else:  # no space in the piece: run on to the next one
                space = _SPACE.search(text, end)
                end = space.end() if space else size
        words += len(_WORD.findall(text, start, end))
        start = end
    return words


def soften_long_lines(text: str, limit: int = PASTE_LINE_MAX, width: int = PASTE_WRAP_AT) -> str:
    """Break paragraph lines longer than ``limit`` at spaces about every ``width`` characters.

    In markdown a single newline inside a paragraph is a soft break that renders as a space, so
    the published pages do not change; the editor, whose layout cost grows with the longest
    line, stays responsive after a huge one-paragraph paste. Code (fenced or indented) and lines
    without spaces are left as they are.
    """
    if len(text) <= limit or max(map(len, text.split("\n"))) <= limit:
        return text
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or len(line) <= limit or line.startswith(("    ", "\t")):
            out.append(line)
            continue
        start = 0
        while len(line) - start > width:
            cut = line.rfind(" ", start + width // 2, start + width)
            if cut < 0:
                cut = line.find(" ", start + width)
                if cut < 0:
                    break
            out.append(line[start:cut])
            start = cut + 1
        out.append(line[start:])
    return "\n".join(out)


def text_stats(text: str) -> tuple[int, int, int]:
    """Words, characters and reading time in minutes (at least 1 when there is any text)."""
    words = count_words(text)
    minutes = (words + WORDS_PER_MINUTE - 1) // WORDS_PER_MINUTE
    return words, len(text), minutes


class MarkdownEdit(QPlainTextEdit):
    """A plain-text editor for markdown with formatting commands that keep the text undoable."""

    line_changed = Signal(int)  # 1-based line of the cursor
    highlighting_changed = Signal(bool)  # colours switched off (huge body) or back on
    # (position, removed, added) of a text change, before the highlighter colours the blocks it
    # touched: what keeps offsets into the body (the long-sentence shades) moves them first.
    text_moved = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("body-editor")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.setFont(font)
        self.setTabChangesFocus(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setPlaceholderText(self.tr("Write the story in markdown…"))
        dark = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
        # Connected before the highlighter's own reaction, so a huge paste switches it off
        # before it colours a single pasted block.
        self.document().contentsChange.connect(self._size_changed)
        self.highlighter = MarkdownHighlighter(self.document(), dark)
        self._line = 1
        self._resume = QTimer(self, singleShot=True, interval=0)
        self._resume.timeout.connect(self._resume_highlighting)
        self.cursorPositionChanged.connect(self._cursor_moved)
        self.html_paste = HtmlPaste(self, soften_long_lines)  # web HTML -> markdown (ui/paste.py)

    # -- huge bodies ----------------------------------------------------------------------
    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasHtml() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Web HTML as markdown (ui/paste.py), else plain text with soft breaks in giant
        paragraphs (see soften_long_lines)."""
        if self.html_paste.paste(source):
            return
        if source.hasText():
            self.insertPlainText(soften_long_lines(source.text()))
            self.ensureCursorVisible()
            return
        super().insertFromMimeData(source)

    @property
    def highlighting(self) -> bool:
        return self.highlighter.document() is not None

    def _size_changed(self, pos: int = 0, removed: int = 0, added: int = 0) -> None:
        if removed != added:
            self.text_moved.emit(pos, removed, added)
        size = self.document().characterCount()  # O(1)
        if self.highlighting and size > HIGHLIGHT_MAX_CHARS:
            self.highlighter.setDocument(None)
            self.highlighting_changed.emit(False)
        elif not self.highlighting and size < HIGHLIGHT_RESUME_CHARS and not self._resume.isActive():
            self._resume.start()  # not inside the document's own change notification

    def _resume_highlighting(self) -> None:
        if not self.highlighting and self.document().characterCount() < HIGHLIGHT_RESUME_CHARS:
            self.highlighter.setDocument(self.document())
            self.highlighting_changed.emit(True)

    def current_line(self) -> int:
        return self.textCursor().blockNumber() + 1

    def _cursor_moved(self) -> None:
        line = self.current_line()
        if line != self._line:
            self._line = line
            self.line_changed.emit(line)

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        if block.isValid():
            cursor = QTextCursor(block)
            self.setTextCursor(cursor)
            self.centerCursor()
            self.setFocus()

    def replace_all(self, text: str) -> None:
        """Swap the whole body as one undoable edit (restores, fixes)."""
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()

    # -- formatting -----------------------------------------------------------------------
    def _trimmed_selection(self) -> QTextCursor:
        """The cursor with spaces at either end of the selection left out of it.

        Ctrl+Shift+Right or a double click also takes the space after a word; inside ``[ ]`` or
        ``** **`` it would end up in the link text or break the emphasis.
        """
        cursor = self.textCursor()
        text = cursor.selectedText()
        start, end = sorted((cursor.anchor(), cursor.position()))
        if not text.strip():  # nothing but spaces: keep them and insert at the end
            cursor.setPosition(end)
            return cursor
        cursor.setPosition(start + len(text) - len(text.lstrip()))
        cursor.setPosition(end - (len(text) - len(text.rstrip())), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def wrap_selection(self, marker: str, placeholder: str) -> None:
        """Put ``marker`` around the selection (or a placeholder word, selected for typing over)."""
        cursor = self._trimmed_selection()
        typed_over = not cursor.hasSelection()
        selected = cursor.selectedText() or placeholder
        cursor.beginEditBlock()
        cursor.insertText(f"{marker}{selected}{marker}")
        cursor.endEditBlock()
        if typed_over:
            end = cursor.position() - len(marker)
            cursor.setPosition(end - len(selected))
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def bold(self) -> None:
        self.wrap_selection("**", self.tr("bold text"))

    def italic(self) -> None:
        self.wrap_selection("*", self.tr("italic text"))

    def _selected_blocks(self) -> tuple[QTextCursor, list[str]]:
        cursor = self.textCursor()
        start, end = sorted((cursor.anchor(), cursor.position()))
        cursor.setPosition(start)
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        return cursor, cursor.selectedText().split("\u2029")

    def prefix_lines(self, prefix: str, pattern: str) -> None:
        """Give each selected line ``prefix``, or take it away when every line has it already."""
        cursor, lines = self._selected_blocks()
        rule = re.compile(pattern)
        if all(rule.match(line) for line in lines if line.strip()):
            new = [rule.sub("", line, count=1) for line in lines]
        else:
            new = [prefix + rule.sub("", line, count=1) if line.strip() else line for line in lines]
        cursor.beginEditBlock()
        cursor.insertText("\n".join(new))
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def heading(self) -> None:
        self.prefix_lines("## ", r"^#{1,6}\s+")

    def quote(self) -> None:
        self.prefix_lines("> ", r"^>\s?")

    def bullet_list(self) -> None:
        self.prefix_lines("- ", r"^[-*+]\s+")

    def insert_link(self, url: str) -> None:
        """``[selection](url)``; spaces around the selection stay outside the brackets."""
        cursor = self._trimmed_selection()
        label = cursor.selectedText() or self.tr("link text")
        cursor.insertText(f"[{label}]({url})")
        self.setTextCursor(cursor)

    def insert_image(self, name: str, alt: str, caption: str = "", credit: str = "") -> None:
        """Insert ``![alt](media/NAME "caption | credit")`` on a line of its own."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        if cursor.positionInBlock() > 0:
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            cursor.insertText("\n\n")
        cursor.insertText(picture_markdown(f"media/{name}", PictureWords(alt, caption, credit)) + "\n")
        cursor.endEditBlock()
        self.setTextCursor(cursor)
