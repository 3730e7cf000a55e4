"""Pasting into the article: web HTML becomes markdown in the body, one clean line in headline and summary."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QTextCursor, QValidator
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

import digest_desk.convert as convert  # its converters load on first use
from digest_desk.ui.tasks import Job, run_in_background

HTML_PASTE_SYNC = 30_000  # characters of HTML converted at once (~50 ms); more goes to a worker
HTML_PASTE_MAX = 1_000_000  # above this the plain text is pasted (converting takes ~2 s per MB)
_SOURCE_FORMATS = ("text/x-moz-url-priv", "chromium/x-source-url")  # the page it was copied from
_LINE_BREAKS = re.compile(r"\s*[\n\r\t\v\f\u2028\u2029\x85]+\s*")


def _source_url(mime: QMimeData) -> str | None:
    for fmt in _SOURCE_FORMATS:
        data = bytes(mime.data(fmt))
        if data:
            text = data.decode("utf-16" if b"\x00" in data else "utf-8", "replace")
            first = text.strip("\ufeff\x00").splitlines()
            return first[0].strip() if first else None
    return None


def plain_text(mime: QMimeData) -> str:
    """The clipboard's plain text, or the words of its HTML when it has no text."""
    if mime.hasText() and mime.text():
        return mime.text()
    return convert.html_to_text(mime.html()) if mime.hasHtml() else ""


def wants_conversion(mime: QMimeData) -> bool:
    """HTML from a web page or word processor; not Qt's own rich text (copied from a plain
    editor such as our body, whose text is the markdown already)."""
    return mime.hasHtml() and 'name="qrichtext"' not in mime.html()[:2000]


class HtmlPaste(QObject):
    """Pastes a clipboard into the body: converted HTML, or plain text; one undo step each."""

    message = Signal(str)  # a plain sentence for the status bar

    def __init__(self, editor: QPlainTextEdit, prepare: Callable[[str], str] = str) -> None:
        super().__init__(editor)
        self._editor = editor
        self._prepare = prepare  # e.g. soft breaks in giant lines
        self._job: Job | None = None
        self._changed_meanwhile = False
        editor.document().contentsChanged.connect(self._contents_changed)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def paste(self, mime: QMimeData) -> bool:
        """Handle ``mime`` when it holds HTML to convert; False leaves it to the plain paste."""
        if self.busy:
            self.message.emit(self.tr("Still converting the previous paste…"))
            return True
        if not wants_conversion(mime):
            return False
        html, text = mime.html(), mime.text() if mime.hasText() else ""
        if len(html) > HTML_PASTE_MAX:
            self.insert(text or convert.html_to_text(html))
            self.message.emit(self.tr("The pasted web page is too large to convert (%1 MB): it "
                                      "was pasted as plain text.").replace(
                                          "%1", f"{len(html) / 1_000_000:.1f}"))
        elif len(html) > HTML_PASTE_SYNC:
            self._convert_in_background(html, text, _source_url(mime))
        else:
            self._insert_converted(self._convert(html, text, _source_url(mime)), text)
        return True

    def _convert(self, html: str, text: str, base: str | None) -> str | None:
        try:
            return convert.html_to_markdown(html, base)
        except Exception:  # noqa: BLE001  a converter bug must not lose the paste
            return None

    def _insert_converted(self, markdown: str | None, text: str) -> None:
        if markdown is None:
            self.message.emit(self.tr("The pasted HTML could not be converted: it was pasted "
                                      "as plain text."))
        self.insert(markdown or text)

    def _convert_in_background(self, html: str, text: str, base: str | None) -> None:
        self._changed_meanwhile = False
        self._editor.setReadOnly(True)  # the cursor stays where the paste goes
        self.message.emit(self.tr("Converting the pasted web page…"))
        self._job = run_in_background(
            self._convert, html, text, base, owner=self,
            on_done=lambda md: self._finished(md, text),
            on_error=lambda _exc: self._finished(None, text))

    def _finished(self, markdown: str | None, text: str) -> None:
        self._job = None
        self._editor.setReadOnly(False)
        if self._changed_meanwhile:  # another article was opened: the paste is not for it
            self.message.emit(self.tr("The paste was dropped: the text changed while it was "
                                      "converted. Paste again."))
            return
        self._insert_converted(markdown, text)
        if markdown is not None:
            self.message.emit(self.tr("Pasted web page converted to markdown."))

    def _contents_changed(self) -> None:
        if self._job is not None:
            self._changed_meanwhile = True

    def insert(self, text: str) -> None:
        """Insert ``text`` at the cursor as one undo step."""
        cursor = self._editor.textCursor()
        cursor.beginEditBlock()
        cursor.insertText(self._prepare(text))
        cursor.endEditBlock()
        self._editor.setTextCursor(cursor)
        self._editor.ensureCursorVisible()


class OneLineValidator(QValidator):
    """Keeps a line edit's text on one line: pasted or dropped line breaks and tabs fold into
    one space (none at the ends); typing is untouched."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if not _LINE_BREAKS.search(text):
            return QValidator.State.Acceptable, text, pos
        head = _LINE_BREAKS.sub(" ", text[:pos]).lstrip()
        tail = _LINE_BREAKS.sub(" ", text[pos:])
        folded = _LINE_BREAKS.sub(" ", head + tail).strip()
        return QValidator.State.Acceptable, folded, min(len(head), len(folded))


class OneLinePaste(QObject):
    """Ctrl+V in a one-line field pastes the clipboard's words on one line, HTML-only ones too."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and isinstance(watched, QLineEdit) and event.matches(QKeySequence.StandardKey.Paste)):
            paste_plain(watched)
            return True
        return super().eventFilter(watched, event)


def keep_one_line(*edits: QLineEdit) -> None:
    """Make each field fold pasted text onto one clean line."""
    for edit in edits:
        edit.setValidator(OneLineValidator(edit))
        edit.installEventFilter(OneLinePaste(edit))


def paste_plain(widget: QWidget | None) -> None:
    """Paste the clipboard's plain text into ``widget`` (Edit > Paste as Plain Text)."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None or widget is None:
        return
    text = plain_text(mime)
    if isinstance(widget, QLineEdit) or getattr(widget, "folds_to_one_line", False):
        if not widget.isReadOnly() and text:
            widget.insert(convert.one_line(text))
    elif isinstance(widget, QPlainTextEdit) and not widget.isReadOnly():
        paster = widget.findChild(HtmlPaste)
        if paster is not None:
            paster.insert(text)
        else:
            cursor: QTextCursor = widget.textCursor()
            cursor.insertText(text)
