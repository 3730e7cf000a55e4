"""Live views of the open article: the preview pane, the checks panel, counts and the CSS budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from digest_desk.store.articles import categories

if TYPE_CHECKING:
    from digest_desk.ui.main_window import MainWindow

CHECK_DELAY_MS = 400


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setEnabled(False)
    return label


def _make_preview(parent: QWidget) -> QWidget:
    try:
        from digest_desk.ui.preview.pane import PreviewPane
    except ImportError:
        return _placeholder(parent.tr("The standard and simplified previews appear here."))
    return PreviewPane(parent)


def _make_checks(parent: QWidget) -> QWidget:
    try:
        from digest_desk.ui.checks_panel import ChecksPanel
    except ImportError:
        return _placeholder(parent.tr("Problems found by the checks appear here."))
    return ChecksPanel(parent)


class LiveViews(QObject):
    """Feeds the open article to the previews and the checks as the editor changes it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.preview = _make_preview(window)
        self.preview.setObjectName("preview")
        self.checks = _make_checks(window)
        self.checks.setObjectName("checks")
        self.device = "desktop"
        self._media: dict[str, Any] | None = None
        self._job_serial = 0
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self._slow_refresh)
        if hasattr(self.checks, "jump_requested"):
            self.checks.jump_requested.connect(window.editor.body.go_to_line)
            self.checks.fix_requested.connect(self._apply_fix)

    # -- what the window calls ------------------------------------------------------------
    def schedule(self) -> None:
        """The article changed: the preview debounces itself; checks and counts follow later."""
        self._show_preview()
        self._timer.start()

    def refresh_now(self) -> None:
        self._show_preview()
        self._slow_refresh()

    def article_opened(self) -> None:
        self.refresh_now()

    def article_closed(self) -> None:
        self._timer.stop()
        if hasattr(self.checks, "show_problems"):
            self.checks.show_problems([])

    def media_changed(self) -> None:
        self._media = None

    def follow_line(self, line: int) -> None:
        if hasattr(self.preview, "follow_line"):
            self.preview.follow_line(line)

    def set_device(self, device: str) -> None:
        self.device = device
        if hasattr(self.preview, "set_device"):
            self.preview.set_device(device)

    def shutdown(self) -> None:
        self._timer.stop()

    # -- rendering inputs -----------------------------------------------------------------
    def context(self, article) -> Any:
        """The RenderContext for ``article``: media by name, link target slugs, site sections."""
        try:
            from digest_desk.render import RenderContext
        except ImportError:
            return None
        store = self.window.store
        if self._media is None:
            try:
                from digest_desk.store.media import media_map
                self._media = media_map(store)
            except ImportError:
                self._media = {}
        targets = [link.target_article_id for link in article.links if link.target_article_id]
        slugs: dict[int, str] = {}
        if targets:
            from digest_desk.store.articles import list_articles

            slugs = {row.id: row.slug for row in list_articles(store, ids=targets)}
        return RenderContext(media=self._media, slugs=slugs, categories=categories(store))

    def _show_preview(self) -> None:
        editor = self.window.editor
        if editor.article is None or not hasattr(self.preview, "show_article"):
            return
        article = editor.edited_copy()
        self.preview.show_article(article, self.window.site, self.context(article))

    def _slow_refresh(self) -> None:
        editor = self.window.editor
        if editor.article is None:
            return
        self.window.readouts.show_counts(editor.body.toPlainText())
        self._run_checks(editor.edited_copy())

    def _run_checks(self, article) -> None:
        try:
            from digest_desk.checks import run_checks
            from digest_desk.render import AMP_CSS_BUDGET, amp_css_bytes
            from digest_desk.ui.tasks import run_in_background
        except ImportError:
            return
        site, ctx = self.window.site, self.context(article)
        self._job_serial += 1
        serial = self._job_serial

        def work() -> tuple[list, int]:
            return run_checks(article, site, ctx), amp_css_bytes(article, site, ctx)

        def done(result: tuple[list, int]) -> None:
            if serial != self._job_serial:
                return
            problems, css = result
            if hasattr(self.checks, "show_problems"):
                self.checks.show_problems(problems)
            self.window.readouts.show_css(css, AMP_CSS_BUDGET)

        run_in_background(work, on_done=done, on_error=lambda exc: self.window.statusBar()
                          .showMessage(self.window.tr("Checks failed: ") + str(exc), 8000))

    def _apply_fix(self, fix: Any) -> None:
        body = self.window.editor.body
        fixed = fix.apply(body.toPlainText())
        if fixed != body.toPlainText():
            body.replace_all(fixed)
