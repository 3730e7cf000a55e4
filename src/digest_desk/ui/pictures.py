"""Pictures in the open article: asking for their words on insert, editing them in place
(featured image row, body context menu), and opening the media library."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QContextMenuEvent, QTextCursor
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from digest_desk.domain import Image
from digest_desk.render.picture_markdown import (
    PictureSpan,
    PictureWords,
    picture_at,
    picture_markdown,
    suggested_alt,
)
from digest_desk.store import Store, StoreError
from digest_desk.store.media import get_image_bytes, media_map
from digest_desk.ui import icons
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.media_library_dialog import MediaLibraryDialog
from digest_desk.ui.picture_dialog import PictureDialog
from digest_desk.ui.server_wait import ServerWaits
from digest_desk.ui.tasks import run_detached


class PictureActions(QObject):
    """Opens the picture dialog for new and existing pictures of the open article."""

    media_changed = Signal()  # the library's pictures were replaced or removed
    dialog_opened = Signal(object)  # the PictureDialog about to run (tests and screenshots)
    message = Signal(str, int)  # for the status bar

    def __init__(self, store: Store, editor: ArticleEditor, waits: ServerWaits,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.store, self.editor, self._parent = store, editor, parent
        self._waits = waits  # the window's waits for a team server (the library's changes)
        self._menu_filter = _BodyPictureMenu(self)
        editor.body.viewport().installEventFilter(self._menu_filter)
        editor.image_words.clicked.connect(self.edit_featured)

    # -- the dialog -----------------------------------------------------------------------
    def ask(self, image: Image | None, name: str, words: PictureWords, *,
            featured: bool = False, media_name: str | None = None) -> PictureWords | None:
        """The words the editor settles on, or None when the dialog was cancelled. The dialog
        opens at once; the picture (``image``, or the library's ``media_name``) is read on a
        thread of its own and shows when the store answers (a silent team server never holds
        the window)."""
        size = (image.width, image.height) if image is not None else None
        wanted = media_name if image is None else (None if image.url else image.name)
        dialog = PictureDialog(name, words, size=size, featured=featured, reading=wanted is not None,
                               parent=self._parent)
        if wanted is not None:
            run_detached(_read_picture, self.store, wanted, size, owner=dialog,
                         thread_name="digest-desk-picture",
                         on_done=lambda found: dialog.show_picture(*found),
                         on_error=lambda _exc: dialog.show_picture(None, size))
        self.dialog_opened.emit(dialog)
        words = dialog.words() if dialog.exec() == QDialog.DialogCode.Accepted else None
        dialog.deleteLater()  # a picture the store sends after this is dropped
        return words

    @staticmethod
    def suggestion(image: Image) -> PictureWords:
        """What the library suggests for a new use: its alt text (never the file name) and
        credit; the caption is the story's own, so none is suggested."""
        return PictureWords(suggested_alt(image.alt, image.name), "", image.credit.strip())

    # -- new pictures ---------------------------------------------------------------------
    def insert_body_picture(self, image: Image) -> bool:
        words = self.ask(image, image.name, self.suggestion(image))
        if words is None:
            return False
        self.editor.insert_image(image.name, words.alt, words.caption, words.credit)
        return True

    def feature(self, image: Image) -> bool:
        words = self.ask(image, image.name, self.suggestion(image), featured=True)
        if words is None:
            return False
        self.editor.set_featured_image(image.id, words)
        return True

    # -- pictures already in the article --------------------------------------------------
    def edit_featured(self) -> bool:
        image = self.editor.featured_picture if self.editor.article is not None else None
        if image is None:
            return False
        words = self.ask(image, image.name, self.editor.featured_words(), featured=True)
        if words is None:
            return False
        self.editor.set_featured_words(words)
        return True

    def edit_body_picture(self, block_number: int, span: PictureSpan) -> bool:
        """Edit the words of the picture written at ``span`` of body line ``block_number``."""
        name = span.media_name or span.src
        words = self.ask(None, name, span.words, media_name=span.media_name or None)
        if words is None or not self.editor.editable:
            return False
        block = self.editor.body.document().findBlockByNumber(block_number)
        if not block.isValid() or picture_at(block.text(), span.start) != span:
            return False  # the text moved on while the dialog was open: nothing is overwritten
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + span.start)
        cursor.setPosition(block.position() + span.end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(picture_markdown(span.src, words))
        return True

    def picture_under(self, cursor: QTextCursor) -> PictureSpan | None:
        return picture_at(cursor.block().text(), cursor.positionInBlock())

    # -- the library ----------------------------------------------------------------------
    def open_library(self) -> None:
        self.library_dialog().exec()

    def library_dialog(self) -> MediaLibraryDialog:
        dialog = MediaLibraryDialog(self.store, self._waits, self._parent)
        dialog.media_changed.connect(self.media_changed)
        dialog.message.connect(self.message)
        return dialog


def _read_picture(store: Store, name: str,
                  size: tuple[int, int] | None) -> tuple[bytes | None, tuple[int, int] | None]:
    """Worker side: a library picture's bytes and size for the dialog (no bytes for one kept on
    another server or gone from the library). ``size``: already known, else read too."""
    if size is None:
        image = media_map(store).get(name)
        if image is None or image.url:
            return None, None if image is None else (image.width, image.height)
        size = (image.width, image.height)
    try:
        return get_image_bytes(store, name), size
    except StoreError:
        return None, size


class _BodyPictureMenu(QObject):
    """Adds "Edit Picture…" to the body's context menu when it opens over a picture's markdown;
    elsewhere the body's own menu opens untouched."""

    def __init__(self, actions: PictureActions) -> None:
        super().__init__(actions)
        self.actions = actions

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.ContextMenu or not isinstance(event, QContextMenuEvent):
            return False
        body = self.actions.editor.body
        cursor = body.cursorForPosition(event.pos())
        span = self.actions.picture_under(cursor)
        if span is None:
            return False
        menu = self.menu_for(cursor.blockNumber(), span)
        menu.exec(event.globalPos())
        menu.deleteLater()
        return True

    def menu_for(self, block_number: int, span: PictureSpan) -> QMenu:
        body = self.actions.editor.body
        menu = body.createStandardContextMenu()
        edit = menu.addAction(icons.get("picture-words"), self.tr("Edit Picture…"))
        edit.setObjectName("edit-picture")
        edit.setStatusTip(self.tr("Change this picture's alt text, caption and credit in this article"))
        edit.setEnabled(body.isReadOnly() is False)
        edit.triggered.connect(lambda: self.actions.edit_body_picture(block_number, span))
        first = menu.actions()[0]
        menu.insertAction(first, edit)
        menu.insertSeparator(first)
        return menu
