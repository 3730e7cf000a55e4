"""Spell check as you type: red wavy underlines, suggestions, the site dictionary, readability.

Words are looked up on a worker thread (ui/tasks.py) and the answers cached per word; the
highlighter only reads the cache, so typing never waits on Hunspell, and blocks whose words were
still unknown are coloured again when the answers arrive.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QGuiApplication,
    QInputMethodEvent,
    QPalette,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QStatusBar,
    QTextEdit,
    QWidget,
)

from digest_desk.domain import Site
from digest_desk.prose.readability import Readability, readability
from digest_desk.prose.speller import Speller, dictionary_tag
from digest_desk.prose.words import spell_words
from digest_desk.store.dictionary import add_site_word, site_words
from digest_desk.store.engine import Store
from digest_desk.store.errors import StoreError
from digest_desk.ui.markdown_edit import LONG_LINE_CHARS, MarkdownEdit
from digest_desk.ui.server_wait import ServerWaits, Unanswered
from digest_desk.ui.tasks import LatestOnly

READABILITY_DEBOUNCE_MS = 500
# Above this many characters the body's words are marked after the colours, a slice of blocks
# per turn of the event loop (the visible ones first), so opening or pasting a long text costs
# what it cost without spelling, and no single turn holds the window for long.
LAZY_CHARS = 100_000
BLOCKS_PER_TURN = 40
SLICE_S = 0.004  # a turn marks blocks until this long has passed (at least one block)
MAX_SUGGESTIONS = 6
UNDERLINE = QColor("#d9304f")
LONG_SENTENCE_LIGHT = QColor(255, 214, 102, 70)
LONG_SENTENCE_DARK = QColor(255, 214, 102, 40)


def _check_words(tag: str, words: list[str], spellers: dict[str, Speller]) -> dict[str, bool]:
    """Worker side: each word's answer. The one-thread pool never runs this twice at once, so
    the worker's own speller (Hunspell is not thread-safe) is used by one thread at a time."""
    speller = spellers.get(tag)
    if speller is None:
        speller = spellers[tag] = Speller(tag)
    return speller.check_all(words)


class SpellService(QObject):
    """The site language's dictionary, the site dictionary and this session's ignored words."""

    answered = Signal()  # answers for queued words arrived
    words_changed = Signal(str)  # a word was added to the site dictionary or ignored
    dictionary_changed = Signal(frozenset)  # the site dictionary, after an addition
    notice = Signal(str)  # no dictionary for the language (once per language)
    failed = Signal(str)
    waiting = Signal(str)  # the team server is not answering an addition yet ("" when it did)

    def __init__(self, store: Store, language: str, parent: QObject | None = None, *,
                 start: bool = True) -> None:
        super().__init__(parent)
        self.store = store
        self.language = language
        self.site_words: set[str] = set(site_words(store))
        self.ignored: set[str] = set()
        self._cache: dict[str, bool] = {}
        self._pending: set[str] = set()
        self._asked: set[str] = set()
        self._worker = LatestOnly(self)
        self._worker_spellers: dict[str, Speller] = {}
        self._waits = ServerWaits(self.waiting.emit, self)  # additions on a team server
        self._flush = QTimer(self, singleShot=True, interval=0)
        self._flush.timeout.connect(self._submit)
        self._noticed: set[str] = set()
        self.notice_text = ""  # why spelling is off, or ""
        self.tag: str | None = None
        self.speller: Speller | None = None  # the UI thread's own, for suggestions
        self.started = False  # no dictionary is opened before start(): every word passes
        if start:
            self.start()

    def start(self) -> None:
        """Open the dictionary of the language given (the first call only)."""
        if not self.started:
            self.set_language(self.language)

    @property
    def available(self) -> bool:
        return self.speller is not None

    def set_language(self, language: str) -> None:
        self.started, self.language = True, language
        tag = dictionary_tag(language)
        if tag == self.tag and (tag or language in self._noticed):
            return
        self.tag, self._cache = tag, {}
        self._pending.clear()
        self.speller = Speller(tag) if tag else None
        self.notice_text = "" if tag else self.tr(
            "No spelling dictionary for the site language “%1”: spelling is not checked. "
            "Install a Hunspell dictionary (e.g. hunspell-en-us) to switch it on.").replace("%1", language)
        if tag is None and language not in self._noticed:
            self._noticed.add(language)
            self.notice.emit(self.notice_text)
        self.answered.emit()

    def state(self, word: str) -> bool | None:
        """True spelled right (or accepted), False misspelled, None not known yet (asked)."""
        if self.tag is None or word in self.site_words or word in self.ignored:
            return True
        known = self._cache.get(word)
        if known is None and word not in self._pending:
            self._pending.add(word)
            if not self._flush.isActive():
                self._flush.start()
        return known

    def _submit(self) -> None:
        if not self._pending or self.tag is None:
            return
        words = sorted(self._pending)
        self._worker.submit(_check_words, self.tag, words, self._worker_spellers,
                            on_done=partial(self._arrived, self.tag))

    def _arrived(self, tag: str, answers: dict[str, bool]) -> None:
        if tag != self.tag:
            return
        self._cache.update(answers)
        self._pending.difference_update(answers)
        if self._pending:
            self._flush.start()
        self.answered.emit()

    @property
    def pending(self) -> bool:
        """Words wait for their answers."""
        return bool(self._pending)

    def wait(self, msecs: int = 5000) -> bool:
        """Block until queued lookups ran (tests, closing)."""
        return self._worker.wait(msecs)

    def suggestions(self, word: str) -> list[str]:
        return self.speller.suggest(word, MAX_SUGGESTIONS) if self.speller else []

    def add_to_dictionary(self, word: str) -> None:
        note = self.tr("The team server is not answering; the word is added when it does.")
        try:
            stored = self._waits.store_call(self.store, note, add_site_word, self.store, word)
        except Unanswered:
            return
        except StoreError as exc:
            self.failed.emit(str(exc))
            return
        self.site_words.add(stored)
        self.words_changed.emit(stored)
        self.dictionary_changed.emit(frozenset(self.site_words))

    def ignore(self, word: str) -> None:
        self.ignored.add(word)
        self.words_changed.emit(word)


