"""What the Article, File and Export menus do: new, duplicate, delete, images, site, revisions, export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from digest_desk.domain import Status
from digest_desk.store import StoreError
from digest_desk.store.articles import create_article, revisions
from digest_desk.ui.commands import DeleteArticleCommand, RestoreRevisionCommand
from digest_desk.ui.export_dialog import ExportDialog
from digest_desk.ui.revisions_dialog import RevisionsDialog
from digest_desk.ui.site_dialog import SiteDialog

if TYPE_CHECKING:
    from digest_desk.ui.main_window import MainWindow

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp)"


class ArticleOperations(QObject):
    """The window's commands that create, remove or leave the open article."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window

    def _error(self, message: str) -> None:
        QMessageBox.warning(self.w, self.tr("Digest Desk"), message)

    def _created(self, article_id: int) -> None:
        self.w.list_panel.model.reload()
        self.w.load_article(article_id)

    # -- articles -------------------------------------------------------------------------
    def new_article(self) -> None:
        if not self.w.leave_article():
            return
        try:
            article = create_article(self.w.store, title="", status=Status.DRAFT)
        except StoreError as exc:
            self._error(str(exc))
            return
        self._created(article.id)
        self.w.editor.title_edit.setFocus()

    def duplicate_article(self) -> None:
        if self.w.article is None or not self.w.leave_article():
            return
        src = self.w.editor.edited_copy()
        fields = {k: getattr(src, k) for k in ("summary", "body", "author", "category", "tags",
                                               "image_id", "image_alt")}
        links = [link.snapshot() for link in src.links]
        try:
            copy = create_article(self.w.store, title=self.tr("%1 (copy)").replace("%1", src.title),
                                  links=links or None, reason="duplicated", **fields)
        except StoreError as exc:
            self._error(str(exc))
            return
        self._created(copy.id)

    def delete_article(self, *, confirm: bool = True) -> None:
        article = self.w.article
        if article is None:
            return
        title = self.w.editor.value("title") or self.tr("Untitled")
        if confirm:
            answer = QMessageBox.question(
                self.w, self.tr("Delete Article"),
                self.tr("Delete “%1”? You can bring it back with Edit ▸ Undo.").replace("%1", title))
            if answer != QMessageBox.StandardButton.Yes:
                return
        if not self.w.leave_article():
            return
        self.w.stacks.pop(article.id, None)
        self.w.library_stack.push(DeleteArticleCommand(self.w.store, article.id, title, self._after_delete))

    def _after_delete(self, restored_id: int | None) -> None:
        self.w.list_panel.model.reload()
        if restored_id is None:
            self.w.close_article()
        else:
            if self.w.leave_article():
                self.w.load_article(restored_id)

    # -- pictures and links ---------------------------------------------------------------
    def add_image(self, path: str | Path):
        """Store a picture from a file; None (with a message) when it cannot be used."""
        from digest_desk.store.media import add_image

        try:
            image = add_image(self.w.store, Path(path))
        except (StoreError, OSError, ValueError) as exc:
            self._error(self.tr("Cannot use this picture: ") + str(exc))
            return None
        self.w.live.media_changed()
        return image

    def insert_body_image(self, path: str | Path) -> bool:
        image = self.add_image(path)
        if image is None:
            return False
        self.w.editor.body.insert_image(image.name, image.alt or Path(path).stem.replace("-", " "))
        return True

    def choose_body_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, self.tr("Insert Picture"), "", self.tr(IMAGE_FILTER))
        if path:
            self.insert_body_image(path)

    def set_featured_image(self, path: str | Path) -> bool:
        image = self.add_image(path)
        if image is None:
            return False
        self.w.editor.set_featured_image(image.id)
        return True

    def choose_featured_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, self.tr("Featured Picture"), "", self.tr(IMAGE_FILTER))
        if path:
            self.set_featured_image(path)

    def insert_link(self) -> None:
        url, ok = QInputDialog.getText(self.w, self.tr("Insert Link"), self.tr("Address:"), text="https://")
        if ok and url.strip():
            self.w.editor.body.insert_link(url.strip())

    def open_in_browser(self) -> None:
        article = self.w.article
        if article is None:
            return
        try:
            from digest_desk.render import standard_url
            url = standard_url(self.w.editor.edited_copy(), self.w.site)
        except ImportError:
            url = self.w.site.base_url.rstrip("/") + f"/{article.slug}/"
        QDesktopServices.openUrl(QUrl(url))

    # -- site and revisions ---------------------------------------------------------------
    def edit_site(self) -> None:
        dialog = SiteDialog(self.w.store, self.w.site, self.w)
        if dialog.exec():
            self.site_changed(dialog.site)

    def site_changed(self, site) -> None:
        self.w.site = site
        self.w.live.refresh_now()

    def show_revisions(self) -> None:
        if self.w.article is None or not self.w.autosaver.flush():
            return
        dialog = RevisionsDialog(revisions(self.w.store, self.w.article.id), self.w.editor.snapshot(), self.w)
        dialog.restore_requested.connect(self.restore_revision)
        dialog.exec()

    def restore_revision(self, data: dict, version: int) -> None:
        editor = self.w.editor
        if editor.article is None or editor.stack is None:
            return
        editor.stack.push(RestoreRevisionCommand(editor, editor.snapshot(), data, version))

    # -- export ---------------------------------------------------------------------------
    def export(self, only_this: bool) -> None:
        """The export dialog (background export with progress and cancel), saved edits first."""
        self.export_dialog(only_this).exec()

    def export_dialog(self, only_this: bool) -> ExportDialog:
        self.w.autosaver.flush()
        slug = self.w.article.slug if self.w.article is not None else None
        dialog = ExportDialog(self.w.store, self.w, article_slug=slug, settings=self.w.settings)
        if only_this and slug:
            dialog.article_radio.setChecked(True)
        return dialog
