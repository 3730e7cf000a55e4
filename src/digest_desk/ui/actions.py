"""Every action of the window, declared once under a stable id (the QAction's objectName)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from digest_desk.ui import icons

Key = QKeySequence.StandardKey


class ActionId(StrEnum):
    NEW = "article.new"
    SAVE = "file.save"
    SITE_SETTINGS = "file.site_settings"
    CONNECT_SERVER = "file.connect_server"
    OPEN_LOCAL = "file.open_local"
    PREFERENCES = "edit.preferences"
    QUIT = "file.quit"
    UNDO = "edit.undo"
    REDO = "edit.redo"
    CUT = "edit.cut"
    COPY = "edit.copy"
    PASTE = "edit.paste"
    FIND = "edit.find"
    FIND_IN_ARTICLE = "edit.find_in_article"
    FIND_NEXT = "edit.find_next"
    FIND_PREVIOUS = "edit.find_previous"
    REPLACE = "edit.replace"
    REPLACE_ALL = "edit.replace_all"
    PASTE_PLAIN = "edit.paste_plain"
    BOLD = "format.bold"
    ITALIC = "format.italic"
    HEADING = "format.heading"
    LINK = "format.link"
    QUOTE = "format.quote"
    LIST = "format.list"
    INSERT_IMAGE = "format.image"
    MEDIA_LIBRARY = "file.media_library"
    DUPLICATE = "article.duplicate"
    DELETE = "article.delete"
    REVISIONS = "article.revisions"
    OPEN_STANDARD = "article.open_standard"
    THEME_SYSTEM = "view.theme_system"
    THEME_LIGHT = "view.theme_light"
    THEME_DARK = "view.theme_dark"
    DEVICE_PHONE = "view.device_phone"
    DEVICE_DESKTOP = "view.device_desktop"
    TOGGLE_DETAILS = "view.details"
    TOGGLE_LIST = "view.article_list"
    TOGGLE_PREVIEWS = "view.previews"
    TOGGLE_CHECKS = "view.checks"
    TOGGLE_LINKS = "view.related_links"
    EXPORT_SITE = "export.site"
    EXPORT_ARTICLE = "export.article"
    ABOUT = "help.about"
    ABOUT_QT = "help.about_qt"


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: ActionId
    text: str
    icon: str
    tip: str
    shortcut: Key | str | None = None
    checkable: bool = False
    more_keys: tuple[str, ...] = ()  # further shortcuts after the first


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(ActionId.NEW, "&New Article", "new", "Create a new draft article", Key.New),
    ActionSpec(ActionId.SAVE, "&Save", "save", "Save now and record a revision", Key.Save),
    ActionSpec(ActionId.SITE_SETTINGS, "Site &Settings…", "settings",
               "Edit the site profile: name, address, partner, banner and footer", "Ctrl+Alt+S"),
    ActionSpec(ActionId.CONNECT_SERVER, "&Connect to Team Server…", "server",
               "Work on a shared PostgreSQL server with the other editors"),
    ActionSpec(ActionId.OPEN_LOCAL, "&Open Local Database…", "local-db",
               "Work on a database file on this computer"),
    ActionSpec(ActionId.PREFERENCES, "Pr&eferences…", "preferences",
               "Your name as other editors see it in locks and revisions", "Ctrl+,"),
    ActionSpec(ActionId.QUIT, "&Quit", "quit", "Save everything and close Digest Desk", Key.Quit),
    ActionSpec(ActionId.UNDO, "&Undo", "undo", "Undo the last change", Key.Undo),
    ActionSpec(ActionId.REDO, "&Redo", "redo", "Redo the last undone change", Key.Redo),
    ActionSpec(ActionId.CUT, "Cu&t", "cut", "Cut the selection", Key.Cut),
    ActionSpec(ActionId.COPY, "&Copy", "copy", "Copy the selection", Key.Copy),
    ActionSpec(ActionId.PASTE, "&Paste", "paste", "Paste from the clipboard", Key.Paste),
    ActionSpec(ActionId.PASTE_PLAIN, "Paste as Plain &Text", "paste-plain",
               "Paste the clipboard's text without converting web formatting", "Ctrl+Shift+V"),
    ActionSpec(ActionId.FIND, "Find &Articles", "find", "Search all articles (full text)",
               "Ctrl+Shift+F", more_keys=("Ctrl+L",)),
    ActionSpec(ActionId.FIND_IN_ARTICLE, "&Find…", "find-in-article",
               "Find text in this article's headline, summary and body", Key.Find),
    ActionSpec(ActionId.REPLACE, "R&eplace…", "replace",
               "Find and replace text in this article", Key.Replace),
    ActionSpec(ActionId.REPLACE_ALL, "Replace in &All Articles…", "replace",
               "Find and replace text in every article, with a preview of each change",
               "Ctrl+Shift+R"),
    ActionSpec(ActionId.FIND_NEXT, "Find &Next", "find-next", "Go to the next match", Key.FindNext),
    ActionSpec(ActionId.FIND_PREVIOUS, "Find Pre&vious", "find-previous", "Go to the previous match",
               Key.FindPrevious),
    ActionSpec(ActionId.BOLD, "&Bold", "bold", "Make the selection bold (**text**)", Key.Bold),
    ActionSpec(ActionId.ITALIC, "&Italic", "italic", "Make the selection italic (*text*)", Key.Italic),
    ActionSpec(ActionId.HEADING, "&Heading", "heading", "Turn the line into a heading (## …)",
               "Ctrl+Alt+H"),
    ActionSpec(ActionId.LINK, "&Link", "link", "Link the selection to an address", "Ctrl+K"),
    ActionSpec(ActionId.QUOTE, "&Quote", "quote", "Turn the lines into a quotation (> …)", "Ctrl+Shift+Q"),
    ActionSpec(ActionId.LIST, "&List", "list", "Turn the lines into a bulleted list (- …)", "Ctrl+Shift+L"),
    ActionSpec(ActionId.INSERT_IMAGE, "Insert &Image…", "image",
               "Insert a picture from a file, with its alt text, caption and credit in this article",
               "Ctrl+Shift+I"),
    ActionSpec(ActionId.MEDIA_LIBRARY, "&Media Library…", "media-library",
               "Every stored picture, where it is used; replace one or remove unused ones", "Ctrl+Shift+M"),
    ActionSpec(ActionId.DUPLICATE, "D&uplicate Article", "duplicate",
               "Make a draft copy of this article", "Ctrl+Shift+D"),
    ActionSpec(ActionId.DELETE, "&Delete Article…", "delete",
               "Delete this article (can be undone)", "Ctrl+Shift+Del"),
    ActionSpec(ActionId.REVISIONS, "&Revision History…", "history",
               "Compare with earlier revisions and restore one", "Ctrl+Shift+H"),
    ActionSpec(ActionId.OPEN_STANDARD, "Open in &Browser", "browser",
               "Open the article's published address in the system browser"),
    ActionSpec(ActionId.THEME_SYSTEM, "&System Theme", "theme", "Follow the system's light or dark theme",
               checkable=True),
    ActionSpec(ActionId.THEME_LIGHT, "&Light Theme", "light", "Always use the light theme", checkable=True),
    ActionSpec(ActionId.THEME_DARK, "&Dark Theme", "dark", "Always use the dark theme", checkable=True),
    ActionSpec(ActionId.DEVICE_PHONE, "&Phone Width", "phone", "Preview at a phone's width", "Ctrl+1",
               checkable=True),
    ActionSpec(ActionId.DEVICE_DESKTOP, "&Desktop Width", "desktop", "Preview at a desktop's width",
               "Ctrl+2", checkable=True),
    ActionSpec(ActionId.TOGGLE_DETAILS, "Article &Details", "details",
               "Show or hide the article's metadata fields", "Ctrl+D", checkable=True),
    ActionSpec(ActionId.TOGGLE_LIST, "Article &List", "panel-list",
               "Show or hide the list of articles on the left", checkable=True),
    ActionSpec(ActionId.TOGGLE_PREVIEWS, "&Previews", "previews",
               "Show or hide the standard and AMP previews on the right", checkable=True),
    ActionSpec(ActionId.TOGGLE_CHECKS, "&Checks Panel", "checks",
               "Show or hide the panel of checks below", checkable=True),
    ActionSpec(ActionId.TOGGLE_LINKS, "&Related Links Panel", "links",
               "Show or hide the panel of related links and suggestions below", checkable=True),
    ActionSpec(ActionId.EXPORT_SITE, "Export &Site…", "export", "Write the whole site to a folder",
               "Ctrl+E"),
    ActionSpec(ActionId.EXPORT_ARTICLE, "Export &This Article…", "export-article",
               "Write this article's two pages to a folder", "Ctrl+Shift+E"),
    ActionSpec(ActionId.ABOUT, "&About Digest Desk", "about", "Version and credits"),
    ActionSpec(ActionId.ABOUT_QT, "About &Qt", "about", "The Qt version in use"),
)

EXCLUSIVE_GROUPS = (
    (ActionId.THEME_SYSTEM, ActionId.THEME_LIGHT, ActionId.THEME_DARK),
    (ActionId.DEVICE_PHONE, ActionId.DEVICE_DESKTOP),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Actions", text)


class ActionRegistry:
    """Creates each action once and hands it out by id."""

    def __init__(self, parent: QObject) -> None:
        self._actions: dict[ActionId, QAction] = {}
        self._specs = {spec.id: spec for spec in SPECS}
        for spec in SPECS:
            self._actions[spec.id] = self._make(spec, parent)
        for ids in EXCLUSIVE_GROUPS:
            group = QActionGroup(parent)
            group.setExclusive(True)
            for action_id in ids:
                group.addAction(self._actions[action_id])

    def _make(self, spec: ActionSpec, parent: QObject) -> QAction:
        action = QAction(icons.get(spec.icon), _tr(spec.text), parent)
        action.setObjectName(str(spec.id))
        action.setCheckable(spec.checkable)
        tip = _tr(spec.tip)
        if spec.shortcut is not None:
            action.setShortcuts([QKeySequence(spec.shortcut), *map(QKeySequence, spec.more_keys)])
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({keys})" if keys else tip)
        else:
            action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    def __getitem__(self, action_id: ActionId) -> QAction:
        return self._actions[action_id]

    def __iter__(self):
        return iter(self._actions.values())

    def refresh_icons(self) -> None:
        """Redraw every icon in the current palette (after a theme switch)."""
        icons.clear_cache()
        for action_id, action in self._actions.items():
            action.setIcon(icons.get(self._specs[action_id].icon))
