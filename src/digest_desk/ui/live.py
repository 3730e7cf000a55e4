"""Live views of the open article: the preview pane, the checks panel, counts and the CSS budget."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from digest_desk import render
from digest_desk.store import StoreError
from digest_desk.store.articles import categories, list_articles
from digest_desk.store.media import get_image_bytes, media_map
from digest_desk.ui.checks_panel import ChecksPanel
from digest_desk.ui.preview.job import clone_article
from digest_desk.ui.preview.pane import PreviewPane
from digest_desk.ui.tasks import LatestOnly

if TYPE_CHECKING:
    from digest_desk.ui.main_window import MainWindow

COUNT_DELAY_MS = 400


def checks_available() -> bool:
    return importlib.util.find_spec("digest_desk.checks") is not None


def _css_only(article: Any, site: Any, ctx: Any) -> tuple[int, int]:
    return render.amp_css_bytes(article, site, ctx), render.AMP_CSS_BUDGET


class LiveViews(QObject):
    """Feeds the open article to the previews and the checks as the editor changes it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.preview = PreviewPane(window)
        self.preview.set_media_loader(self._load_media)
        self.checks = ChecksPanel(window)
        self.device = "desktop"
        self._media: dict[str, Any] | None = None
        self._categories: list[str] | None = None
        self._css_worker = LatestOnly(self)
        self._timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._timer.timeout.connect(self._slow_refresh)
        self.checks.jump_requested.connect(window.editor.body.go_to_line)
        self.checks.fix_requested.connect(self._apply_fix)
        self.checks.css_bytes_changed.connect(window.readouts.show_css)
        self.preview.render_failed.connect(
            lambda msg: window.statusBar().showMessage(window.tr("Preview failed: ") + msg, 8000))
        if not checks_available():
            self.checks.summary.setText(window.tr("The checks are not installed in this build."))

    # -- what the window calls ------------------------------------------------------------
    def schedule(self) -> None:
        """The article changed: the preview and checks debounce themselves; counts follow."""
        self._feed()
        self._timer.start()

    def refresh_now(self) -> None:
        if self.window.editor.article is None:
            return
        self._feed()
        self.preview.render_now()
        self._slow_refresh()

    def article_opened(self) -> None:
        self._categories = None
        self.refresh_now()

    def article_closed(self) -> None:
        self._timer.stop()
        self.preview.clear()
        self.checks.show_problems([])

    def media_changed(self) -> None:
        self._media = None

    def follow_line(self, line: int) -> None:
        self.preview.follow_line(line)

    def set_device(self, device: str) -> None:
        self.device = device
        self.preview.set_device(device)

    def shutdown(self) -> None:
        self._timer.stop()
        self.preview.clear()
        self.preview.wait_idle(3000)
        self.checks.wait_idle(3000)
        self._css_worker.wait(3000)

    # -- rendering inputs -----------------------------------------------------------------
    def _load_media(self, name: str) -> bytes | None:
        try:
            return get_image_bytes(self.window.store, name)
        except StoreError:
            return None

    def context(self, article: Any) -> render.RenderContext:
        """Media by name, slugs of internal link targets, site sections."""
        store = self.window.store
        if self._media is None:
            self._media = media_map(store)
        if self._categories is None:
            self._categories = categories(store)
        targets = [link.target_article_id for link in article.links if link.target_article_id]
        slugs = {row.id: row.slug for row in list_articles(store, ids=targets)} if targets else {}
        return render.RenderContext(media=self._media, slugs=slugs, categories=self._categories)

    def _feed(self) -> None:
        editor = self.window.editor
        if editor.article is None:
            return
        article = editor.edited_copy()
        ctx = self.context(article)
        site = self.window.site
        self.preview.show_article(article, site, ctx)
        if checks_available():
            self.checks.check_article(article, site, ctx)
        else:
            self._css_worker.submit(_css_only, clone_article(article), site, ctx,
                                    on_done=lambda r: self.window.readouts.show_css(*r))

    def _slow_refresh(self) -> None:
        editor = self.window.editor
        if editor.article is not None:
            self.window.readouts.show_counts(editor.body.toPlainText())

    def _apply_fix(self, fix: Any) -> None:
        body = self.window.editor.body
        fixed = fix.apply(body.toPlainText())
        if fixed != body.toPlainText():
            body.replace_all(fixed)
