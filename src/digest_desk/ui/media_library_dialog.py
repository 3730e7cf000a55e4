"""The media library: every stored picture with a thumbnail, its size and where it is used;
replace a picture's bytes or remove one no article uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHeaderView,
    QMessageBox,
    QTableWidgetItem,
    QWidget,
)

from digest_desk.domain import Image
from digest_desk.store import Store, StoreError
from digest_desk.store.picture_library import (
    LibraryPicture,
    PictureUse,
    library,
    remove_unused_image,
    replace_image,
    thumbnails,
)
from digest_desk.ui import icons
from digest_desk.ui.forms.ui_media_library_dialog import Ui_MediaLibraryDialog
from digest_desk.ui.server_wait import ServerWaits, Unanswered, Unreachable
from digest_desk.ui.tasks import run_detached, run_in_background

_T = TypeVar("_T")
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp *.avif)"
COLUMNS = ("Picture", "Size", "Used in")


def _bytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB" if size else ""


def _replaced(store: Store, name: str, path: Path) -> tuple[Image, list[LibraryPicture]]:
    """Worker side: new bytes for a picture, and the library as it is then."""
    image = replace_image(store, name, path)
    return image, library(store)


def _removed(store: Store, name: str) -> list[LibraryPicture]:
    """Worker side: an unused picture removed, and the library as it is then."""
    remove_unused_image(store, name)
    return library(store)


class MediaLibraryDialog(QDialog):
    """Lists the library; ``media_changed`` fires after a picture was replaced or removed."""

    media_changed = Signal()
    thumbnails_shown = Signal()  # every preview the background made is in the table
    message = Signal(str, int)  # for the window's status bar (the dialog may be closed by then)

    def __init__(self, store: Store, waits: ServerWaits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_MediaLibraryDialog()
        self.ui.setupUi(self)
        self.setObjectName("media-library-dialog")
        self.store = store
        self._waits = waits  # the window's: a team server is written on a thread of its own
        self.pictures: list[LibraryPicture] = []
        table = self.ui.table
        table.setColumnCount(len(COLUMNS))
        table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setDefaultSectionSize(80)
        self.ui.replaceButton.setIcon(icons.get("image"))
        self.ui.replaceButton.setToolTip(self.tr("New bytes for this picture from a file, under the same name"))
        self.ui.removeButton.setIcon(icons.get("delete"))
        self.ui.removeButton.setToolTip(self.tr("Remove this picture (only when no article uses it)"))
        self.ui.replaceButton.clicked.connect(self.choose_replacement)
        self.ui.removeButton.clicked.connect(lambda: self.remove_selected(confirm=True))
        self.ui.buttons.rejected.connect(self.reject)
        table.itemSelectionChanged.connect(self._selection_changed)
        self.reload()

    # -- the table ------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the library on a thread of its own: on a team server that stopped answering the
        dialog opens at once and fills when the server answers."""
        self.ui.summaryLabel.setText(self.tr("Reading the media library…"))
        self._selection_changed()
        run_detached(library, self.store, owner=self, on_done=self._show, on_error=self._unreadable,
                     thread_name="digest-desk-media-library")

    def _unreadable(self, exc: BaseException) -> None:
        self.say(str(exc) if isinstance(exc, StoreError)
                 else self.tr("The media library could not be read: %1").replace("%1", str(exc)))
        self._show([])

    def _show(self, pictures: list[LibraryPicture]) -> None:
        self.pictures = pictures
        table = self.ui.table
        table.setRowCount(len(self.pictures))
        for row, picture in enumerate(self.pictures):
            self._fill_row(row, picture)
        unused = sum(1 for p in self.pictures if not p.uses)
        count = (self.tr("1 picture") if len(self.pictures) == 1 else self.tr("%1 pictures")
                 .replace("%1", str(len(self.pictures))))
        self.ui.summaryLabel.setText(
            self.tr("%1, %2 not used by any article.").replace("%1", count).replace("%2", str(unused)))
        if self.pictures:
            table.selectRow(0)
        self._selection_changed()
        names = [p.name for p in self.pictures if not p.url]
        run_in_background(thumbnails, self.store, names, owner=self, on_done=self._show_thumbnails,
                          on_progress=self._show_thumbnail)

    def _fill_row(self, row: int, picture: LibraryPicture) -> None:
        name = QTableWidgetItem(picture.name)
        name.setData(Qt.ItemDataRole.UserRole, picture.name)
        if picture.url:
            name.setToolTip(self.tr("Kept on another server: %1").replace("%1", picture.url))
        size = QTableWidgetItem(f"{picture.width}×{picture.height}\n{_bytes(picture.size)}".strip())
        uses = QTableWidgetItem("\n".join(self._use_text(u) for u in picture.uses)
                                or self.tr("not used"))
        for column, item in enumerate((name, size, uses)):
            self.ui.table.setItem(row, column, item)

    def _use_text(self, use: PictureUse) -> str:
        where = [self.tr("featured")] if use.featured else []
        where += [self.tr("in body")] if use.in_body else []
        return f"{use.title or use.slug} ({', '.join(where)})"

    def _show_thumbnail(self, made: tuple[str, bytes]) -> None:
        name, png = made
        row = next((i for i, p in enumerate(self.pictures) if p.name == name), None)
        pixmap = QPixmap()
        if row is not None and pixmap.loadFromData(png):
            self.ui.table.item(row, 0).setIcon(QIcon(pixmap))

    def _show_thumbnails(self, _made: dict[str, bytes]) -> None:
        self.thumbnails_shown.emit()

    def selected(self) -> LibraryPicture | None:
        rows = self.ui.table.selectionModel().selectedRows() if self.ui.table.selectionModel() else []
        return self.pictures[rows[0].row()] if rows and rows[0].row() < len(self.pictures) else None

    def select(self, name: str) -> None:
        for row, picture in enumerate(self.pictures):
            if picture.name == name:
                self.ui.table.selectRow(row)

    def _selection_changed(self) -> None:
        picture = self.selected()
        self.ui.replaceButton.setEnabled(picture is not None and not picture.url)
        self.ui.removeButton.setEnabled(picture is not None)

    def say(self, message: str) -> None:
        self.ui.messageLabel.setText(message)

    # -- replace and remove ---------------------------------------------------------------
    def choose_replacement(self) -> None:
        picture = self.selected()
        if picture is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Replace %1").replace("%1", picture.name), "", self.tr(IMAGE_FILTER))
        if path:
            self.replace_from(Path(path))

    def replace_from(self, path: Path) -> bool:
        """New bytes for the selected picture; a plain message (nothing changed) when refused."""
        picture = self.selected()
        if picture is None:
            return False
        note = self.tr("The team server is not answering; the picture is replaced when it does.")
        try:
            written = self._write(note, _replaced, picture.name, path)
        except (StoreError, OSError) as exc:
            self.say(self.tr("Not replaced: ") + str(exc))
            return False
        if written is None:
            return False
        image, pictures = written
        self._show(pictures)
        self.select(image.name)
        self.say(self.tr("%1 replaced (%2×%3); every article showing it shows the new picture.")
                 .replace("%1", image.name).replace("%2", str(image.width)).replace("%3", str(image.height)))
        self.media_changed.emit()
        return True

    def remove_selected(self, *, confirm: bool = True) -> bool:
        """Remove the selected picture when no article uses it; else say which articles do."""
        picture = self.selected()
        if picture is None:
            return False
        if confirm and not picture.uses:
            answer = QMessageBox.question(
                self, self.tr("Remove Picture"),
                self.tr("Remove “%1” from the media library? This cannot be undone.").replace("%1", picture.name))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        note = self.tr("The team server is not answering; the picture is removed when it does.")
        try:
            pictures = self._write(note, _removed, picture.name)
        except StoreError as exc:
            self.say(str(exc))
            return False
        if pictures is None:
            return False
        self._show(pictures)
        self.say(self.tr("%1 removed.").replace("%1", picture.name))
        self.media_changed.emit()
        return True

    def _write(self, note: str, fn: Callable[..., _T], *args: Any) -> _T | None:
        """``fn(store, *args)`` (a change and the library read after it): on a team server on a
        thread of its own while the window goes on. None when it did not come back, said here
        (or in the window's status bar when the dialog was closed meanwhile); a refusal raises."""
        if busy := self._waits.busy():
            self.say(busy)
            return None
        for button in (self.ui.replaceButton, self.ui.removeButton):
            button.setEnabled(False)
        self.say(self.tr("Writing to the media library…"))
        try:
            return self._waits.store_call(self.store, note, fn, self.store, *args, give_up=self.rejected)
        except Unanswered:  # closed while waiting (or the window closes): it may still land
            if not self._waits.cancelled:
                self.message.emit(self.tr("The media library was closed before the team server "
                                          "answered: the picture may or may not have been changed."),
                                  15000)
                self.media_changed.emit()  # the previews read the pictures again
            return None
        except Unreachable:
            self.say(self.tr("The team server could not be reached: the picture may or may not "
                             "have been changed. The library is read again to show which."))
            self.media_changed.emit()
            self.reload()
            return None
        finally:
            self._selection_changed()
