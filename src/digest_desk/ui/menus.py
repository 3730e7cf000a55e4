"""The window's menus and toolbar, laid out from the action registry."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QMainWindow, QToolBar

from digest_desk.ui.actions import ActionId as A
from digest_desk.ui.actions import ActionRegistry

MENUS: tuple[tuple[str, tuple[A | None, ...]], ...] = (
    ("&File", (A.NEW, A.SAVE, None, A.CONNECT_SERVER, A.OPEN_LOCAL, None, A.SITE_SETTINGS,
               A.MEDIA_LIBRARY, None, A.QUIT)),
    ("&Edit", (A.UNDO, A.REDO, None, A.CUT, A.COPY, A.PASTE, A.PASTE_PLAIN, None,
               A.FIND_IN_ARTICLE, A.REPLACE, A.REPLACE_ALL, A.FIND_NEXT, A.FIND_PREVIOUS, A.FIND, None,
               A.BOLD, A.ITALIC, A.HEADING, A.LINK, A.QUOTE, A.LIST, A.INSERT_IMAGE, None,
               A.PREFERENCES)),
    ("&Article", (A.NEW, A.DUPLICATE, A.DELETE, None, A.REVISIONS, A.OPEN_STANDARD)),
    ("&View", (A.TOGGLE_LIST, A.TOGGLE_DETAILS, A.TOGGLE_PREVIEWS, A.TOGGLE_CHECKS, A.TOGGLE_LINKS, None, A.DEVICE_PHONE, A.DEVICE_DESKTOP, None,
               A.THEME_SYSTEM, A.THEME_LIGHT, A.THEME_DARK)),
    ("E&xport", (A.EXPORT_SITE, A.EXPORT_ARTICLE)),
    ("&Help", (A.ABOUT, A.ABOUT_QT)),
)
TOOLBAR = (A.NEW, A.SAVE, None, A.UNDO, A.REDO, None, A.DUPLICATE, A.DELETE, A.REVISIONS, None,
           A.DEVICE_PHONE, A.DEVICE_DESKTOP, None, A.EXPORT_SITE, A.SITE_SETTINGS)
FORMAT_BAR = (A.BOLD, A.ITALIC, A.HEADING, None, A.LINK, A.INSERT_IMAGE, None, A.QUOTE, A.LIST)


def build_menus(window: QMainWindow, actions: ActionRegistry) -> dict[str, object]:
    """Fill the menu bar; returns the menus by their plain names (``"view"``…) for later additions."""
    menus = {}
    bar = window.menuBar()
    for title, items in MENUS:
        menu = bar.addMenu(window.tr(title))
        menu.setObjectName("menu-" + title.replace("&", "").lower())
        for action_id in items:
            if action_id is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[action_id])
        menus[title.replace("&", "").lower()] = menu
    return menus


def build_toolbar(window: QMainWindow, actions: ActionRegistry) -> QToolBar:
    bar = QToolBar(window.tr("Main"), window)
    bar.setObjectName("main-toolbar")
    bar.setIconSize(QSize(20, 20))
    bar.setMovable(False)
    for action_id in TOOLBAR:
        if action_id is None:
            bar.addSeparator()
        else:
            bar.addAction(actions[action_id])
    window.addToolBar(bar)
    return bar
