"""The picture dialog: this article's alt text, caption and credit for one picture."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from digest_desk.render.picture_markdown import MAX_ALT, PictureWords, is_file_name
from digest_desk.ui.forms.ui_picture_dialog import Ui_PictureDialog

THUMB_W, THUMB_H = 200, 150


class PictureDialog(QDialog):
    """Asks for a picture's words in this article; ``words()`` is what the editor typed.

    The alt text is prefilled with the library's suggestion (the caller never passes the file
    name); hints say live what the checks will say about it.
    """

    def __init__(self, name: str, words: PictureWords, *,
                 size: tuple[int, int] | None = None, featured: bool = False,
                 reading: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_PictureDialog()
        self.ui.setupUi(self)
        self.setObjectName("picture-dialog")
        self.name = name
        self.setWindowTitle(self.tr("Featured Picture") if featured else self.tr("Picture"))
        if reading:  # the picture comes from the store on a thread of its own (show_picture)
            self.ui.nameLabel.setText(name)
            self.ui.thumbnail.setText(self.tr("Reading the picture…"))
        else:
            self.show_picture(None, size)
        self.ui.altEdit.setText(words.alt)
        self.ui.captionEdit.setText(words.caption)
        self.ui.creditEdit.setText(words.credit)
        self.ui.altEdit.setMaxLength(1000)
        self.ui.scopeNote.setText(self.tr(
            "These words belong to the picture in this article only; other articles that show "
            "the same picture keep their own."))
        self.ui.privacyNote.setText(self.tr(
            "Private details in the file (GPS location, camera owner and serial number, editing "
            "history) are removed when a picture is stored; colour and orientation are kept."))
        for label in (self.ui.scopeNote, self.ui.privacyNote):
            font = label.font()
            font.setItalic(True)
            label.setFont(font)
        self.ui.buttons.accepted.connect(self.accept)
        self.ui.buttons.rejected.connect(self.reject)
        self.ui.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Use These Words"))
        self.ui.altEdit.textChanged.connect(self._alt_changed)
        self._alt_changed(words.alt)
        self.ui.altEdit.setFocus()
        self.ui.altEdit.selectAll()

    def show_picture(self, preview: bytes | None, size: tuple[int, int] | None) -> None:
        facts = self.name if size is None else f"{self.name} · {size[0]}×{size[1]}"
        self.ui.nameLabel.setText(facts)
        pixmap = QPixmap()
        if preview and pixmap.loadFromData(preview):
            self.ui.thumbnail.setPixmap(pixmap.scaled(
                THUMB_W, THUMB_H, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.ui.thumbnail.setText(self.tr("No preview (the picture is kept on another server)"))

    def _alt_changed(self, text: str) -> None:
        alt = text.strip()
        if not alt:
            hint = self.tr("Say what the picture shows; without alt text the checks warn.")
        elif is_file_name(alt, self.name):
            hint = self.tr("This only repeats the file name; say what the picture shows.")
        elif len(alt) > MAX_ALT:
            hint = self.tr("%1 characters: screen readers cut after %2; move details to the caption.") \
                .replace("%1", str(len(alt))).replace("%2", str(MAX_ALT))
        else:
            hint = self.tr("%1 of %2 characters").replace("%1", str(len(alt))).replace("%2", str(MAX_ALT))
        self.ui.altHint.setText(hint)

    def hint(self) -> str:
        return self.ui.altHint.text()

    def words(self) -> PictureWords:
        return PictureWords(self.ui.altEdit.text().strip(), self.ui.captionEdit.text().strip(),
                            self.ui.creditEdit.text().strip())