def _merge(highlighter: QSyntaxHighlighter, start: int, end: int,
           change: Callable[[QTextCharFormat], None]) -> None:
    """Add to the formats already set on [start, end) of the block, run by run."""
    run = start
    while run < end:
        base = highlighter.format(run)
        stop = run + 1
        while stop < end and highlighter.format(stop) == base:
            stop += 1
        fmt = QTextCharFormat(base)
        change(fmt)
        highlighter.setFormat(run, stop - run, fmt)
        run = stop


def _underline(fmt: QTextCharFormat) -> None:
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
    fmt.setUnderlineColor(UNDERLINE)


class BodySpelling(QObject):
    """Underlines misspelled words and shades long sentences in the markdown body."""

    def __init__(self, body: MarkdownEdit, service: SpellService) -> None:
        super().__init__(body)
        self.body, self.service = body, service
        self._waiting: set[int] = set()  # blocks to mark again: words were unknown, or deferred
        self._marking = False  # inside our own recolouring: mark every block in full
        self._drain = QTimer(self, singleShot=True, interval=0)
        self._drain.timeout.connect(self._mark_slice)
        self._closed = False  # the window closed: nothing is coloured any more
        self._long: list[tuple[int, int]] = []  # long sentences, as body offsets
        dark = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
        self._shade = LONG_SENTENCE_DARK if dark else LONG_SENTENCE_LIGHT
        body.highlighter.decorate = self._decorate
        body.text_moved.connect(self._text_moved)
        service.answered.connect(self._answers_arrived)
        service.words_changed.connect(self._word_changed)

    def set_dark(self, dark: bool) -> None:
        self._shade = LONG_SENTENCE_DARK if dark else LONG_SENTENCE_LIGHT

    def _decorate(self, highlighter: QSyntaxHighlighter, text: str) -> None:
        block = highlighter.currentBlock()
        first, last = block.position(), block.position() + len(text)
        for start, end in self._long:
            if start < last and end > first:
                _merge(highlighter, max(start, first) - first, min(end, last) - first,
                       lambda fmt: fmt.setBackground(self._shade))
        if len(text) > LONG_LINE_CHARS:
            return
        if not self._marking and self.body.document().characterCount() > LAZY_CHARS:
            self._waiting.add(block.blockNumber())  # marked by _mark_slice, soon
            if not self._drain.isActive():
                self._drain.start()
            return
        service = self.service
        for start, end, word in spell_words(text):
            state = service.state(word)
            if state is False:
                _merge(highlighter, start, end, _underline)
            elif state is None:
                self._waiting.add(block.blockNumber())

    def close(self) -> None:
        """The window closes: stop colouring (a slice left for a later turn of the event loop
        would colour a closed window's document while it is taken down)."""
        self._closed = True
        self._drain.stop()
        self._waiting.clear()

    def recolour(self, blocks: Iterable[QTextBlock]) -> None:
        """Colour these blocks again. Not an edit: the document's signals are held, because a
        rehighlight emits textChanged and the editor would save, render and check again."""
        if self._closed or not self.body.highlighting:
            return
        document = self.body.document()
        held = document.blockSignals(True)
        self._marking = True
        try:
            for block in blocks:
                if block.isValid():
                    self.body.highlighter.rehighlightBlock(block)
        finally:
            self._marking = False
            document.blockSignals(held)
        self.body.viewport().update()

    @property
    def busy(self) -> bool:
        """Blocks still wait to be marked (tests, screenshots)."""
        return bool(self._waiting)

    def _answers_arrived(self) -> None:
        if self._waiting and not self._closed and not self._drain.isActive():
            self._drain.start()

    def _visible_blocks(self) -> range:
        viewport = self.body.viewport()
        top = self.body.cursorForPosition(QPoint(0, 0)).blockNumber()
        bottom = self.body.cursorForPosition(QPoint(viewport.width(), viewport.height())).blockNumber()
        return range(top, bottom + 1)

    def _mark_slice(self) -> None:
        """Mark the next slice of waiting blocks (at most SLICE_S of work), the visible ones first."""
        if self._closed or not self._waiting:
            return
        visible = self._visible_blocks()
        order = sorted(self._waiting, key=lambda n: (n not in visible, n))[:BLOCKS_PER_TURN]
        document = self.body.document()
        deadline = time.perf_counter() + SLICE_S
        chosen: list[int] = []

        def blocks() -> Iterator[QTextBlock]:
            for number in order:
                if chosen and time.perf_counter() > deadline:
                    return  # the rest in the next turn: no turn holds the window long
                chosen.append(number)
                self._waiting.discard(number)  # before: colouring may find it waits for words
                yield document.findBlockByNumber(number)

        self.recolour(blocks())
        if self._waiting and not self.service.pending:
            self._drain.start()

    def mark_all(self) -> None:
        """Mark every block again, a slice per turn of the event loop, the visible ones first."""
        if self._closed:
            return
        self._waiting.update(range(self.body.document().blockCount()))
        if not self._drain.isActive():
            self._drain.start()

    def _word_changed(self, word: str) -> None:
        self.recolour(block for block in self._blocks() if word in block.text())

    def _blocks(self) -> Iterator[QTextBlock]:
        block = self.body.document().firstBlock()
        while block.isValid():
            yield block
            block = block.next()

    def _text_moved(self, position: int, removed: int, added: int) -> None:
        """Typing moves the long sentences after the cursor: move their shades with the text
        (before the highlighter colours the edited block), so the next measurement finds them
        where they were and colours only the blocks whose long sentences really changed."""
        if self._long:
            self._long = shift_ranges(self._long, position, removed, added)

    def set_long_sentences(self, ranges: Iterable[tuple[int, int]]) -> None:
        """Shade these body ranges; blocks that gain or lose a shade are coloured again (in
        slices, as ``mark_all``)."""
        new = sorted(ranges)
        if new == self._long:
            return
        changed = set(new) ^ set(self._long)
        self._long = new
        document = self.body.document()
        for start, end in changed:  # coloured a slice per turn, the visible ones first
            block = document.findBlock(start)
            while block.isValid() and block.position() <= end:
                self._waiting.add(block.blockNumber())
                block = block.next()
        if self._waiting and not self._drain.isActive():
            self._drain.start()

    def word_at(self, pos: QPoint) -> tuple[int, int, str] | None:
        """The checkable word under a viewport point: (start, end) as document positions."""
        cursor = self.body.cursorForPosition(pos)
        block, column = cursor.block(), cursor.positionInBlock()
        for start, end, word in spell_words(block.text()):
            if start <= column <= end:
                return block.position() + start, block.position() + end, word
        return None

    def replace(self, start: int, end: int, text: str) -> None:
        cursor = QTextCursor(self.body.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text)  # one undoable edit


