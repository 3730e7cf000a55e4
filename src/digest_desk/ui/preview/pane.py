"""The live previews: the standard page and the simplified AMP page, side by side or as tabs."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urljoin

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digest_desk.domain import detached_article
from digest_desk.domain.models import Article, Site
from digest_desk.render.context import base_url as render_base_url
from digest_desk.ui.preview import job
from digest_desk.ui.preview.blockdiff import diff_blocks
from digest_desk.ui.preview.cadence import Cadence
from digest_desk.ui.preview.engine import register_preview_scheme, webengine_unavailable_reason
from digest_desk.ui.preview.media import PREVIEW_SCHEME, MediaFolder, MediaLoader
from digest_desk.ui.tasks import LatestOnly, run_in_background

Source = Callable[[], "tuple[Article, Site, Any] | None"]

BLANK_PAGE = "<!doctype html><html><head><meta charset=\"utf-8\"></head><body></body></html>"
PHONE_WIDTH = 390
NARROW_WIDTH = 760
_NO_LIMIT = 16777215
WATCHDOG_MS = 8000  # a view that has not answered by then is reloaded
MAX_CRASHES = 3  # engine crashes before the pane falls back to the simple preview
# A body the previews have shown this long without a newer change has settled: its parsed form
# goes into the fragment cache then (versions typed past never do; export and checks reuse it).
SETTLED_MS = 600


def _make_view(name: str, fallback: bool, parent: QWidget) -> QWidget:
    from digest_desk.render.context import BODY_CONTAINER_ID

    if fallback:
        from digest_desk.ui.preview.fallback import TextPreviewView
        return TextPreviewView(name, BODY_CONTAINER_ID, parent)
    from digest_desk.ui.preview.webview import WebPreviewView
    return WebPreviewView(name, BODY_CONTAINER_ID, parent)


class PreviewPane(QWidget):
    """Shows an article in both renditions, following each change at the pace of ``Cadence``
    (the next event-loop turn while renders are cheap), newest render only.

    ``rendered(ms)``: both previews now show the newest request; ms from the start of the
    render to both pages updated. For long reads the first update may
    be provisional (only the edited blocks, rendered on their own); ``settled(ms)`` follows
    when the exact render is shown (at once for ordinary updates).

    With ``start=False`` the pane shows a light placeholder and loads no web engine until
    ``start()`` (the window calls it after its first paint); renders asked for meanwhile are
    computed and shown once the views exist.
    """

    rendered = Signal(float)
    settled = Signal(float)
    link_activated = Signal(QUrl)
    render_failed = Signal(str)
    device_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, media_loader: MediaLoader | None = None,
                 *, start: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("preview_pane")
        self.fallback_reason: str | None = None  # known once started
        self.started = False
        self._media = MediaFolder(media_loader)
        self._worker = LatestOnly(self)
        self.cadence = Cadence(self.render_now, self)
        self._source: Source | None = None  # read when a render starts, not on every change
        self._input: tuple[Article, Site, Any] | None = None
        self._shown_key: str | None = None
        self._shown_blocks: dict[str, list[Any]] = {}
        self._shown_body = ""
        self._shown_article: int | None = None
        self._busy = 0
        self._serial = 0
        self._crashes = 0
        self._crash_pending = False
        self._applying: job.RenderResult | None = None
        self._watchdog = QTimer(self, singleShot=True, interval=WATCHDOG_MS)
        self._watchdog.timeout.connect(self._recover)
        self._held_writes: Any = None  # parsed bodies of the versions rendered lately (_held)
        self._settled = QTimer(self, singleShot=True, interval=SETTLED_MS)
        self._settled.timeout.connect(self._store_settled)
        self._queued: job.RenderResult | None = None
        self._follow: int | None = None
        self._device = "desktop"
        self.last_render_ms = 0.0  # renderer time of the last applied update (for benchmarks)
        self._build()
        if start:
            self.start()

    def start(self) -> None:
        """Load the preview engine and put both views in place of the placeholders."""
        if self.started:
            return
        self.started = True
        self.fallback_reason = webengine_unavailable_reason()
        self._media.web = self.fallback_reason is None
        if self.fallback_reason is None:
            register_preview_scheme()
        if self.fallback_reason:
            self.notice.setText(self.tr("Simplified preview: {reason} Pages may look different "
                                        "from the published ones.").format(reason=self.fallback_reason))
            self.notice.show()
        for name in job.RENDITIONS:
            self._place_view(name)
        self._update_layout_mode()
        queued, self._queued = self._queued, None
        if queued is not None and self.is_fallback:
            self.render_now()  # computed for the web views: again for the simple ones
        elif queued is not None:
            self._apply(queued)

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._build_bar())
        self.notice = QLabel(self)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)  # the reason quotes a system error
        self.notice.setObjectName("preview_notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)
        self.splitter = QSplitter(self)
        self.views: dict[str, QWidget] = {}
        self._frames: dict[str, QWidget] = {}
        self._placeholders: dict[str, QLabel] = {}
        for name in job.RENDITIONS:
            self._add_view(name)
        layout.addWidget(self.splitter, 1)
        self._update_layout_mode()

    def _build_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("preview_tabs")
        self.tabs.addTab(self.tr("Standard"))
        self.tabs.addTab(self.tr("Simplified (AMP)"))
        self.tabs.currentChanged.connect(lambda _i: self._update_layout_mode())
        bar.addWidget(self.tabs)
        bar.addStretch(1)
        self._devices = QButtonGroup(self)
        for device, label in (("phone", self.tr("Phone")), ("desktop", self.tr("Desktop"))):
            button = QToolButton(self, text=label, checkable=True, objectName=f"device_{device}")
            button.setToolTip(self.tr("Preview at {device} width").format(device=label.lower()))
            button.setChecked(device == "desktop")
            button.clicked.connect(lambda _c=False, d=device: self.set_device(d))
            self._devices.addButton(button)
            bar.addWidget(button)
        return bar

    def _add_view(self, name: str) -> None:
        frame = QWidget(self.splitter)
        row = QHBoxLayout(frame)
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(0)
        row.addStretch(0)
        self.splitter.addWidget(frame)
        self._frames[name] = frame
        waiting = QLabel(self.tr("Preparing the preview…"), frame, objectName=f"preview_{name}_placeholder")
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        waiting.setEnabled(False)  # drawn in the palette's quiet colour
        waiting.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)  # no minimum of its own
        row.insertWidget(1, waiting, 1)
        self._placeholders[name] = waiting

    def _place_view(self, name: str) -> None:
        frame = self._frames[name]
        view = _make_view(f"preview_{name}", self.fallback_reason is not None, frame)
        view.link_clicked.connect(self._open_link)
        if hasattr(view, "crashed"):
            view.crashed.connect(self._on_crashed)
        view.setMaximumWidth(PHONE_WIDTH if self._device == "phone" else _NO_LIMIT)
        old = self.views.get(name)
        if old is None:
            old = self._placeholders.pop(name, None)
        if old is not None:
            frame.layout().removeWidget(old)
            old.hide()
            old.deleteLater()
        frame.layout().insertWidget(1, view, 1)
        self.views[name] = view

    # -- public API -----------------------------------------------------------------------
    @property
    def is_fallback(self) -> bool:
        return self.fallback_reason is not None

    @property
    def tabbed(self) -> bool:
        return not self.tabs.isHidden()

    def device(self) -> str:
        return self._device

    def set_device(self, device: str) -> None:
        """Preview at phone width (390 px) or at the full desktop width."""
        if device not in ("phone", "desktop"):
            raise ValueError(f"unknown device {device!r}: use 'phone' or 'desktop'")
        changed = device != self._device
        self._device = device
        for button in self._devices.buttons():
            button.setChecked(button.objectName() == f"device_{device}")
        width = PHONE_WIDTH if device == "phone" else _NO_LIMIT
        for view in self.views.values():
            view.setMaximumWidth(width)
        self._update_layout_mode()
        if changed:
            self.device_changed.emit(device)

    def set_media_loader(self, loader: MediaLoader | None) -> None:
        """Where picture bytes come from when ``ctx.media`` holds images without data."""
        self._media.loader = loader

    @property
    def shown_body(self) -> str:
        """The body both previews show now (the article's, or its start when it is huge)."""
        return self._shown_body

    def show_article(self, article: Article | None, site: Site | None = None, ctx: Any = None) -> None:
        """Ask for a refresh; it starts when the cadence allows (at once while renders are cheap)."""
        if article is None or site is None:
            self.clear()
            return
        self.follow_source(lambda: (article, site, ctx))

    def follow_source(self, source: Source) -> None:
        """The article changed: ``source()`` gives it (article, site, ctx) when the next render
        starts, so a burst of keys costs one copy of the article, not one per key."""
        self._source = source
        self.cadence.request()

    def render_now(self) -> None:
        """Start rendering the latest request at once."""
        if self._source is not None:
            self._input, self._source = self._source(), None
        if self._input is None:
            self.cadence.cancel()
            return
        self.cadence.began()
        article, site, ctx = self._input
        self._media.web = not self.is_fallback
        request = job.RenderRequest(
            article=detached_article(article), site=site,
            ctx=job.preview_context(ctx, self._media),
            meta_key=job.meta_key(article, site, ctx),
            full=False)
        request.full = self._needs_full(request.meta_key)
        if not request.full:
            request.shown = (self._shown_body, self._shown_blocks)
        self._worker.submit(job.compute, request, self._media, self._held(), on_done=self._on_result,
                            on_error=self._on_error)

    def _settle(self, request: job.RenderRequest) -> None:
        """The exact render of a request whose provisional result is shown (or could not be)."""
        exact = dataclasses.replace(request, shown=None)
        self._worker.submit(job.compute, exact, self._media, self._held(), on_done=self._on_result,
                            on_error=self._on_error)

    def follow_line(self, line: int) -> None:
        """Scroll the block holding markdown ``line`` (1-based) into view in both previews."""
        self._follow = line
        if self._busy == 0 and self._shown_key is not None:
            for view in self.views.values():
                view.follow_line(line)

    def clear(self) -> None:
        """No article: stop pending work and show empty pages."""
        if self._settled.isActive():  # the last version shown is the one the article keeps
            self._store_settled()
        self._settled.stop()
        self.cadence.cancel()
        self._worker.cancel()
        self._input = self._source = None
        self._serial += 1  # answers still on their way are ignored
        self._watchdog.stop()
        self._busy = 0
        self._applying = self._queued = None
        self._shown_key, self._shown_blocks, self._shown_body = None, {}, ""
        if not self.views:
            return  # not started: nothing shown yet
        base = self._base()
        for view in self.views.values():
            view.load_page(BLANK_PAGE, base, lambda _ok: None)

    def wait_idle(self, msecs: int = -1) -> bool:
        """Block until no render runs in the background (for tests and shutdown)."""
        return self._worker.wait(msecs)

    # -- applying results -----------------------------------------------------------------
    def _needs_full(self, key: str) -> bool:
        return (key != self._shown_key or self.is_fallback
                or (self._applying is not None and self._applying.request.meta_key != key))

    def _on_result(self, result: job.RenderResult) -> None:
        if self._busy or not self.started:
            self._queued = result
            return
        self._apply(result)

    def _on_error(self, exc: BaseException) -> None:
        self.cadence.finished()
        self.render_failed.emit(f"{type(exc).__name__}: {exc}")

    def _apply(self, result: job.RenderResult) -> None:
        request = result.request
        if result.provisional and request.meta_key != self._shown_key:
            self._settle(request)  # the pages changed meanwhile: the exact render reloads them
            return
        if result.pages is None and request.meta_key != self._shown_key:
            request.full = True  # the pages changed under this partial render: redo it whole
            self._worker.submit(job.compute, request, self._media, self._held(), on_done=self._on_result,
                                on_error=self._on_error)
            return
        self._applying = result
        self._busy = len(self.views)
        self._serial += 1
        done = partial(self._view_done, self._serial)
        self._watchdog.start()
        base = self._base()
        same_article = request.article.id == self._shown_article  # another story starts at the top
        for name, view in list(self.views.items()):
            if result.pages is not None:
                view.load_page(result.pages[name], base, done, keep_scroll=same_article)
                continue
            change = diff_blocks(self._shown_blocks.get(name, []), result.blocks[name])
            if change is None:
                done(True)
            else:
                view.splice(change, done)

    def _view_done(self, serial: int, ok: bool) -> None:
        result = self._applying
        if serial != self._serial or result is None:
            return  # an answer from before a recovery
        self._busy -= 1
        if not ok:
            self._shown_key = None  # the DOM is not what we think: reload the pages next time
        if self._busy > 0:
            return
        self._applying = None
        self._watchdog.stop()
        self._finish(result, ok)

    def _recover(self) -> None:
        """Forget what the views show and load whole pages again (after a crash or a hang)."""
        self._serial += 1
        self._crash_pending = False
        self._watchdog.stop()
        self._busy = 0
        self._applying = None
        self._queued = None
        self._shown_key = None
        self._shown_blocks = {}
        self._shown_body = ""
        self.render_now()

    def _on_crashed(self, reason: str) -> None:
        if self._crash_pending:
            return  # both views share one engine process: one crash, two reports
        self._crash_pending = True
        self._crashes += 1
        if self._crashes >= MAX_CRASHES and not self.is_fallback:
            self.fallback_reason = self.tr("the web preview engine stopped {n} times ({reason}).").format(
                n=self._crashes, reason=reason)
            self.notice.setText(self.tr("Simplified preview: {reason}").format(reason=self.fallback_reason))
            self.notice.show()
            for name in job.RENDITIONS:
                self._place_view(name)
            self._update_layout_mode()
        QTimer.singleShot(0, self._recover)

    def _finish(self, result: job.RenderResult, ok: bool) -> None:
        if ok:
            self._shown_key = result.request.meta_key
            self._shown_blocks = result.blocks
            self._shown_body = result.request.article.body or ""
            self._shown_article = result.request.article.id
            self.last_render_ms = result.render_ms
            elapsed = (time.perf_counter() - result.request.started) * 1000.0
            self.rendered.emit(elapsed)
            if not result.provisional:
                self.settled.emit(elapsed)
                self._settled.start()
        if not result.provisional:
            self.cadence.finished(measured=result.pages is None)  # a whole page sets no pace
        elif ok and self.cadence.pending():
            self.cadence.finished()  # a newer change renders next; the exact render waits for a pause
        elif ok:
            self._settle(result.request)
        queued, self._queued = self._queued, None
        if queued is not None:
            self._apply(queued)
        elif not ok:
            self.render_now()
        elif self._follow is not None:
            self.follow_line(self._follow)

    def _held(self) -> Any:
        """What the renders would have written to the fragment cache (made at the first render:
        the cache module loads Jinja, which the window's first paint does without)."""
        if self._held_writes is None:
            from digest_desk.render.fragments import HeldWrites
            self._held_writes = HeldWrites()
        return self._held_writes

    def _store_settled(self) -> None:
        """The body shown has stayed: write its parsed form (held by the renders) to the cache."""
        if self._busy or self.cadence.pending() or self._worker.busy():
            return  # a newer version is on its way: its own render starts the timer again
        body = self._shown_body
        if body and self._held_writes is not None:
            run_in_background(self._held_writes.write, body)

    def _base(self) -> QUrl:
        """Where the pages are loaded from: the preview scheme, or the folder for the fallback."""
        if self.is_fallback:
            return QUrl.fromLocalFile(str(self._media.root) + "/")
        from digest_desk.ui.preview.webview import serve_folder
        return serve_folder(self._media.host, self._media.root)

    # -- links and layout -----------------------------------------------------------------
    def _open_link(self, url: QUrl) -> None:
        """A clicked link goes to the system only as http(s), or mailto with subject/body."""
        from digest_desk.ui.preview.webview import external_url
        target = external_url(self._public_url(url))
        if target is None:
            return  # file:, javascript:, data: and any other scheme stay unopened
        self.link_activated.emit(target)
        QDesktopServices.openUrl(target)

    def _public_url(self, url: QUrl) -> QUrl:
        """Relative links resolve against the preview folder; send them to the real site."""
        if self._input is None:
            return url
        if url.scheme() == PREVIEW_SCHEME and url.host() == self._media.host:
            relative = url.path()
        elif url.isLocalFile():
            path = url.toLocalFile()
            root = str(self._media.root)
            relative = path[len(root):] if path.startswith(root) else path
        else:
            return url
        base = render_base_url(self._input[1])  # http(s) only, whatever the database says
        target = QUrl(urljoin(base, relative.lstrip("/")))
        if url.hasFragment():
            target.setFragment(url.fragment())
        return target

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_layout_mode()

    def _update_layout_mode(self) -> None:
        narrow = self.width() < NARROW_WIDTH
        self.tabs.setVisible(narrow)
        current = job.RENDITIONS[max(self.tabs.currentIndex(), 0)]
        for name, frame in self._frames.items():
            frame.setVisible(not narrow or name == current)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.clear()
        super().closeEvent(event)
