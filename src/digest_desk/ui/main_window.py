"""The workstation window: article list, editor and previews side by side, with docks and menus."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFrame,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QWidget,
)

from digest_desk import __version__
from digest_desk.domain import Article, Site
from digest_desk.links.edits import link_rows
from digest_desk.store import NotFoundError, Store, StoreError
from digest_desk.store.articles import ArticleRow, categories, get_article
from digest_desk.store.locks import LockState
from digest_desk.store.saving import server_away, unless_away
from digest_desk.store.site import get_site
from digest_desk.ui import icons
from digest_desk.ui import settings as keys
from digest_desk.ui.actions import ActionId as A
from digest_desk.ui.actions import ActionRegistry
from digest_desk.ui.article_list import ArticleListPanel
from digest_desk.ui.autosave import SERVER_WAIT_S, Autosaver
from digest_desk.ui.bulk_ops import BulkOperations
from digest_desk.ui.commands import step
from digest_desk.ui.editor import ArticleEditor
from digest_desk.ui.find_bar import connect_find_actions
from digest_desk.ui.first_paint import FirstPaint
from digest_desk.ui.links_panel import LinksPanel
from digest_desk.ui.live import LiveViews
from digest_desk.ui.menus import FORMAT_BAR, build_menus, build_toolbar
from digest_desk.ui.operations import ArticleOperations
from digest_desk.ui.paste import paste_plain
from digest_desk.ui.render_ahead import ArchiveRenderAhead
from digest_desk.ui.replace_dialog import ReplaceDialog
from digest_desk.ui.safety import SafetyGuard
from digest_desk.ui.spelling import SpellingTools
from digest_desk.ui.status import MessageRoom, StatusReadouts
from digest_desk.ui.store_switch import StoreSwitcher
from digest_desk.ui.tasks import Job, answer_within, run_detached
from digest_desk.ui.theme import ThemeManager, ThemeMode

if TYPE_CHECKING:  # only a team-server store loads it (psycopg with it): not on the local start
    from digest_desk.ui.live_updates import LiveUpdates

APP_TITLE = "Digest Desk"
# List, editor, previews on a first start: the previews show side by side from ~760 px.
FIRST_SPLIT = (220, 400, 780)
SPELLING_LATEST_MS = 1500  # the dictionary opens once the previews show, or after this at the latest
OPEN_PATIENCE_MS = 1500  # an open the team server has not answered by then: the status bar says so
# Quitting while an export runs: it is cancelled and waited for this long at most. One held by a
# silent team server is left behind (the previous export stays as it was; the next export
# removes the working folder it left), so quitting never hangs on it.
EXPORT_QUIT_WAIT_S = 3.0
QUIT_READS_WAIT_MS = 500  # the list's and the suggestions' reads, on a team server
_T = TypeVar("_T")


class Opened(NamedTuple):
    """What showing an article needs from the store, read off the UI thread."""

    article: Article
    lock: LockState | None
    names: list[str]  # the categories offered in the editor


def read_for_opening(store: Store, article_id: int,
                     take_lock: Callable[[int], LockState | None]) -> Opened:
    """The article, this window's lock on it and the category names (on a worker thread)."""
    article = get_article(store, article_id)
    return Opened(article, take_lock(article_id), categories(store))


def read_with_names(store: Store, article_id: int,
                    names: bool) -> tuple[Article, list[str] | None]:
    """The article, and the category names too when ``names`` (a team server: one read)."""
    return get_article(store, article_id), (categories(store) if names else None)


