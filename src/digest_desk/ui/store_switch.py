"""Moving the window to another store (a team server or a local file), showing which is open,
and the editor's display name (Edit > Preferences…)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from digest_desk.paths import default_db_path
from digest_desk.store import Store, StoreError
from digest_desk.store.engine import server_label
from digest_desk.ui import settings as keys
from digest_desk.ui.actions import ActionId as A
from digest_desk.ui.connect_dialog import ConnectDialog
from digest_desk.ui.preferences_dialog import PreferencesDialog

MainWindow = Any  # the window (ui/main_window.py builds this switcher, so no import back)


def store_title(store: Store) -> str:
    """Which store a window shows: ``server: user@host/db`` or ``local: /path/file``."""
    if store.is_server:
        return QCoreApplication.translate("StoreSwitcher", "server: %1").replace("%1", server_label(store.target))
    return QCoreApplication.translate("StoreSwitcher", "local: %1").replace("%1", str(store.path))


class StoreSwitcher(QObject):
    """File > Connect to Team Server… and File > Open Local Database…: the open article is saved,
    the window closes cleanly and a new one opens on the chosen store, where the editor left it.
    A store that cannot be opened leaves everything as it was."""

    switched = Signal(object)  # the new window
    _kept: dict[int, MainWindow] | None = None  # windows made here (nothing else holds them)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store_label = QLabel(store_title(window.store), objectName="store-label")
        self.store_label.setToolTip(self.tr("The database this window works on"))
        window.statusBar().addPermanentWidget(self.store_label)
        window.actions[A.CONNECT_SERVER].triggered.connect(self.connect_to_server)
        window.actions[A.OPEN_LOCAL].triggered.connect(self.open_local)
        window.actions[A.PREFERENCES].triggered.connect(self.edit_preferences)

    def edit_preferences(self) -> PreferencesDialog:
        """Edit > Preferences…: a new display name applies to the next revisions at once (the
        open article's edit lock keeps the name it was taken with)."""
        dialog = PreferencesDialog(self.window.settings, self.window)
        dialog.name_changed.connect(self._name_changed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _name_changed(self, name: str) -> None:
        self.window.editor_name = name
        self.window.store.editor = name
        self.window.statusBar().showMessage(self.tr("Your revisions now carry the name %1.")
                                            .replace("%1", name), 6000)

    def connect_to_server(self) -> ConnectDialog:
        """The connection dialog (window-modal; it connects on a worker thread, so the window
        keeps painting); a working connection there moves the window."""
        dialog = ConnectDialog(keys.recent_servers(self.window.settings), self.window)
        dialog.accepted.connect(lambda: self._connected(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _connected(self, dialog: ConnectDialog) -> None:
        store = dialog.store
        if store is None:
            return
        keys.remember_server(self.window.settings, dialog.url)
        self.switch_to(store)

    def open_local(self) -> QFileDialog:
        """A file dialog starting at the open file (or the default database)."""
        start = self.window.store.path or default_db_path()
        dialog = QFileDialog(self.window, self.tr("Open Local Database"), str(start),
                             self.tr("Digest Desk databases (*.sqlite3 *.db);;All files (*)"))
        dialog.setObjectName("open-local-dialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.selectFile(str(start))
        dialog.fileSelected.connect(self.open_file)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_file(self, path: str) -> object:
        """Open a local database file (damage and read-only handled as at start-up)."""
        from digest_desk.ui.safety import open_database_safely

        if not path:
            return None
        if self.window.store.path is not None and Path(path).resolve() == self.window.store.path.resolve():
            return self.window  # already open
        store = open_database_safely(path, self.window)
        return self.switch_to(store) if store is not None else None

    def switch_to(self, store: Store) -> MainWindow | None:
        """Save the open article, then show ``store`` in a new window that replaces this one.
        Returns the new window, or None (the store is closed again) when the old one could not
        be left: its message says why and it stays as it was."""
        old = self.window
        if not old.leave_article():
            store.close()
            QMessageBox.warning(old, self.tr("Digest Desk"), self.tr(
                "The open article could not be saved, so the window stays on this database."))
            return None
        old.save_layout()  # the new window takes over the layout
        try:
            new = type(old)(store, old.settings, old.theme)
        except StoreError as exc:  # the store went away between opening and reading it
            store.close()
            QMessageBox.warning(old, self.tr("Digest Desk"), str(exc))
            return None
        self._keep(new, store)
        new.show()
        if not old.close():  # refused after all: stay where we were
            new.close()
            new.deleteLater()
            return None
        old_store = old.store
        old.deleteLater()
        old_store.close()
        _open_last_article(new)
        new.safety.offer_recovery()
        new.statusBar().showMessage(self.tr("Opened %1").replace("%1", store_title(store)), 8000)
        self.switched.emit(new)
        return new


    @classmethod
    def _keep(cls, window: MainWindow, store: Store) -> None:
        """Hold the new window until Qt deletes it (it has no parent), then close its store."""
        if cls._kept is None:
            cls._kept = {}
        kept, key = cls._kept, id(window)
        kept[key] = window

        def gone(_obj: object = None) -> None:
            kept.pop(key, None)
            store.close()

        window.destroyed.connect(gone)


def _open_last_article(window: MainWindow) -> None:
    """The article this database had open last time, else its newest one."""
    from digest_desk.store.articles import list_articles

    last = window.last_article_id()
    if last is None:
        newest = list_articles(window.store, limit=1)
        last = newest[0].id if newest else None
    if last is not None and not window.load_article(last):
        window.close_article()
