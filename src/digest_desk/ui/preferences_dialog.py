"""Edit > Preferences…: the editor's own settings (the display name other editors see)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QDialog, QWidget

from digest_desk.identity import clean_name, default_display_name
from digest_desk.ui import settings as keys
from digest_desk.ui.forms.ui_preferences_dialog import Ui_PreferencesDialog


class PreferencesDialog(QDialog):
    """The display name (empty: the computer account's full name), kept in QSettings."""

    name_changed = Signal(str)  # the display name now in use

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_PreferencesDialog()
        self.ui.setupUi(self)
        self.setObjectName("preferences-dialog")
        self.settings = settings
        self.name_edit = self.ui.nameEdit
        self.name_edit.setText(keys.EDITOR_NAME.read(settings))
        self.name_edit.setPlaceholderText(default_display_name())
        self.ui.buttons.accepted.connect(self.accept)
        self.ui.buttons.rejected.connect(self.reject)

    def accept(self) -> None:
        keys.EDITOR_NAME.write(self.settings, clean_name(self.name_edit.text()))
        self.settings.sync()
        self.name_changed.emit(keys.display_name(self.settings))
        super().accept()
