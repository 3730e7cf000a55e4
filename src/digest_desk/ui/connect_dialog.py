"""File > Connect to Team Server…: the server's address, its password asked once per session."""

from __future__ import annotations

import getpass

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QProgressBar,
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
from digest_desk.ui.tasks import run_detached


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


def password_note(exc: PasswordNeededError, url: str, tried: str | None,
                  memory: PasswordMemory) -> str:
    """What the password prompt says first after the server asked for one (and forget a typed
    password it refused)."""
    if tried is not None:
        memory.forget(url)
        return _tr("The server did not accept that password. Please try again.")
    if exc.rejected:
        return _tr("The password found for this server was not accepted.")
    return ""


def open_server_asking(url: str, parent: QWidget | None,
                       memory: PasswordMemory | None = None) -> Store | None:
    """Open a team server, asking for the password only when libpq found none (~/.pgpass, a
    service file, PGPASSWORD) and this session has none yet; a refused one is asked again.

    Returns None when the editor cancels; raises StoreError with a plain message otherwise.
    """
    memory = memory or PasswordMemory.shared()
    password = memory.get(url)
    while True:
        try:
            store = open_store(url, password=password, interactive=True)
        except PasswordNeededError as exc:
            password = ask_password(parent, url, password_note(exc, url, password, memory))
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


class _Opening:
    """One try at opening a server, on a detached thread of its own (``tasks.run_detached``): a
    host that never answers holds only that thread (until libpq's connect timeout), never the
    window nor the exit. The outcome comes back on the UI thread; nobody waiting for it any more
    closes a store it made."""

    def __init__(self, dialog: ConnectDialog, url: str, password: str | None) -> None:
        self.dialog, self.url, self.password = dialog, url, password

    def start(self) -> None:
        # the store's own checks: connection, password, schema and migration status
        run_detached(open_store, self.url, password=self.password, interactive=True,
                     on_done=self._deliver, on_error=self._deliver,
                     thread_name="digest-desk-connect")

    def _deliver(self, result: object) -> None:
        dialog = self.dialog
        if shiboken6.isValid(dialog) and dialog.opening is self:
            dialog.opened(self, result)
        elif isinstance(result, Store):  # cancelled: the window stays where it was
            result.close()


class ConnectDialog(QDialog):
    """Host, port, database, user, TLS mode and the recent servers; Connect opens the server on
    a worker thread (the dialog says so and stays responsive; Cancel abandons it), and only a
    working connection closes the dialog (a failure is said in it, and nothing changes)."""

    def __init__(self, recent: list[str], parent: QWidget | None = None,
                 memory: PasswordMemory | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_ConnectDialog()
        self.ui.setupUi(self)
        self.setObjectName("connect-dialog")
        self._memory = memory or PasswordMemory.shared()
        self.opening: _Opening | None = None  # the connection under way
        self.store: Store | None = None
        self.url = ""
        ui = self.ui
        self.host_edit, self.port_spin, self.database_edit = ui.hostEdit, ui.portSpin, ui.databaseEdit
        self.user_edit, self.tls_combo, self.recent_list = ui.userEdit, ui.tlsCombo, ui.recentList
        self.error_label, self.buttons = ui.errorLabel, ui.buttons
        self._add_busy_row()
        self._fill(recent)
        self._connect_signals()
        self._fields_changed()

    def _add_busy_row(self) -> None:
        self.busy_row = QWidget(self, objectName="connect-busy")
        self.busy_label = QLabel(self.busy_row, objectName="connect-status")
        self.busy_label.setTextFormat(Qt.TextFormat.PlainText)
        self.busy_bar = QProgressBar(self.busy_row, objectName="connect-progress")
        self.busy_bar.setRange(0, 0)  # no end known: it moves to show the dialog is alive
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumWidth(120)
        row = QHBoxLayout(self.busy_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.busy_label, 1)
        row.addWidget(self.busy_bar)
        layout = self.ui.mainLayout
        layout.insertWidget(layout.indexOf(self.buttons), self.busy_row)
        self.busy_row.hide()

    @property
    def connecting(self) -> bool:
        return self.opening is not None

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
        if not recent:  # no list to show: no empty band above the buttons either
            self.resize(self.width(), self.minimumSizeHint().height())

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
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready and not self.connecting)

    def address(self) -> str:
        """The URL the fields name (it never holds a password)."""
        return server_address(self.host_edit.text().strip(), self.port_spin.value(),
                              self.database_edit.text().strip(), self.user_edit.text().strip(),
                              self.tls_combo.currentData())

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def accept(self) -> None:
        """Connect: open the server in the background (asking for a password if it wants one)."""
        if self.connecting or not self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            return
        url = self.address()
        self.show_error("")
        self._start(url, self._memory.get(url))

    def done(self, result: int) -> None:
        """Cancel, Escape or closing: a connection under way is abandoned (a store it still
        makes is closed when it arrives) and the window stays on its database."""
        if result != QDialog.DialogCode.Accepted:
            self._abandon()
        super().done(result)

    def _abandon(self) -> None:
        if self.opening is not None:
            self.opening = None
            self._set_busy(False)

    def _start(self, url: str, password: str | None) -> None:
        self.opening = _Opening(self, url, password)
        self._set_busy(True, url)
        self.opening.start()

    def _set_busy(self, busy: bool, url: str = "") -> None:
        if busy:
            self.busy_label.setText(self.tr("Connecting to %1…").replace("%1", server_label(url)))
        self.busy_row.setVisible(busy)
        for widget in (self.recent_list, self.host_edit, self.port_spin, self.database_edit,
                       self.user_edit, self.tls_combo):
            widget.setEnabled(not busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()
        self._fields_changed()

    def opened(self, opening: _Opening, result: object) -> None:
        """The outcome of the connection under way (on the UI thread)."""
        self.opening = None
        self._set_busy(False)
        url, password = opening.url, opening.password
        if isinstance(result, PasswordNeededError):
            typed = ask_password(self, url, password_note(result, url, password, self._memory))
            if typed is not None and self.isVisible():
                self._start(url, typed)
            return
        if isinstance(result, StoreError):  # its message names the server, never a password
            self.show_error(str(result))
            return
        if isinstance(result, BaseException):  # a driver error past the checks: plain words only
            self.show_error(server_message(result, url, password))
            return
        assert isinstance(result, Store)
        if password:
            self._memory.keep(url, password)
        self.store, self.url = result, url
        super().accept()
