"""Edit > Preferences…: the editor's own settings (the display name other editors see)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from digest_desk.identity import clean_name, default_display_name
from digest_desk.ui import settings as keys


class PreferencesDialog(QDialog):
    """The display name (empty: the computer account's full name), kept in QSettings."""

    name_changed = Signal(str)  # the display name now in use

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="preferences-dialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.settings = settings
        self.name_edit = QLineEdit(keys.EDITOR_NAME.read(settings), objectName="display-name-edit")
        self.name_edit.setPlaceholderText(default_display_name())
        self.name_edit.setMaxLength(80)
        form = QFormLayout()
        form.addRow(self.tr("Your &name:"), self.name_edit)
        hint = QLabel(self.tr("Shown to other editors with your edit locks and in the revision "
                              "history. Leave it empty to use your computer account's name."),
                      wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def accept(self) -> None:
        keys.EDITOR_NAME.write(self.settings, clean_name(self.name_edit.text()))
        self.settings.sync()
        self.name_changed.emit(keys.display_name(self.settings))
        super().accept()