class MainWindow(QMainWindow):
    """Owns the actions, the per-article undo stacks, autosave and the layout; panels do the rest.

    The first frame shows the list and the editor with the article; what it does not need
    (the preview engine, checks, the spelling dictionary, the icon fonts) starts in
    ``finish_start`` right after the first paint.
    """

    previews_ready = Signal()  # the previews showed an article for the first time
    started = Signal()  # finish_start is done: previews, checks, spelling and icons are on their way

    def __init__(self, store: Store, settings: QSettings, theme: ThemeManager) -> None:
        super().__init__()
        icons.hold()  # the fonts load after the first paint (finish_start)
        self.setObjectName("main-window")
        self.store, self.settings, self.theme = store, settings, theme
        self.editor_name = keys.display_name(settings)
        store.editor = self.editor_name  # written with every revision this window saves
        self.site: Site = get_site(store)
        self.stacks: dict[int, QUndoStack] = {}
        self._splitter_state = None
        self._first_start = False  # no saved layout: the splitter gets FIRST_SPLIT once shown
        self.library_stack = QUndoStack(self)
        self.actions = ActionRegistry(self)
        self.list_panel = ArticleListPanel(store, self)
        self.list_panel.model.zone = self.site.timezone  # scheduled times in the site's zone
        self.editor = ArticleEditor(store, self)
        self.editor.add_format_actions([self.actions[a] if a else None for a in FORMAT_BAR])
        self.autosaver = Autosaver(store, self.editor, self._resolve_conflict, self)
        self.readouts = StatusReadouts(self.statusBar())
        self.live = LiveViews(store, self.site, self.editor, self.readouts, self)
        self.spelling = SpellingTools(store, self.site, self.editor, self.statusBar(), self)
        self.links_panel = LinksPanel(store, self)
        self.links_panel.set_draft_source(self.editor.snapshot)  # suggestions from the typed text
        self.ops = ArticleOperations(store, self.editor, self.autosaver, self.library_stack,
                                     settings, self.site, self)
        self.safety = SafetyGuard(store, self.editor, self.autosaver, self,  # drafts, locks, conflicts
                                  editor_name=self.editor_name)
        self.list_panel.show_locks_of_others(self.safety.holder)  # who else edits what
        self.bulk = BulkOperations(store, self.library_stack, self.safety.holder, self.site,
                                   self.leave_article, self.list_panel.titles, self.ops.waits,
                                   self.editor, self)
        self.team_live = self._live_updates() if store.is_server else None
        self._opening: Job | None = None  # an article chosen in the list, read from the team server
        self._opening_id: int | None = None
        self._open_late = QTimer(self, singleShot=True, interval=OPEN_PATIENCE_MS)
        self._open_late.timeout.connect(self._opening_overdue)
        self._build_layout()
        build_menus(self, self.actions)
        build_toolbar(self, self.actions)
        self._connect()
        self.switcher = StoreSwitcher(self)  # File > Connect to Team Server…, Open Local Database…
        MessageRoom(self.statusBar(), [self.spelling.label, self.readouts.css, self.readouts.counts,
                                       self.switcher.store_label, self.readouts.line])
        self._sync_theme_actions()
        self.resize(1400, 900)
        self._restore_layout()
        self._update_title()
        self._update_enabled()
        self.start_finished = False  # True once finish_start has started everything
        self.render_ahead = ArchiveRenderAhead(store, settings, self)  # the archive, for the next export
        self._first_paint = FirstPaint(self, self.finish_start)

    def finish_start(self) -> None:
        """Start what the first frame did without: the preview engine with the first render
        and checks, the icon fonts, then the spelling dictionary (once; later calls do nothing)."""
        if self.live.started:
            return
        self.live.start()  # the engine starts its process while the next turns run
        icons.release()
        # The dictionary after the previews (or after a while without them: no article open).
        self.previews_ready.connect(self._start_spelling)
        QTimer.singleShot(SPELLING_LATEST_MS, self._start_spelling)

    def _start_spelling(self) -> None:
        if self.start_finished:
            return
        self.spelling.start()
        self.render_ahead.start()
        self.start_finished = True
        self.started.emit()

    # -- layout ---------------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self, objectName="main-splitter")
        self.splitter.addWidget(self.list_panel)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.live.preview)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 5)
        self.splitter.setSizes(list(FIRST_SPLIT))
        self.splitter.setCollapsible(1, False)  # the list and the previews fold away, not the editor
        self.setCentralWidget(self.splitter)
        self._fit_small_screens()
        self.checks_dock = self._dock("checks-dock", self.tr("Checks"), self.live.checks,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        # Scrollable, so the panel's many controls do not force a tall dock on the previews.
        links_scroll = QScrollArea(self, objectName="links-scroll", widgetResizable=True)
        links_scroll.setFrameShape(QFrame.Shape.NoFrame)
        links_scroll.setWidget(self.links_panel)
        self.links_dock = self._dock("links-dock", self.tr("Related Links"), links_scroll,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.checks_dock, self.links_dock)
        self.checks_dock.raise_()

    def _fit_small_screens(self) -> None:
        """The list's filters shrink to a few letters (full names in the drop-down), so the
        window with every panel shown still fits an 800x600 screen."""
        for combo in (self.list_panel.status_filter, self.list_panel.category_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance("x" * 6) + 30)

    def _connect_panel_toggles(self) -> None:
        """View > Article List, Previews, Checks Panel, Related Links Panel show and hide them."""
        act = self.actions
        act[A.TOGGLE_LIST].toggled.connect(lambda on: self._show_in_splitter(self.list_panel, on))
        act[A.TOGGLE_PREVIEWS].toggled.connect(lambda on: self._show_in_splitter(self.live.preview, on))
        self.splitter.splitterMoved.connect(lambda _p, _i: self._sync_panel_actions())
        for action_id, dock in ((A.TOGGLE_CHECKS, self.checks_dock), (A.TOGGLE_LINKS, self.links_dock)):
            act[action_id].toggled.connect(lambda on, d=dock: self._show_dock(d, on))
            # Its close button. The view action also flips when the whole window is hidden for
            # a moment (X11 replaces the window once at start-up): follow the dock's own state only.
            dock.toggleViewAction().toggled.connect(
                lambda _on, d=dock, a=act[action_id]: a.setChecked(not d.isHidden()))
        self.links_dock.visibilityChanged.connect(self._links_dock_shown)

    def _show_in_splitter(self, widget: QWidget, on: bool) -> None:
        index = self.splitter.indexOf(widget)
        sizes = self.splitter.sizes()
        if on != widget.isHidden() and (not on or sizes[index] > 0):
            return  # as it is already (the action follows a drag or the restored layout)
        widget.setVisible(on)
        sizes = self.splitter.sizes()
        if on and sizes[index] == 0:  # dragged shut before: give it a share back
            share = max(widget.minimumSizeHint().width(), sum(sizes) // 4)
            sizes[index] = share
            sizes[1] = max(0, sizes[1] - share)
            self.splitter.setSizes(sizes)

    def _show_dock(self, dock: QDockWidget, on: bool) -> None:
        if on != dock.isHidden():
            return  # as it is already (its close button, or the restored layout)
        dock.setVisible(on)
        if on:
            dock.raise_()

    def _sync_panel_actions(self) -> None:
        sizes = self.splitter.sizes()
        for action_id, widget in ((A.TOGGLE_LIST, self.list_panel), (A.TOGGLE_PREVIEWS, self.live.preview)):
            shown = not widget.isHidden() and sizes[self.splitter.indexOf(widget)] > 0
            self.actions[action_id].setChecked(shown)
        self.actions[A.TOGGLE_CHECKS].setChecked(not self.checks_dock.isHidden())
        self.actions[A.TOGGLE_LINKS].setChecked(not self.links_dock.isHidden())

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self, objectName=name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        act = self.actions
        act[A.NEW].triggered.connect(self.ops.new_article)
        act[A.SAVE].triggered.connect(self.save_now)
        act[A.SITE_SETTINGS].triggered.connect(self.ops.edit_site)
        act[A.QUIT].triggered.connect(self.close)
        act[A.UNDO].triggered.connect(self.undo)
        act[A.REDO].triggered.connect(self.redo)
        act[A.CUT].triggered.connect(lambda: self._focused_call("cut"))
        act[A.COPY].triggered.connect(lambda: self._focused_call("copy"))
        act[A.PASTE].triggered.connect(lambda: self._focused_call("paste"))
        act[A.FIND].triggered.connect(self._focus_search)
        act[A.PASTE_PLAIN].triggered.connect(lambda: paste_plain(QApplication.focusWidget()))
        self.editor.body.html_paste.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        connect_find_actions(self.editor.find_bar, act)
        body = self.editor.body
        act[A.BOLD].triggered.connect(body.bold)
        act[A.ITALIC].triggered.connect(body.italic)
        act[A.HEADING].triggered.connect(body.heading)
        act[A.QUOTE].triggered.connect(body.quote)
        act[A.LIST].triggered.connect(body.bullet_list)
        act[A.LINK].triggered.connect(self.ops.insert_link)
        act[A.INSERT_IMAGE].triggered.connect(self.ops.choose_body_image)
        act[A.MEDIA_LIBRARY].triggered.connect(self.ops.pictures.open_library)
        act[A.DUPLICATE].triggered.connect(self.ops.duplicate_article)
        self.editor.image_button.clicked.connect(self.ops.choose_featured_image)
        act[A.DELETE].triggered.connect(self.ops.delete_article)
        act[A.REVISIONS].triggered.connect(self.ops.show_revisions)
        act[A.OPEN_STANDARD].triggered.connect(self.ops.open_in_browser)
        act[A.THEME_SYSTEM].triggered.connect(lambda: self.theme.set_mode(ThemeMode.SYSTEM))
        act[A.THEME_LIGHT].triggered.connect(lambda: self.theme.set_mode(ThemeMode.LIGHT))
        act[A.THEME_DARK].triggered.connect(lambda: self.theme.set_mode(ThemeMode.DARK))
        act[A.DEVICE_PHONE].triggered.connect(lambda: self.live.set_device("phone"))
        act[A.DEVICE_DESKTOP].triggered.connect(lambda: self.live.set_device("desktop"))
        act[A.TOGGLE_DETAILS].toggled.connect(self.editor.details.setVisible)
        self._connect_panel_toggles()
        act[A.EXPORT_SITE].triggered.connect(lambda: self.ops.export(False))
        act[A.EXPORT_ARTICLE].triggered.connect(lambda: self.ops.export(True))
        act[A.ABOUT].triggered.connect(self.about)
        act[A.ABOUT_QT].triggered.connect(QApplication.aboutQt)
        self.ops.article_created.connect(self._article_created)
        self.ops.article_deleted.connect(self._article_deleted)
        self.ops.article_restored.connect(self._article_restored)
        self.ops.media_added.connect(self.live.media_changed)
        self.ops.pictures.media_changed.connect(self.live.media_changed)
        self.ops.site_changed.connect(self._site_changed)
        self.ops.message.connect(self.statusBar().showMessage)
        self.ops.reread_wanted.connect(lambda: self._articles_changed([]))
        self.safety.reload_wanted.connect(self.load_article)
        self.safety.articles_recovered.connect(self._article_created)
        self.safety.message.connect(self.statusBar().showMessage)
        self.safety.lock_lost.connect(lambda _id: self.list_panel.model.refresh_locks())
        self.live.message.connect(self.statusBar().showMessage)
        self.spelling.message.connect(self.statusBar().showMessage)
        self.spelling.dictionary_changed.connect(self.live.set_site_words)
        self.theme.changed.connect(self._theme_changed)
        self.list_panel.article_activated.connect(self.choose_article)
        self.list_panel.bulk_requested.connect(self.bulk.run)
        self.bulk.changed.connect(self._articles_changed)
        self.bulk.deleted.connect(self._articles_deleted)
        self.bulk.restored.connect(lambda _ids: self._articles_changed([]))
        self.bulk.message.connect(self.statusBar().showMessage)
        act[A.REPLACE_ALL].triggered.connect(self.replace_in_all)
        self.live.preview.device_changed.connect(self._device_changed)
        self.live.preview.rendered.connect(self._previews_rendered)
        self.links_panel.links_changed.connect(self._links_edited)
        self.links_panel.checks_finished.connect(self._links_checked)
        self.editor.edited.connect(self.live.schedule)
        self.editor.body.line_changed.connect(self._line_changed)
        self.editor.body.highlighting_changed.connect(self._highlighting_changed)
        self.autosaver.state_changed.connect(lambda _s: self._update_title())
        self.autosaver.saved.connect(self._saved)
        self.autosaver.failed.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self.autosaver.offline_changed.connect(self.readouts.show_offline)  # the team server away
        self.library_stack.indexChanged.connect(self._stack_moved)
        QGuiApplication.instance().focusChanged.connect(self._focus_changed)
        QGuiApplication.instance().applicationStateChanged.connect(self._app_state_changed)

    def _live_updates(self) -> LiveUpdates:
        """Other editors' changes on the team server reach the list and the open article."""
        from digest_desk.ui.live_updates import LiveUpdates  # noqa: PLC0415 - psycopg: server stores only

        team = LiveUpdates(self.store, self.editor, self.autosaver, self._resolve_conflict, self)
        team.articles_changed.connect(lambda _ids: self.list_panel.refresh())
        team.site_changed.connect(self._site_changed)
        team.media_changed.connect(self.live.media_changed)
        team.reload_wanted.connect(self.load_article)
        team.article_gone.connect(self._article_deleted)
        team.message.connect(self.statusBar().showMessage)
        team.start()
        return team

    # -- opening and saving ---------------------------------------------------------------
    @property
    def article(self) -> Article | None:
        return self.editor.article

    def stack_for(self, article_id: int) -> QUndoStack:
        stack = self.stacks.get(article_id)
        if stack is None:
            stack = QUndoStack(self)
            stack.indexChanged.connect(self._stack_moved)
            self.stacks[article_id] = stack
        return stack

    def leave_article(self) -> bool:
        """Save the open article before something else is shown; False when that failed."""
        if self.editor.article is None:
            return True
        return self.autosaver.end_session()

    def open_article(self, article_id: int) -> bool:
        """Save the open article, then show another; waits for the store (see ``choose_article``)."""
        self._drop_opening()
        if self.article is not None and self.article.id == article_id:
            return True
        if not self.leave_article():
            return False
        return self.load_article(article_id)

    def choose_article(self, article_id: int) -> None:
        """The list's click. On a team server the article, its lock and the categories are read
        on a thread of their own, so a silent server never holds the window: the list shows the
        click, a newer click replaces this one, and after OPEN_PATIENCE_MS the status bar says
        the server is not answering (the article opens when it does). A local file opens at once."""
        if not self.store.is_server:
            self.open_article(article_id)
            return
        if self.article is not None and self.article.id == article_id:
            self._drop_opening()  # back to the open article: a pending open is forgotten
            self.list_panel.select_article(article_id)
            return
        if not self.leave_article():
            return
        self._opening_id = article_id
        job = run_detached(read_for_opening, self.store, article_id, self.safety.take_lock, owner=self,
                           on_done=lambda opened: self._opening_read(job, opened),
                           on_error=lambda exc: self._opening_failed(job, exc))
        self._opening = job
        self._open_late.start()
        self.list_panel.select_article(article_id)  # the click shows while the server answers

    @property
    def opening(self) -> bool:
        """An article chosen in the list is being read from the team server."""
        return self._opening is not None

    def _drop_opening(self) -> None:
        self._opening, self._opening_id = None, None
        self._open_late.stop()
        if self.statusBar().currentMessage() == self._not_answering():
            self.statusBar().clearMessage()

    def _not_answering(self) -> str:
        return self.tr("The team server is not answering; the article opens when it does.")

    def _opening_overdue(self) -> None:
        if self._opening is not None:
            self.statusBar().showMessage(self._not_answering())

    def _opening_read(self, job: Job, opened: Opened) -> None:
        """The server answered an open: show the article, unless a newer click replaced it."""
        if job is not self._opening:
            if opened.article.id != self._opening_id:  # asked for again meanwhile: keep that lock
                self.safety.let_go(opened.lock)
            return
        self._drop_opening()
        if not self.leave_article():  # typed into the open article meanwhile and not saved
            self.safety.let_go(opened.lock)
            self.list_panel.select_article(self.article.id if self.article is not None else None)
            return
        self._show_article(opened.article, opened.names)
        self.safety.lock_taken(opened.article.id, opened.lock)

    def _opening_failed(self, job: Job, exc: BaseException) -> None:
        if job is not self._opening:
            return
        self._drop_opening()
        self.list_panel.select_article(self.article.id if self.article is not None else None)
        if isinstance(exc, NotFoundError):
            self.statusBar().showMessage(str(exc), 8000)
        elif isinstance(exc, StoreError) or server_away(self.store, exc):
            self.statusBar().showMessage(self._cannot_reach(), 8000)
        else:
            raise exc

    def _cannot_reach(self) -> str:
        return self.tr("The team server cannot be reached; try again in a moment.")

    def load_article(self, article_id: int) -> bool:
        """Show an article from the store (no save of what was open); waits for the store."""
        self._drop_opening()  # this one replaces an open still waiting for the server
        try:  # a server gives the category names with it: the editor reads nothing then
            found = self._read_now(read_with_names, self.store, article_id, self.store.is_server)
        except NotFoundError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return False
        if found is None:
            self.statusBar().showMessage(self._cannot_reach(), 8000)
            return False
        self._show_article(*found)
        self.safety.article_opened(article_id)
        return True

    def _read_now(self, fn: Callable[..., _T], *args: object) -> _T | None:
        """``fn(*args)``, or None when the team server is away or has not answered within
        SERVER_WAIT_S (asked on a thread of its own: a silent server holds the window that long
        at most)."""
        if not self.store.is_server:
            return fn(*args)
        article, _job = answer_within(SERVER_WAIT_S, None, unless_away, self.store, None, fn, *args)
        return article

    def _show_article(self, article: Article, names: list[str] | None = None) -> None:
        """Put a read article in the editor and the panels (its lock is the caller's)."""
        article_id = article.id
        # a local file is read here (instant, and it sees the CLI's changes); a server's zone is
        # the window's own copy of the site, which live updates keep current
        zone = self.site.timezone if self.store.is_server else None
        self.editor.load(article, self.stack_for(article_id), names=names, zone=zone)
        self.links_panel.set_article(article, self.stack_for(article_id))
        self.autosaver.reset()
        self._last_article().write(self.settings, article_id)
        self.list_panel.select_article(article_id)
        self.readouts.show_line(1)
        self.live.article_opened()
        if self.team_live is not None:
            self.team_live.article_opened()
        self._update_title()
        self._update_enabled()

    def close_article(self) -> None:
        self.list_panel.select_article(None)
        self.editor.clear()
        self.links_panel.set_article(None, None)
        self.autosaver.reset()
        self.live.article_closed()
        if self.team_live is not None:
            self.team_live.article_opened()
        self.readouts.clear()
        self._update_title()
        self._update_enabled()

    def save_now(self) -> None:
        if self.article is not None and self.autosaver.save_now():
            self.statusBar().showMessage(self.tr("Saved, revision recorded."), 4000)

    def _article_created(self, article_id: int) -> None:
        """A new, duplicated or recovered article is stored: list it and show it."""
        self.list_panel.model.reload()
        self.load_article(article_id)

    def _article_deleted(self, article_id: int) -> None:
        self.list_panel.model.reload()
        if self.article is not None and self.article.id == article_id:  # (another may be open by
            self.close_article()  # the time a team server answered)
        self.stacks.pop(article_id, None)  # its edits cannot be undone into another article

    def _article_restored(self, article_id: int) -> None:
        self.list_panel.model.reload()
        if self.leave_article():
            self.load_article(article_id)

    def _articles_changed(self, ids: list[int]) -> None:
        """Articles changed in the store behind the editor (a batch, a replace, an undo)."""
        self.list_panel.model.reload()
        self.list_panel.refresh_categories()
        if self.article is not None and self.article.id in ids:
            self.load_article(self.article.id)  # its edits were saved before the change

    def _articles_deleted(self, ids: list[int]) -> None:
        if self.article is not None and self.article.id in ids:
            self._article_deleted(self.article.id)
        else:
            self.list_panel.model.reload()
        for article_id in ids:
            self.stacks.pop(article_id, None)

    def replace_in_all(self) -> ReplaceDialog:
        """The site-wide replace dialog (its changes reload the open article if it is among them)."""
        dialog = ReplaceDialog(self.store, self.safety.holder, self.leave_article, self.ops.waits, self)
        dialog.applied.connect(self._articles_changed)
        dialog.message.connect(self.statusBar().showMessage)
        dialog.open()
        return dialog

    def _site_changed(self, site: Site) -> None:
        self.site = site
        self.bulk.site = site
        self.live.site_changed(site)
        self.editor.date_field.set_zone(site.timezone)  # dates are shown in the site's zone
        self.list_panel.model.zone = site.timezone
        self.list_panel.view.viewport().update()
        self.spelling.site_changed(site)

    def _links_edited(self, links: list) -> None:
        """The links panel changed the open article's links: preview and autosave them."""
        if self.article is not None:
            self.article.links = link_rows(links, self.article.id)
            self.editor.edited.emit()

    def _links_checked(self, _results: list) -> None:
        """Fresh link check results (already stored): show them in the checks, nothing to save."""
        if self.article is not None:
            self.article.links = link_rows(self.links_panel.links(), self.article.id)
            self.live.schedule()

    def _saved(self, stored: Article) -> None:
        row = ArticleRow(stored.id, stored.title, stored.slug, stored.status, stored.category,
                         stored.published_at, stored.updated_at)
        if not self.list_panel.model.update_article(row):
            self.list_panel.model.reload()
        if stored.category and self.list_panel.category_filter.findData(stored.category) < 0:
            self.list_panel.refresh_categories()

    def _resolve_conflict(self, exc: StoreError) -> bool:
        return self.safety.resolve_conflict(exc)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        inside_old = old is not None and self.editor.isAncestorOf(old)
        inside_new = new is not None and self.editor.isAncestorOf(new)
        if inside_old and not inside_new:
            self.autosaver.flush()

    def _app_state_changed(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.autosaver.flush()  # switching to another program

    # -- undo -----------------------------------------------------------------------------
    def _article_stack(self) -> QUndoStack | None:
        return self.stacks.get(self.article.id) if self.article is not None else None

    def _newest_stack(self, redo: bool) -> QUndoStack | None:
        """The stack whose next undo (or redo) step is the most recent one."""
        best, best_seq = None, -1
        for stack in (self._article_stack(), self.library_stack):
            if stack is None:
                continue
            can = stack.canRedo() if redo else stack.canUndo()
            if not can:
                continue
            cmd = stack.command(stack.index() if redo else stack.index() - 1)
            seq = getattr(cmd, "seq", 0)
            if (seq < best_seq) if redo else (seq > best_seq):
                best, best_seq = stack, seq
            elif best is None:
                best, best_seq = stack, seq
        return best

    def undo(self) -> None:
        body = self.editor.body
        if body.hasFocus() and body.document().isUndoAvailable():
            body.undo()
            return
        stack = self._newest_stack(redo=False)
        if stack is not None:
            step(stack, redo=False)  # a step that writes to the store moves once it is written

    def redo(self) -> None:
        body = self.editor.body
        if body.hasFocus() and body.document().isRedoAvailable():
            body.redo()
            return
        stack = self._newest_stack(redo=True)
        if stack is not None:
            step(stack, redo=True)

    def _focused_call(self, name: str) -> None:
        widget = QApplication.focusWidget()
        if widget is not None and hasattr(widget, name):
            getattr(widget, name)()

    # -- small reactions ------------------------------------------------------------------
    def _focus_search(self) -> None:
        if not self.actions[A.TOGGLE_LIST].isChecked():
            self.actions[A.TOGGLE_LIST].setChecked(True)  # searching needs the list
        self.list_panel.search_box.setFocus()
        self.list_panel.search_box.selectAll()

    def _line_changed(self, line: int) -> None:
        self.readouts.show_line(line)
        self.live.follow_line(line)

    def _highlighting_changed(self, on: bool) -> None:
        if on:
            self.statusBar().showMessage(self.tr("Markdown colours are back on."), 4000)
        else:
            self.statusBar().showMessage(self.tr(
                "Very long body: markdown colours are off so typing stays quick."), 10000)

    def _previews_rendered(self, _ms: float) -> None:
        self.live.preview.rendered.disconnect(self._previews_rendered)
        self.previews_ready.emit()

    def _device_changed(self, device: str) -> None:
        """The pane's own phone/desktop buttons: keep the View menu in step."""
        self.live.device = device
        self.actions[A.DEVICE_PHONE if device == "phone" else A.DEVICE_DESKTOP].setChecked(True)

    def _theme_changed(self, dark: bool) -> None:
        self.actions.refresh_icons()
        self.editor.set_dark(dark)
        self.spelling.set_dark(dark)
        self.list_panel.refresh_icons()
        self._sync_theme_actions()

    def _sync_theme_actions(self) -> None:
        ids = {ThemeMode.SYSTEM: A.THEME_SYSTEM, ThemeMode.LIGHT: A.THEME_LIGHT, ThemeMode.DARK: A.THEME_DARK}
        self.actions[ids[self.theme.mode]].setChecked(True)

    def _update_title(self) -> None:
        if self.article is None:
            self.setWindowTitle(APP_TITLE)
            return
        title = self.editor.value("title") or self.tr("Untitled")
        self.setWindowTitle(f"{title} — {self.tr(self.autosaver.state.value)} — {APP_TITLE}")

    def _stack_moved(self, _index: int = 0) -> None:
        self._update_enabled()

    def _update_enabled(self) -> None:
        has = self.article is not None
        for action_id in (A.SAVE, A.DUPLICATE, A.DELETE, A.REVISIONS, A.OPEN_STANDARD, A.EXPORT_ARTICLE,
                          A.BOLD, A.ITALIC, A.HEADING, A.LINK, A.QUOTE, A.LIST, A.INSERT_IMAGE):
            self.actions[action_id].setEnabled(has)

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About Digest Desk"), self.tr(
            "<h3>Digest Desk %1</h3><p>Write an article once; publish a standard page and a "
            "simplified AMP page.</p>").replace("%1", __version__))

    # -- persistence ----------------------------------------------------------------------
    def _restore_layout(self) -> None:
        s = self.settings
        geometry, state = keys.WINDOW_GEOMETRY.read(s), keys.WINDOW_STATE.read(s)
        sizes = keys.WINDOW_SPLITTER.read(s)
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        else:  # first run: a low dock, most of the height for the editor and previews
            QTimer.singleShot(0, lambda: self.resizeDocks([self.checks_dock], [130],
                                                          Qt.Orientation.Vertical))
        if sizes is not None:
            self.splitter.restoreState(sizes)
            self._splitter_state = sizes  # again once laid out at the restored width (showEvent)
        else:
            self._first_start = True
        for part, setting in ((self.list_panel, keys.VIEW_LIST), (self.live.preview, keys.VIEW_PREVIEWS)):
            if not setting.read(s):  # the splitter keeps widths, not this (showing would move them)
                part.hide()
        self._sync_panel_actions()
        self.actions[A.TOGGLE_DETAILS].setChecked(keys.VIEW_DETAILS.read(s))
        self.editor.details.setVisible(self.actions[A.TOGGLE_DETAILS].isChecked())
        device = keys.VIEW_DEVICE.read(s)
        self.actions[A.DEVICE_PHONE if device == "phone" else A.DEVICE_DESKTOP].setChecked(True)
        self.live.set_device(device)
        self.list_panel.set_filters(keys.LIST_STATUS.read(s), keys.LIST_CATEGORY.read(s),
                                    keys.LIST_SEARCH.read(s))

    def _links_dock_shown(self, visible: bool) -> None:
        if visible:
            QTimer.singleShot(0, self._fit_links_dock)

    def _fit_links_dock(self, tries: int = 3, asked: int = 0) -> None:
        """Shown lower than the Related Links panel needs: grow the dock so its table shows
        rows (the low default suits the checks; the user's own taller height stays)."""
        scroll = self.links_dock.widget()
        missing = self.links_panel.minimumSizeHint().height() - scroll.viewport().height()
        if missing <= 0 or not self.links_dock.isVisible() or tries <= 0:
            return
        target = max(asked, self.links_dock.height()) + missing  # the tab bar is counted in too
        self.resizeDocks([self.links_dock], [target], Qt.Orientation.Vertical)
        QTimer.singleShot(0, lambda: self._fit_links_dock(tries - 1, target))

    def save_layout(self) -> None:
        s = self.settings
        keys.WINDOW_GEOMETRY.write(s, self.saveGeometry())
        keys.WINDOW_STATE.write(s, self.saveState())
        keys.WINDOW_SPLITTER.write(s, self.splitter.saveState())
        keys.VIEW_DETAILS.write(s, self.actions[A.TOGGLE_DETAILS].isChecked())
        keys.VIEW_LIST.write(s, not self.list_panel.isHidden())
        keys.VIEW_PREVIEWS.write(s, not self.live.preview.isHidden())
        keys.VIEW_DEVICE.write(s, self.live.device)
        status, category, query = self.list_panel.filters()
        keys.LIST_STATUS.write(s, status)
        keys.LIST_CATEGORY.write(s, category)
        keys.LIST_SEARCH.write(s, query)
        s.sync()

    def _last_article(self) -> keys.Setting:
        """One remembered article per database file (ids mean nothing in another database)."""
        return keys.LAST_ARTICLE.for_database(self.store.path or self.store.label)

    def last_article_id(self) -> int | None:
        return self._last_article().read(self.settings)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.leave_article() and not self.autosaver.offline:  # offline: kept in the local draft
            event.ignore()
            return
        self._drop_opening()  # an open the server never answered: its lock goes stale by itself
        self.ops.give_up()  # an action waiting for a silent server stops waiting
        if not self.ops.finish_export(EXPORT_QUIT_WAIT_S):
            print("digest-desk: the export still waited for the database and was left unfinished; "
                  "the previous export is unchanged.", file=sys.stderr)
        self.save_layout()
        self.autosaver.wait(5000)
        self.safety.shutdown()
        self.links_panel.cancel_check()
        # Reads still out (nothing is lost without them) are waited for briefly on a team server,
        # which may have stopped answering: the window then closes without them.
        reads_ms = QUIT_READS_WAIT_MS if self.store.is_server else 3000
        self.links_panel.wait_for_suggestions(reads_ms)
        self.live.shutdown()
        self.spelling.shutdown()
        self.render_ahead.stop()
        if self.team_live is not None:
            self.team_live.shutdown()
        self.list_panel.model.wait(reads_ms)
        event.accept()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._splitter_state is not None:
            self.splitter.restoreState(self._splitter_state)  # not shared out by stretch factors
            self._splitter_state = None
        elif self._first_start:  # the window grew to the screen: share it as on the first start
            self._first_start = False
            QTimer.singleShot(0, lambda: self.splitter.setSizes(list(FIRST_SPLIT)))
        QTimer.singleShot(0, self.live.refresh_now)

