"""A QtWebEngine preview view: loads a page once, then splices body blocks in place."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from digest_desk.ui.preview.blockdiff import Splice
from digest_desk.ui.preview.dom_script import DOM_SCRIPT

Done = Callable[[bool], None]
# setHtml goes through a data: URL, which Chromium caps at 2 MB; bigger pages load from a file.
SET_HTML_LIMIT = 1_500_000
NavType = QWebEnginePage.NavigationType


class LinkGuardPage(QWebEnginePage):
    """Keeps the preview where it is: clicked links are handed out, never followed here."""

    link_clicked = Signal(QUrl)

    def acceptNavigationRequest(self, url: QUrl | str, nav_type: NavType,  # noqa: N802
                                is_main_frame: bool) -> bool:
        url = QUrl(url)
        if nav_type == NavType.NavigationTypeLinkClicked:
            if _same_document(url, self.url()):
                return True
            self.link_clicked.emit(url)
            return False
        if nav_type == NavType.NavigationTypeFormSubmitted:
            return False
        return True

    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> QWebEnginePage:  # noqa: N802
        """Links with ``target=_blank`` ask for a new window: catch their URL instead."""
        catcher = _NewWindowCatcher(self)
        catcher.link_clicked.connect(self.link_clicked)
        return catcher


class _NewWindowCatcher(QWebEnginePage):
    link_clicked = Signal(QUrl)

    def __init__(self, parent: QWebEnginePage) -> None:
        super().__init__(parent.profile(), parent)

    def acceptNavigationRequest(self, url: QUrl | str, _nav_type: NavType,  # noqa: N802
                                _is_main_frame: bool) -> bool:
        self.link_clicked.emit(QUrl(url))
        self.deleteLater()
        return False


def _same_document(target: QUrl, current: QUrl) -> bool:
    return target.hasFragment() and (
        target.adjusted(QUrl.UrlFormattingOption.RemoveFragment)
        == current.adjusted(QUrl.UrlFormattingOption.RemoveFragment))


class WebPreviewView(QWebEngineView):
    """One rendition's preview. The owner serialises calls: one load or splice at a time."""

    link_clicked = Signal(QUrl)
    crashed = Signal(str)
    supports_splice = True

    def __init__(self, name: str, container_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._name = name
        self._container_id = container_id
        self._load_done: Done | None = None
        self._restore: QPointF | None = None
        page = LinkGuardPage(self)
        page.link_clicked.connect(self.link_clicked)
        page.scripts().insert(_dom_script())
        self.setPage(page)
        self.loadFinished.connect(self._on_load_finished)
        page.renderProcessTerminated.connect(self._on_terminated)

    def _on_terminated(self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int) -> None:
        if status != QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            self._load_done = None
            self.crashed.emit(f"{status.name}, exit code {code}")

    def load_page(self, html: str, base: QUrl, done: Done, keep_scroll: bool = True) -> None:
        """Show a whole page, keeping the reader's scroll position (unless told otherwise)."""
        if not keep_scroll:
            self._restore = None
        elif self._load_done is None:
            self._restore = self.page().scrollPosition()
        self._load_done = done
        if len(html) > SET_HTML_LIMIT // 4 and len(html.encode()) > SET_HTML_LIMIT and base.isLocalFile():
            target = Path(base.toLocalFile()) / f"preview-{self._name}.html"
            target.write_text(html, encoding="utf-8")
            self.load(QUrl.fromLocalFile(str(target)))
        else:
            self.setHtml(html, base)

    def _on_load_finished(self, ok: bool) -> None:
        done, self._load_done = self._load_done, None
        restore, self._restore = self._restore, None
        if restore is not None and (restore.x() or restore.y()):
            self.page().runJavaScript(f"window.scrollTo({restore.x()}, {restore.y()});", 0)
        if done is not None:
            done(ok)

    def splice(self, change: Splice, done: Done) -> None:
        """Patch only the changed blocks; ``done(False)`` when the page did not match."""
        args = json.dumps([self._container_id, *change.as_args()])
        script = f"window.ddPreview ? window.ddPreview.splice.apply(null, {args}) : -1"
        self.page().runJavaScript(script, 0, lambda count: done(count == change.total))

    def follow_line(self, line: int, done: Callable[[object], None] | None = None) -> None:
        """Scroll the block holding markdown ``line`` into view (only when it is out of view)."""
        script = (f"window.ddPreview ? window.ddPreview.follow({json.dumps(self._container_id)},"
                  f" {int(line)}) : null")
        if done is None:
            self.page().runJavaScript(script, 0)
        else:
            self.page().runJavaScript(script, 0, done)


def _dom_script() -> QWebEngineScript:
    script = QWebEngineScript()
    script.setName("digest-desk-preview")
    script.setSourceCode(DOM_SCRIPT)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    return script