def shift_ranges(ranges: list[tuple[int, int]], position: int, removed: int,
                 added: int) -> list[tuple[int, int]]:
    """``ranges`` (sorted body offsets) after ``removed`` characters at ``position`` were
    replaced by ``added`` ones: those after the edit move, those inside it go, those around
    it stretch or shrink with it."""
    edit_end, delta = position + removed, added - removed
    out = []
    for start, end in ranges:
        if end <= position:
            out.append((start, end))
        elif start >= edit_end:
            out.append((start + delta, end + delta))
        elif start >= position and end <= edit_end:
            continue  # the whole sentence was replaced
        else:
            out.append((min(start, position), max(end + delta, position + added)))
    return out


def _marked(edit: QPlainTextEdit, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
    """An underline drawn over a span without touching the document (no edit, no undo step)."""
    selection = QTextEdit.ExtraSelection()
    cursor = QTextCursor(edit.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    selection.cursor, selection.format = cursor, fmt
    return selection


class LineSpelling(QObject):
    """Underlines misspelled words in a one-line field (headline, summary)."""

    def __init__(self, edit: QLineEdit | QPlainTextEdit, service: SpellService) -> None:
        super().__init__(edit)
        self.edit, self.service = edit, service
        self.misspelled: list[tuple[int, int, str]] = []
        edit.textChanged.connect(self.refresh)
        service.answered.connect(self.refresh)
        service.words_changed.connect(lambda _w: self.refresh())

    def refresh(self) -> None:
        spans = [(s, e, w) for s, e, w in spell_words(self.edit.text()) if self.service.state(w) is False]
        if spans == self.misspelled == []:
            return
        self.misspelled = spans
        self._show(spans)

    def _show(self, spans: list[tuple[int, int, str]]) -> None:
        """QLineEdit draws per-range formats only through an input-method event, whose ranges
        count from the cursor."""
        fmt = QTextCharFormat()
        _underline(fmt)
        if isinstance(self.edit, QPlainTextEdit):  # the wrapped headline: a document of its own
            self.edit.setExtraSelections([_marked(self.edit, start, end, fmt) for start, end, _w in spans])
            return
        cursor = self.edit.cursorPosition()
        attributes = [QInputMethodEvent.Attribute(QInputMethodEvent.AttributeType.TextFormat,
                                                  start - cursor, end - start, fmt)
                      for start, end, _word in spans]
        QApplication.sendEvent(self.edit, QInputMethodEvent("", attributes))

    def word_at(self, pos: QPoint) -> tuple[int, int, str] | None:
        column = self.edit.cursorPositionAt(pos)
        for start, end, word in spell_words(self.edit.text()):
            if start <= column <= end:
                return start, end, word
        return None

    def replace(self, start: int, end: int, text: str) -> None:
        self.edit.setSelection(start, end - start)
        self.edit.insert(text)
        if isinstance(self.edit, QLineEdit):  # insert() is no user edit there; the headline says so itself
            self.edit.textEdited.emit(self.edit.text())  # the editor records field edits from this


class SpellMenus(QObject):
    """Suggestions, "Add to Site Dictionary" and "Ignore" at the top of the fields' context menus."""

    def __init__(self, service: SpellService, parts: Iterable[BodySpelling | LineSpelling]) -> None:
        super().__init__(service)
        self.service = service
        for part in parts:
            widget = part.body if isinstance(part, BodySpelling) else part.edit
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            widget.customContextMenuRequested.connect(partial(self._show, part, widget))

    def menu_for(self, part: BodySpelling | LineSpelling, pos: QPoint) -> QMenu:
        """The context menu for a point of the field (built, not shown: tests press its actions)."""
        if isinstance(part, BodySpelling):
            menu = part.body.createStandardContextMenu(pos)
        else:
            menu = part.edit.createStandardContextMenu()
        found = part.word_at(pos)
        if found is None or self.service.state(found[2]) is not False:
            return menu
        start, end, word = found
        first = menu.actions()[0] if menu.actions() else None
        added: list[QAction] = []
        suggestions = self.service.suggestions(word)
        for suggestion in suggestions:
            action = QAction(suggestion, menu)
            font = QFont(action.font())
            font.setBold(True)
            action.setFont(font)
            action.triggered.connect(partial(part.replace, start, end, suggestion))
            added.append(action)
        if not suggestions:
            none = QAction(self.tr("No suggestions"), menu)
            none.setEnabled(False)
            added.append(none)
        add = QAction(self.tr("Add “%1” to Site Dictionary").replace("%1", word), menu)
        add.setObjectName("spell-add")
        add.triggered.connect(partial(self.service.add_to_dictionary, word))
        ignore = QAction(self.tr("Ignore “%1”").replace("%1", word), menu)
        ignore.setObjectName("spell-ignore")
        ignore.triggered.connect(partial(self.service.ignore, word))
        separator = QAction(menu)
        separator.setSeparator(True)
        menu.insertActions(first, [*added, add, ignore, separator])  # type: ignore[arg-type]
        return menu

    def _show(self, part: BodySpelling | LineSpelling, widget: QWidget, pos: QPoint) -> None:
        menu = self.menu_for(part, pos)
        target = part.body.viewport() if isinstance(part, BodySpelling) else widget
        menu.exec(target.mapToGlobal(pos))
        menu.deleteLater()


def readability_text(result: Readability, tr: Callable[[str], str]) -> tuple[str, str]:
    """The status bar's words ("Reading ease 62 · 2 long sentences") and its tooltip."""
    if result.reading_ease is None:
        return "", ""
    long = len(result.long_sentences)
    text = tr("Reading ease %1").replace("%1", f"{result.reading_ease:.0f}")
    if long:
        text += " · " + (tr("1 long sentence") if long == 1 else
                         tr("%1 long sentences").replace("%1", str(long)))
    tip = (tr("Flesch reading ease %1 (higher is easier), grade level %2, %3 words per sentence "
              "on average; sentences over %4 words are shaded in the text.")
           .replace("%1", f"{result.reading_ease:.0f}").replace("%2", f"{result.grade:.1f}")
           .replace("%3", f"{result.average_sentence:.1f}").replace("%4", str(result.long_limit)))
    return text, tip


class SpellingTools(QObject):
    """Everything above wired to the editor and the status bar, for the main window."""

    dictionary_changed = Signal(frozenset)
    message = Signal(str, int)

    def __init__(self, store: Store, site: Site, editor: Any, bar: QStatusBar,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.site, self.editor = site, editor
        self.service = SpellService(store, site.language or "en", self, start=False)
        self.body = BodySpelling(editor.body, self.service)
        self.fields = [LineSpelling(editor.title_edit, self.service),
                       LineSpelling(editor.summary_edit, self.service)]
        self.menus = SpellMenus(self.service, [self.body, *self.fields])
        self.label = QLabel(objectName="status-readability")
        self.label.setContentsMargins(8, 0, 8, 0)
        bar.addPermanentWidget(self.label)
        self.result: Readability | None = None
        self._worker = LatestOnly(self)
        self._timer = QTimer(self, singleShot=True, interval=READABILITY_DEBOUNCE_MS)
        self._timer.timeout.connect(self.measure_now)
        editor.body.textChanged.connect(self._timer.start)
        self.service.dictionary_changed.connect(self.dictionary_changed)
        self.service.failed.connect(lambda text: self.message.emit(text, 8000))
        self.service.waiting.connect(lambda text: self.message.emit(text, 0))
        self.service.notice.connect(self._no_dictionary)

    def shutdown(self) -> None:
        """The window closes: no more measuring or colouring."""
        self._timer.stop()
        self._worker.cancel()
        self.body.close()

    def start(self) -> None:
        """Open the dictionary and underline what the editor already shows (the window calls
        this after its first paint: loading Hunspell's dictionary takes a while)."""
        if self.service.started:
            return
        self.service.start()  # a missing dictionary is said through service.notice
        self._show_label()  # what it said before the dictionary opened no longer holds
        self.body.mark_all()

    def _no_dictionary(self, text: str) -> None:
        self._show_label()
        self.message.emit(text, 15000)

    def _show_label(self) -> None:
        text, tip = readability_text(self.result, self.tr) if self.result else ("", "")
        if self.service.started and not self.service.available:  # not opened yet is not off
            off = self.tr("Spelling off: no “%1” dictionary").replace("%1", self.site.language or "")
            text = f"{off} · {text}" if text else off
            tip = f"{self.service.notice_text}\n{tip}".strip()
        self.label.setText(text)
        self.label.setToolTip(tip)

    def site_changed(self, site: Site) -> None:
        self.site = site
        self.service.set_language(site.language or "en")
        self._show_label()
        self.body.mark_all()  # a slice per turn of the event loop, the visible blocks first
        self.measure_now()

    def set_dark(self, dark: bool) -> None:
        self.body.set_dark(dark)

    def measure_now(self) -> None:
        self._timer.stop()
        self._worker.submit(readability, self.editor.body_text(), self.site.language or "en",
                            self.site.long_sentence_words or 30, on_done=self._measured)

    def _measured(self, result: Readability) -> None:
        self.result = result
        self.body.set_long_sentences((s.start, s.end) for s in result.long_sentences)
        self._show_label()

    def wait(self, msecs: int = 5000) -> bool:
        return self._worker.wait(msecs) and self.service.wait(msecs)
