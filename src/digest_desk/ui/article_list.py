"""The article list: a lazily paged model over the store, full-text search as you type, filters."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from digest_desk.domain import Status
from digest_desk.domain.zones import in_zone, short_when
from digest_desk.store import Store
from digest_desk.store.articles import ArticleRow, categories, count_articles, list_articles
from digest_desk.store.locks import HEARTBEAT_EVERY, LockState, locks_by_others
from digest_desk.store.published import is_on_site
from digest_desk.store.search import search_ids
from digest_desk.ui import icons
from digest_desk.ui.tasks import InOrder, Job

PAGE = 400
KEEP_PAGES = 60
SEARCH_LIMIT = 500
SEARCH_DELAY_MS = 200
LOCKS_EVERY_MS = int(HEARTBEAT_EVERY * 1000)  # how often the list asks who is editing what
COLUMNS = ("Title", "", "Date")  # the status column shows an icon
ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
EDITOR_ROLE = Qt.ItemDataRole.UserRole + 3  # the name of another editor editing the row's article


def _date_text(row: ArticleRow, full: bool = False) -> str:
    when: datetime | None = row.published_at or row.updated_at
    if when is None:
        return ""
    return when.astimezone().strftime("%Y-%m-%d %H:%M" if full else "%d %b %y")


def _waiting(row: ArticleRow) -> bool:
    """Scheduled (or Published with a future date) and not on the site yet: shown with a clock."""
    return (str(row.status).lower() in (Status.SCHEDULED.value, Status.PUBLISHED.value)
            and row.published_at is not None and not is_on_site(str(row.status), row.published_at))


class ArticleListModel(QAbstractTableModel):
    """All articles newest first (or search hits best first), rows read from the store page by page."""

    loading_changed = Signal(bool)
    failed = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._reads = InOrder(self)
        self._jobs: list[Job] = []  # reads asked for since the last reload (a page each at most)
        self._count = 0
        self._pages: OrderedDict[int, list[ArticleRow]] = OrderedDict()
        # Pages read before the last count, shown (and clickable) until each is read again: a
        # refresh never blanks the rows to "Loading…", so a click during one opens what it shows.
        self._stale: dict[int, list[ArticleRow]] = {}
        self._counted: tuple[str, str] | None = None  # the filters the last count was for
        self.refreshing = False  # during a reset that only reads the same list again
        self._pending: set[int] = set()
        self._hits: list[ArticleRow] | None = None  # search results (all loaded at once)
        self._query = ""
        self._status = ""
        self._category = ""
        self._locks: dict[int, LockState] = {}  # articles other editors are editing, by id
        self.holder: str | None = None  # this window's lock holder: its own locks are not shown
        self.zone = "UTC"  # the site's time zone: scheduled times are shown in it

    # -- filters --------------------------------------------------------------------------
    def set_filter(self, *, query: str | None = None, status: str | None = None,
                   category: str | None = None) -> None:
        if query is not None:
            self._query = query.strip()
        if status is not None:
            self._status = status
        if category is not None:
            self._category = category
        self.reload()

    @property
    def query(self) -> str:
        return self._query

    def reload(self) -> None:
        """Forget loaded rows and count again (after a save, a new article or a filter change)."""
        for job in self._jobs:  # answers to an older question are not wanted (nor read, if queued)
            job.cancel()
        self._jobs.clear()
        self._pending.clear()
        self.loading_changed.emit(True)
        store, status, category, query = self._store, self._status, self._category, self._query
        if query:
            def find() -> list[ArticleRow]:
                rank = {article_id: i for i, article_id in enumerate(search_ids(store, query, SEARCH_LIMIT))}
                rows = list_articles(store, status=status or None, category=category or None,
                                     ids=list(rank))
                return sorted(rows, key=lambda r: rank[r.id])
            self._submit("search", find)
        else:
            self._submit("count", lambda: count_articles(store, status=status or None,
                                                         category=category or None))

    def _submit(self, key: object, fn: Callable[[], Any]) -> None:
        """One read off the UI thread; its result (or error) comes back with its key."""
        self._jobs.append(self._reads.submit(fn, on_done=lambda result: self._delivered(key, result),
                                             on_error=lambda exc: self._delivered(key, exc)))

    def wait(self, msecs: int = 5000) -> bool:
        """Block until queued reads are done (tests, shutdown)."""
        return self._reads.wait(msecs)

    def read_in_queue(self, fn: Callable[[Store], Any], on_done: Callable[[Any], None]) -> None:
        """Another small read in the list's queue (``wait`` covers it); a failure keeps what is
        shown (a server away: the next refresh reads it again)."""
        store = self._store
        self._reads.submit(lambda: fn(store), on_done=on_done, on_error=lambda _exc: None)

    def refresh_locks(self) -> None:
        """Ask again who else is editing what (off the UI thread; a handful of rows)."""
        store, holder = self._store, self.holder
        self._reads.submit(lambda: locks_by_others(store, holder), on_done=self._locks_loaded,
                           on_error=lambda _exc: None)  # kept as shown; the next refresh retries

    def _locks_loaded(self, locks: dict[int, LockState]) -> None:
        before = {i: s.editor for i, s in self._locks.items()}
        self._locks = dict(locks)
        if before != {i: s.editor for i, s in self._locks.items()} and self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, 0))

    def lock_of(self, article_id: int) -> LockState | None:
        """Another editor's live lock on the article, as last read."""
        return self._locks.get(article_id)

    def _delivered(self, key: object, result: object) -> None:
        if isinstance(result, BaseException):
            self.failed.emit(str(result))
            self.loading_changed.emit(False)
            return
        if key == "search":
            self.beginResetModel()
            self._hits, self._pages, self._stale = list(result), OrderedDict(), {}
            self._count, self._counted = len(self._hits), None
            self.endResetModel()
        elif key == "count":
            counted = (self._status, self._category)
            same = self._hits is None and counted == self._counted  # a refresh, not a new filter
            self.refreshing = same
            self.beginResetModel()
            self._stale = {**self._stale, **self._pages} if same else {}
            self._hits, self._pages, self._count, self._counted = None, OrderedDict(), int(result), counted
            self.endResetModel()
            self.refreshing = False
        else:
            self._page_loaded(int(key), list(result))
        if not self._pending:
            self.loading_changed.emit(False)

    def _page_loaded(self, page: int, rows: list[ArticleRow]) -> None:
        self._pending.discard(page)
        self._stale.pop(page, None)
        self._pages[page] = rows
        while len(self._pages) > KEEP_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE
        last = min(first + PAGE, self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def _request_page(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        store, status, category = self._store, self._status or None, self._category or None
        self._submit(page, lambda: list_articles(store, status=status, category=category,
                                                 offset=page * PAGE, limit=PAGE))

    # -- rows -----------------------------------------------------------------------------
    def row_at(self, row: int) -> ArticleRow | None:
        """The article shown in ``row``: as read before the last refresh while its page is read
        again, None while a page never read is."""
        if row < 0 or row >= self._count:
            return None
        if self._hits is not None:
            return self._hits[row]
        page, offset = divmod(row, PAGE)
        rows = self._pages.get(page)
        if rows is None:
            self._request_page(page)
            rows = self._stale.get(page)
            return rows[offset] if rows is not None and offset < len(rows) else None
        self._pages.move_to_end(page)
        return rows[offset] if offset < len(rows) else None

    def row_of(self, article_id: int) -> int:
        """Row of a loaded article (read since the last refresh, else before it), or -1."""
        if self._hits is not None:
            return next((i for i, r in enumerate(self._hits) if r.id == article_id), -1)
        for pages in (self._pages, self._stale):
            for page, rows in pages.items():
                for i, r in enumerate(rows):
                    if r.id == article_id and page * PAGE + i < self._count:
                        return page * PAGE + i
        return -1

    def refreshed(self, article_ids: list[int]) -> bool:
        """Whether each of these articles is found in a page read since the last refresh."""
        fresh = {r.id for rows in self._pages.values() for r in rows}
        return self._hits is not None or all(i in fresh for i in article_ids)

    def update_article(self, row: ArticleRow) -> bool:
        """Show a saved article's new title/status in place; False when a reload is needed
        (not loaded, or its date moved it to another place in the order)."""
        index = self.row_of(row.id)
        if index < 0:
            return False
        old = self.row_at(index)
        if old is None or old.published_at != row.published_at or self._status or self._category:
            return False
        if self._hits is not None:
            self._hits[index] = row
        else:
            page, offset = divmod(index, PAGE)
            (self._pages.get(page) or self._stale[page])[offset] = row
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))
        return True

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        col = index.column()
        if row is None:
            return self.tr("Loading…") if role == Qt.ItemDataRole.DisplayRole and col == 0 else None
        status = str(row.status).lower()
        waiting = _waiting(row)
        lock = self._locks.get(row.id)
        if role == Qt.ItemDataRole.DisplayRole:
            when = in_zone(row.published_at, self.zone).strftime("%d %b %H:%M") if waiting else _date_text(row)
            title = row.title or self.tr("(untitled)")
            if lock is not None and col == 0:
                title = self.tr("%1 — %2 is editing").replace("%1", title).replace("%2", lock.who())
            return (title, "", when)[col]
        if role == ID_ROLE:
            return row.id
        if role == STATUS_ROLE:
            return status
        if role == EDITOR_ROLE:
            return lock.who() if lock is not None else None
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return icons.get("locked") if lock is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if lock is not None:
                return self.tr("{0}\n{1} is editing this article; it opens read-only here.").format(
                    row.title, lock.who())
            if waiting:
                return self.tr("{0}\nScheduled: appears on {1} ({2})").format(
                    row.title, short_when(row.published_at, self.zone), self.zone)
            return (f"{row.title}\n/{row.slug}/ · {row.category or '—'} · {status} · "
                    f"{_date_text(row, full=True)}")
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            return icons.get("scheduled" if waiting else status)
        return None


