"""File > Connect to Team Server…: the server's address, its password asked once per session."""

from __future__ import annotations

import getpass
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLineEdit,
    QListWidgetItem,
    QWidget,
)

from digest_desk.store import Store, StoreError, open_store
from digest_desk.store.engine import (
    DEFAULT_PORT,
    TLS_MODES,
    server_address,
    server_fields,
    server_label,
    server_message,
)
from digest_desk.store.errors import PasswordNeededError
from digest_desk.ui.forms.ui_connect_dialog import Ui_ConnectDialog

Opener = Callable[[str], Store | None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ConnectDialog", text)


class PasswordMemory:
    """Passwords the editor typed in this process, by server and user. Memory only: they are
    never written to settings, logs, messages or URLs, and end with the process."""

    _shared: PasswordMemory | None = None

    def __init__(self) -> None:
        self._by_server: dict[str, str] = {}

    @classmethod
    def shared(cls) -> PasswordMemory:
        """The process's one memory (made on first use)."""
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def get(self, url: str) -> str | None:
        return self._by_server.get(server_label(url))

    def keep(self, url: str, password: str) -> None:
        self._by_server[server_label(url)] = password

    def forget(self, url: str) -> None:
        self._by_server.pop(server_label(url), None)


def ask_password(parent: QWidget | None, url: str, note: str = "") -> str | None:
    """The password for ``url``'s user, typed hidden; None when the editor cancels."""
    dialog = QInputDialog(parent, objectName="password-dialog")
    dialog.setWindowTitle(dialog.tr("Team Server Password"))
    text = dialog.tr("Password for %1:").replace("%1", server_label(url))
    dialog.setLabelText(f"{note}\n\n{text}" if note else text)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def open_server_asking(url: str, parent: QWidget | None,
                       memory: PasswordMemory | None = None) -> Store | None:
    """Open a team server, asking for the password only when libpq found none (~/.pgpass, a
    service file, PGPASSWORD) and this session has none yet; a refused one is asked again.

    Returns None when the editor cancels; raises StoreError with a plain message otherwise.
    """
    memory = memory or PasswordMemory.shared()
    password, note = memory.get(url), ""
    while True:
        try:
            store = open_store(url, password=password)
        except PasswordNeededError as exc:
            if password is not None:
                memory.forget(url)
                note = _tr("The server did not accept that password. Please try again.")
            elif exc.rejected:
                note = _tr("The password found for this server was not accepted.")
            password = ask_password(parent, url, note)
            if password is None:
                return None
            continue
        except StoreError:
            raise
        except Exception as exc:  # a driver error past the connection check: plain words only
            raise StoreError(server_message(exc, url, password)) from None
        if password:
            memory.keep(url, password)
        return store


class ConnectDialog(QDialog):
    """Host, port, database, user, TLS mode and the recent servers; OK connects, and only a
    working connection closes the dialog (a failure is said in it, and nothing changes)."""

    def __init__(self, recent: list[str], opener: Opener, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_ConnectDialog()
        self.ui.setupUi(self)
        self.setObjectName("connect-dialog")
        self._opener = opener
        self.store: Store | None = None
        self.url = ""
        ui = self.ui
        self.host_edit, self.port_spin, self.database_edit = ui.hostEdit, ui.portSpin, ui.databaseEdit
        self.user_edit, self.tls_combo, self.recent_list = ui.userEdit, ui.tlsCombo, ui.recentList
        self.error_label, self.buttons = ui.errorLabel, ui.buttons
        self._fill(recent)
        self._connect_signals()
        self._fields_changed()

    def _fill(self, recent: list[str]) -> None:
        self.port_spin.setValue(DEFAULT_PORT)
        self.user_edit.setText(getpass.getuser())
        for mode in TLS_MODES:
            self.tls_combo.addItem(mode, mode)
        self.tls_combo.setCurrentIndex(TLS_MODES.index("prefer"))
        for url in recent:
            item = QListWidgetItem(server_label(url))
            item.setData(Qt.ItemDataRole.UserRole, url)
            self.recent_list.addItem(item)
        self.ui.recentLabel.setVisible(bool(recent))
        self.recent_list.setVisible(bool(recent))
        self.error_label.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Connect"))

    def _connect_signals(self) -> None:
        self.recent_list.currentItemChanged.connect(self._recent_chosen)
        self.recent_list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for edit in (self.host_edit, self.database_edit, self.user_edit):
            edit.textChanged.connect(self._fields_changed)

    def _recent_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        try:
            fields = server_fields(item.data(Qt.ItemDataRole.UserRole))
        except StoreError:
            return
        self.host_edit.setText(str(fields["host"]))
        self.port_spin.setValue(int(fields["port"]))
        self.database_edit.setText(str(fields["database"]))
        self.user_edit.setText(str(fields["user"]))
        self.tls_combo.setCurrentIndex(max(0, self.tls_combo.findData(fields["tls"])))

    def _fields_changed(self) -> None:
        ready = all(e.text().strip() for e in (self.host_edit, self.database_edit, self.user_edit))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def address(self) -> str:
        """The URL the fields name (it never holds a password)."""
        return server_address(self.host_edit.text().strip(), self.port_spin.value(),
                              self.database_edit.text().strip(), self.user_edit.text().strip(),
                              self.tls_combo.currentData())

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def accept(self) -> None:
        if not self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            return
        url = self.address()
        self.show_error("")
        self.setCursor(Qt.CursorShape.BusyCursor)
        try:
            store = self._opener(url)
        except StoreError as exc:
            self.show_error(str(exc))
            return
        finally:
            self.unsetCursor()
        if store is None:  # the password was not given
            return
        self.store, self.url = store, url
        super().accept()
