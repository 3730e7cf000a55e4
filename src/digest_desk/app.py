"""Starting the workstation (the ``digest-desk-gui`` entry point and ``digest-desk gui``)."""

from __future__ import annotations

import sys
from pathlib import Path

ORGANIZATION = "Digest Desk"
APPLICATION = "digest-desk"


def _app_icon():
    from PySide6.QtGui import QIcon

    from digest_desk import paths

    try:
        path = paths.resource("icons", "digest-desk.svg")
    except FileNotFoundError:
        return None
    return QIcon(str(path)) if path.is_file() else None


def make_application(argv: list[str] | None = None):
    """The QApplication with names set (so QSettings finds its file); reuses a running one."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Digest Desk")
    from digest_desk import __version__

    app.setApplicationVersion(__version__)
    icon = _app_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    return app


def open_database(db: str | Path | None):
    """The store named by --db / DIGEST_DESK_DB / the default; demo content in a new default one."""
    from digest_desk.paths import resolve_db_path
    from digest_desk.store import open_store

    path, is_default = resolve_db_path(db)
    store = open_store(path)
    if store.created and is_default:
        from digest_desk.store.demo import seed_demo

        seed_demo(store)
    return store


def create_window(store, settings=None):
    """The main window over an open store (QApplication must exist)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from digest_desk.ui.main_window import MainWindow
    from digest_desk.ui.theme import ThemeManager

    settings = settings or QSettings()
    theme = ThemeManager(QApplication.instance(), settings)
    return MainWindow(store, settings, theme)


def open_first_article(window, open_slug: str | None) -> None:
    """Open ``--open SLUG`` (a message when unknown), else the article open last time."""
    from digest_desk.store import NotFoundError
    from digest_desk.store.articles import get_by_slug

    if open_slug:
        try:
            window.load_article(get_by_slug(window.store, open_slug).id)
            return
        except NotFoundError as exc:
            window.statusBar().showMessage(str(exc), 10000)
    last = window.last_article_id()
    if last is not None:
        window.load_article(last)


def run_workstation(db: str | None = None, open_slug: str | None = None) -> int:
    """Open the workstation window; returns the exit status."""
    from PySide6.QtWidgets import QMessageBox

    from digest_desk.store import StoreError
    from digest_desk.ui.safety import open_database_safely

    app = make_application()
    try:
        store = open_database_safely(db)  # damaged file: plain message and restore offer
    except StoreError as exc:
        QMessageBox.critical(None, "Digest Desk", str(exc))
        print(f"digest-desk: {exc}", file=sys.stderr)
        return 2
    if store is None:
        return 2
    window = create_window(store)
    window.show()
    open_first_article(window, open_slug)
    window.safety.offer_recovery()  # drafts left by a crash
    try:
        return app.exec()
    finally:
        store.close()


def main() -> int:
    from digest_desk.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