class ArticleView(QTreeView):
    """The table of articles; tells when the user (keys or mouse) moves the current row."""

    current_moved = Signal(QModelIndex)
    touched = Signal()  # a key or a click of the user's: the selection is theirs from now on

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.touched.emit()
        before = self.currentIndex()
        super().keyPressEvent(event)
        self._moved(before)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit()
        before = self.currentIndex()
        super().mousePressEvent(event)
        self._moved(before)

    def _moved(self, before: QModelIndex) -> None:
        now = self.currentIndex()
        if now.isValid() and now.row() != before.row():
            self.current_moved.emit(now)


# The list's context menu: (action key, text); the window carries each out on the selected rows.
BULK_ACTIONS = (
    ("publish", "Publish"),
    ("unpublish", "Unpublish (Draft)"),
    ("schedule", "Schedule…"),
    ("category", "Set Category…"),
    (None, ""),
    ("delete", "Delete…"),
)


class ArticleListPanel(QWidget):
    """Search box, status and category filters above the article table."""

    article_activated = Signal(int)
    bulk_requested = Signal(str, list)  # an action of BULK_ACTIONS and the selected article ids

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.current_id: int | None = None  # the article open in the editor
        self._kept: list[int] | None = None  # a multiple selection a refresh puts back by id
        self._keep_scroll: int | None = None  # where to scroll back to after a refresh
        self.model = ArticleListModel(store, self)
        self.search_box = QLineEdit(placeholderText=self.tr("Search all articles…"))
        self.search_box.setObjectName("article-search")
        self.search_box.setClearButtonEnabled(True)
        self._find_icon = self.search_box.addAction(icons.get("find"),
                                                    QLineEdit.ActionPosition.LeadingPosition)
        self.status_filter = QComboBox(objectName="status-filter")
        self.status_filter.addItem(self.tr("Any status"), "")
        for status in Status:
            self.status_filter.addItem(icons.get(status.value), self.tr(status.value.title()), status.value)
        self.category_filter = QComboBox(objectName="category-filter")
        self.notice = QLabel(objectName="list-notice")
        self.view = self._make_view()
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self._layout()
        self._categories_loaded(categories(store))  # at once: remembered filters choose from them
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        self.category_filter.currentIndexChanged.connect(self._filters_changed)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        self.view.current_moved.connect(self._activated)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.model.loading_changed.connect(self._loading)
        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.view.touched.connect(self._forget_selection)
        self.model.failed.connect(lambda msg: self.notice.setText(self.tr("Cannot list: ") + msg))
        self._locks_timer = QTimer(self, interval=LOCKS_EVERY_MS)
        self._locks_timer.timeout.connect(self.model.refresh_locks)
        self.model.reload()

    def show_locks_of_others(self, holder: str) -> None:
        """Show who else is editing what, leaving out this window's own locks (``holder``)."""
        self.model.holder = holder
        self.model.refresh_locks()
        self._locks_timer.start()

    def _make_view(self) -> ArticleView:
        view = ArticleView(objectName="article-list")
        view.setModel(self.model)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.setRootIsDecorated(False)
        view.setUniformRowHeights(True)
        view.setAlternatingRowColors(True)
        header = view.header()
        header.setStretchLastSection(False)
        # Fixed widths: sizing columns to their contents would read a thousand rows per change.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 28)
        header.resizeSection(2, view.fontMetrics().horizontalAdvance("00 Mmm 00:00") + 16)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        return view

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.category_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.search_box)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.notice)

    def refresh_icons(self) -> None:
        """Redraw icons in the current palette (after a theme switch)."""
        for i in range(1, self.status_filter.count()):
            self.status_filter.setItemIcon(i, icons.get(self.status_filter.itemData(i)))
        self._find_icon.setIcon(icons.get("find"))
        self.view.viewport().update()

    def refresh_categories(self) -> None:
        """Read the categories again, off the UI thread (in the list's queue of reads, so a
        silent team server holds that queue, never the window); the filter keeps its choice."""
        self.model.read_in_queue(categories, self._categories_loaded)

    def _categories_loaded(self, names: list[str]) -> None:
        current = self.category_filter.currentData() or ""
        self.category_filter.blockSignals(True)
        self.category_filter.clear()
        self.category_filter.addItem(self.tr("Any category"), "")
        for name in names:
            self.category_filter.addItem(name, name)
        self.category_filter.setCurrentIndex(max(0, self.category_filter.findData(current)))
        self.category_filter.blockSignals(False)

    def _apply_search(self) -> None:
        self.model.set_filter(query=self.search_box.text())

    def _filters_changed(self) -> None:
        self.model.set_filter(status=self.status_filter.currentData() or "",
                              category=self.category_filter.currentData() or "")

    def refresh(self) -> None:
        """Read the list again after changes made elsewhere, keeping the scroll position."""
        self._keep_scroll = self.view.verticalScrollBar().value()
        self.model.reload()
        self.refresh_categories()

    def _loading(self, busy: bool) -> None:
        if busy:
            self.notice.setText(self.tr("Reading…"))
            return
        if self._keep_scroll is not None:
            self.view.verticalScrollBar().setValue(self._keep_scroll)
            self._keep_scroll = None
        if self._kept is not None:
            self._restore_selection(self._kept)
        elif self.current_id is not None and self.selected_id() != self.current_id:
            self.select_article(self.current_id)
        count = self.model.rowCount()
        if self.model.query:
            text = self.tr("1 match") if count == 1 else self.tr("%1 matches")
        else:
            text = self.tr("1 article") if count == 1 else self.tr("%1 articles")
        self.notice.setText(text.replace("%1", f"{count:,}"))

    def _keep_selection(self) -> None:
        """Before the list is read again: a multiple selection is remembered by article, since
        rows move when articles are added or re-dated meanwhile (a filter change drops it)."""
        if not self.model.refreshing:
            self._kept = None
            return
        ids = self.selected_ids()
        if len(ids) > 1:
            self._kept = ids

    def _forget_selection(self) -> None:
        self._kept = None

    def _restore_selection(self, ids: list[int]) -> None:
        """Select the remembered articles where they are now, the open one current; done
        once every one of them is found in rows read since the refresh."""
        model, last = self.model, len(COLUMNS) - 1
        rows = [model.row_of(i) for i in [*ids, self.current_id] if i is not None]
        selection = QItemSelection()
        for row in (r for r in rows if r >= 0):
            selection.select(model.index(row, 0), model.index(row, last))
        selection_model = self.view.selectionModel()
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
                               | QItemSelectionModel.SelectionFlag.Rows)
        current = model.row_of(self.current_id) if self.current_id is not None else -1
        if current >= 0:
            selection_model.setCurrentIndex(model.index(current, 0),
                                            QItemSelectionModel.SelectionFlag.NoUpdate)
        if model.refreshed(ids):
            self._kept = None

    def _activated(self, index: QModelIndex) -> None:
        """Open the row's article (the window saves the open one first); when that fails, the
        highlight goes back to the article still open, so the two never differ."""
        article_id = self.model.data(index, ID_ROLE)
        if article_id is None or int(article_id) == self.current_id:
            return
        self.article_activated.emit(int(article_id))
        if self.current_id != int(article_id):
            self.select_article(self.current_id)

    def select_article(self, article_id: int | None) -> None:
        """Highlight an article's row when it is loaded (without emitting activation); a row
        already current keeps the rest of a multiple selection."""
        if article_id != self.current_id:
            self._kept = None  # another article opens: the selection follows it
        self.current_id = article_id
        if article_id is None:
            self.view.clearSelection()
            return
        row = self.model.row_of(article_id)
        if row < 0 or self.view.currentIndex().row() == row:
            return
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.view.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)

    def selected_ids(self) -> list[int]:
        """Ids of the selected rows in list order (the current row's when nothing is selected)."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        ids = [self.model.data(self.model.index(r, 0), ID_ROLE) for r in rows]
        found = [int(i) for i in ids if i is not None]
        if not found and self.selected_id() is not None:
            found = [self.selected_id()]
        return found

    def titles(self, ids: list[int]) -> list[str]:
        """Titles of loaded rows among ``ids`` (for confirmations)."""
        out = []
        for article_id in ids:
            row = self.model.row_at(self.model.row_of(article_id))
            if row is not None:
                out.append(row.title or self.tr("(untitled)"))
        return out

    def _context_menu(self, pos: QPoint) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        menu = self.context_menu(ids)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def context_menu(self, ids: list[int]) -> QMenu:
        """The menu of what can be done to the selected articles."""
        menu = QMenu(self)
        menu.setObjectName("article-list-menu")
        for key, text in BULK_ACTIONS:
            if key is None:
                menu.addSeparator()
                continue
            action = menu.addAction(self.tr(text))
            action.setObjectName("bulk." + key)
            action.triggered.connect(lambda _c=False, k=key, i=list(ids): self.bulk_requested.emit(k, i))
        return menu

    # -- filters kept between runs --------------------------------------------------------
    def filters(self) -> tuple[str, str, str]:
        """(status, category, search text) as shown."""
        return (self.status_filter.currentData() or "", self.category_filter.currentData() or "",
                self.search_box.text())

    def set_filters(self, status: str, category: str, query: str) -> None:
        """Show remembered filters (a category that no longer exists shows as "Any")."""
        for combo, value in ((self.status_filter, status), (self.category_filter, category)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.search_box.blockSignals(True)
        self.search_box.setText(query)
        self.search_box.blockSignals(False)
        status, category, query = self.filters()
        self.model.set_filter(query=query, status=status, category=category)

    def selected_id(self) -> int | None:
        index = self.view.currentIndex()
        value = self.model.data(index, ID_ROLE) if index.isValid() else None
        return int(value) if value is not None else None
