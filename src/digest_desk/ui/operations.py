"""What the Article, File and Export menus do: new, duplicate, delete, images, site, revisions, export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QUndoStack
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from digest_desk.domain import EDITABLE_FIELDS, Image, Site, Status
from digest_desk.store import Store, StoreError
from digest_desk.store.articles import create_article, revisions
from digest_desk.store.media import add_image
from digest_desk.ui.autosave import Autosaver
from digest_desk.ui.commands import DeleteArticleCommand, RestoreRevisionCommand, pause_editing
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.pictures import PictureActions
from digest_desk.ui.revisions_dialog import RevisionsDialog
from digest_desk.ui.server_wait import ServerWaits, Unanswered
from digest_desk.ui.site_dialog import SiteDialog

if TYPE_CHECKING:
    from digest_desk.ui.export_dialog import ExportDialog

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp)"
# What a duplicate copies besides the links (it gets its own title, slug, status and date).
DUPLICATED = tuple(n for n in EDITABLE_FIELDS if n not in ("title", "slug", "status", "published_at"))


class ArticleOperations(QObject):
    """The window's commands that create, remove or leave the open article; the window reacts to
    what they announce."""

    article_created = Signal(int)  # a new article (new, duplicate) is stored: show it
    article_deleted = Signal(int)  # the open article was deleted (or its restore undone)
    article_restored = Signal(int)  # a deletion was undone: the article is back under this id
    media_added = Signal()  # a picture was stored
    site_changed = Signal(object)  # the site profile was edited: the new Site
    message = Signal(str, int)  # for the status bar: a team server that is not answering yet
    reread_wanted = Signal()  # a write's outcome is not known: read the list again to show it

    def __init__(self, store: Store, editor: ArticleEditor, autosaver: Autosaver,
                 library_stack: QUndoStack, settings: QSettings, site: Site,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.store, self.editor, self.autosaver = store, editor, autosaver
        self.library_stack, self.settings, self.site = library_stack, settings, site
        self._parent = parent
        self._export: ExportDialog | None = None  # the last export dialog (its export may still be ending)
        # A team server is asked on a thread of its own while the window goes on (ServerWaits);
        # the library's undo steps (a delete, a batch) and the media library's changes wait
        # through the same, one at a time.
        self.waits = ServerWaits(lambda note: self.message.emit(note, 0), self)
        self.pictures = PictureActions(store, editor, self.waits, parent)  # picture words, media library
        self.pictures.message.connect(self.message)

    def _error(self, message: str) -> None:
        QMessageBox.warning(self._parent, self.tr("Digest Desk"), message)

    def _ask(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` on the store, never holding the window on a team server."""
        note = self.tr("The team server is not answering; this is done when it does.")
        return self.waits.store_call(self.store, note, fn, *args, **kwargs)

    def say(self, text: str) -> None:
        """A library step's outcome for the status bar (StepHost)."""
        self.message.emit(text, 10000)

    def reread(self) -> None:
        self.reread_wanted.emit()

    def pause(self, ids: list[int]) -> Callable[[], None]:
        return pause_editing(self.editor, ids)

    @property
    def waiting(self) -> bool:
        """An action waits for the team server (another one is not started meanwhile)."""
        return self.waits.waiting

    def give_up(self) -> None:
        """The window closes: actions waiting for a silent server stop waiting."""
        self.waits.cancel_all()

    def _leave(self) -> bool:
        """Save the open article before another is shown; False when that failed."""
        return self.editor.article is None or self.autosaver.end_session()

    # -- articles -------------------------------------------------------------------------
    def new_article(self) -> None:
        if self.waiting or not self._leave():
            return
        try:
            article = self._ask(create_article, self.store, title="", status=Status.DRAFT)
        except Unanswered:
            return
        except StoreError as exc:
            self._error(str(exc))
            return
        self.article_created.emit(article.id)
        self.editor.focus_title()

    def duplicate_article(self) -> None:
        if self.editor.article is None or self.waiting or not self._leave():
            return
        src = self.editor.edited_copy()
        fields = {k: getattr(src, k) for k in DUPLICATED}
        links = [link.snapshot() for link in src.links]
        try:
            copy = self._ask(create_article, self.store,
                             title=self.tr("%1 (copy)").replace("%1", src.title),
                             links=links or None, reason="duplicated", **fields)
        except Unanswered:
            return
        except StoreError as exc:
            self._error(str(exc))
            return
        self.article_created.emit(copy.id)

    def delete_article(self, *, confirm: bool = True) -> None:
        article = self.editor.article
        if article is None:
            return
        title = self.editor.value("title") or self.tr("Untitled")
        if confirm:
            answer = QMessageBox.question(
                self._parent, self.tr("Delete Article"),
                self.tr("Delete “%1”? You can bring it back with Edit ▸ Undo.").replace("%1", title))
            if answer != QMessageBox.StandardButton.Yes:
                return
        if self.waiting or not self._leave():
            return
        command = DeleteArticleCommand(self.store, self, article.id, title, self._after_delete)
        if command.write(redo=True):  # off the UI thread on a team server, then pushed
            self.library_stack.push(command)

    def _after_delete(self, article_id: int, exists: bool) -> None:
        (self.article_restored if exists else self.article_deleted).emit(article_id)

    # -- pictures and links ---------------------------------------------------------------
    def add_image(self, path: str | Path) -> Image | None:
        """Store a picture from a file; None (with a message) when it cannot be used."""
        if self.waiting:
            return None
        try:
            image = self._ask(add_image, self.store, Path(path))
        except Unanswered:
            return None
        except (StoreError, OSError, ValueError) as exc:
            self._error(self.tr("Cannot use this picture: ") + str(exc))
            return None
        self.media_added.emit()
        return image

    def insert_body_image(self, path: str | Path) -> bool:
        """Store a picture and insert it with the words the picture dialog asks for."""
        image = self.add_image(path)
        return image is not None and self.pictures.insert_body_picture(image)

    def choose_body_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._parent, self.tr("Insert Picture"), "", self.tr(IMAGE_FILTER))
        if path:
            self.insert_body_image(path)

    def set_featured_image(self, path: str | Path) -> bool:
        image = self.add_image(path)
        return image is not None and self.pictures.feature(image)

    def choose_featured_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._parent, self.tr("Featured Picture"), "", self.tr(IMAGE_FILTER))
        if path:
            self.set_featured_image(path)

    def insert_link(self) -> None:
        url, ok = QInputDialog.getText(self._parent, self.tr("Insert Link"), self.tr("Address:"), text="https://")
        if ok and url.strip():
            self.editor.insert_link(url.strip())

    def open_in_browser(self) -> None:
        article = self.editor.article
        if article is None:
            return
        try:
            from digest_desk.render import standard_url
            url = standard_url(self.editor.edited_copy(), self.site)
        except ImportError:
            url = self.site.base_url.rstrip("/") + f"/{article.slug}/"
        QDesktopServices.openUrl(QUrl(url))

    # -- site and revisions ---------------------------------------------------------------
    def edit_site(self) -> None:
        dialog = SiteDialog(self.store, self.site, self._parent)
        if dialog.exec():
            self.set_site(dialog.site)

    def set_site(self, site: Site) -> None:
        self.site = site
        self.site_changed.emit(site)

    def show_revisions(self) -> None:
        if self.editor.article is None or self.waiting or not self.autosaver.flush():
            return
        try:
            history = self._ask(revisions, self.store, self.editor.article.id)
        except Unanswered:
            return
        except StoreError as exc:
            self._error(str(exc))
            return
        if self.editor.article is None:
            return  # closed while the server was asked
        dialog = RevisionsDialog(history, self.editor.snapshot(), self._parent)
        dialog.restore_requested.connect(self.restore_revision)
        dialog.exec()

    def restore_revision(self, data: dict, version: int) -> None:
        editor = self.editor
        if editor.article is None or editor.stack is None:
            return
        editor.stack.push(RestoreRevisionCommand(editor, editor.snapshot(), data, version))

    # -- export ---------------------------------------------------------------------------
    def export(self, only_this: bool) -> None:
        """The export dialog (background export with progress and cancel), saved edits first."""
        self.export_dialog(only_this).exec()

    def export_dialog(self, only_this: bool) -> ExportDialog:
        if self._export is not None and self._export.running():  # closed, still ending: shown again
            self._export.shown_again()
            return self._export
        self.autosaver.flush()
        slug = self.editor.article.slug if self.editor.article is not None else None
        from digest_desk.ui.export_dialog import ExportDialog  # the export code loads when used

        if self._export is not None:  # the last one is done with: it goes instead of piling up
            self._export.deleteLater()
        dialog = ExportDialog(self.store, self._parent, article_slug=slug, settings=self.settings)
        if only_this and slug:
            dialog.article_radio.setChecked(True)
        dialog.message.connect(self.message)  # how an export ended after its dialog was closed
        self._export = dialog
        return dialog

    def finish_export(self, seconds: float) -> bool:
        """The window closes: a running export is cancelled and waited for ``seconds`` at most
        (see ExportDialog.finish); False when it was still going."""
        return self._export is None or self._export.finish(seconds)
