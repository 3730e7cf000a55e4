"""A locked-down QtWebEngine preview view: loads a page once, then splices body blocks in place.

Page content runs no script (our own patching script lives in the isolated application world),
reads no file outside the preview folder, loads nothing from the network, and navigates only
when the editor clicks a link, which is handed out, never followed here.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QObject, QPointF, QUrl, QUrlQuery, Signal
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlSchemeHandler,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from digest_desk.ui.preview.blockdiff import Splice
from digest_desk.ui.preview.dom_script import DOM_SCRIPT
from digest_desk.ui.preview.media import PREVIEW_SCHEME

Done = Callable[[bool], None]
# setHtml goes through a data: URL, which Chromium caps at 2 MB; bigger pages load from a file.
SET_HTML_LIMIT = 1_500_000
NavType = QWebEnginePage.NavigationType
# Our patching script and every script we run live here, apart from the page's own (disabled) one.
PREVIEW_WORLD = int(QWebEngineScript.ScriptWorldId.ApplicationWorld)
EXTERNAL_SCHEMES = ("http", "https", "mailto")
MAILTO_KEYS = ("subject", "body")
_OFF = (
    QWebEngineSettings.WebAttribute.JavascriptEnabled,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
    QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows,
    QWebEngineSettings.WebAttribute.JavascriptCanAccessClipboard,
    QWebEngineSettings.WebAttribute.JavascriptCanPaste,
    QWebEngineSettings.WebAttribute.PluginsEnabled,
    QWebEngineSettings.WebAttribute.PdfViewerEnabled,
    QWebEngineSettings.WebAttribute.AllowRunningInsecureContent,
    QWebEngineSettings.WebAttribute.AllowGeolocationOnInsecureOrigins,
    QWebEngineSettings.WebAttribute.AllowWindowActivationFromJavaScript,
    QWebEngineSettings.WebAttribute.XSSAuditingEnabled,
    QWebEngineSettings.WebAttribute.DnsPrefetchEnabled,
    QWebEngineSettings.WebAttribute.HyperlinkAuditingEnabled,
)


def external_url(url: QUrl) -> QUrl | None:
    """``url`` when the system may open it: http(s) with a host, or mailto with subject/body only."""
    scheme = url.scheme().lower()
    if scheme not in EXTERNAL_SCHEMES or not url.isValid():
        return None
    if scheme != "mailto":
        return url if url.host() else None
    query = QUrlQuery(url)
    kept = QUrlQuery()
    for key, value in query.queryItems(QUrl.ComponentFormattingOption.FullyEncoded):
        if key.lower() in MAILTO_KEYS:
            kept.addQueryItem(key, value)
    clean = QUrl(url)
    clean.setQuery(kept.query(QUrl.ComponentFormattingOption.FullyEncoded) or None,
                   QUrl.ParsingMode.StrictMode)
    clean.setFragment(None)
    return clean if clean.path() and "@" in clean.path() else None


class PreviewFolders(QWebEngineUrlSchemeHandler):
    """Serves ``dd-preview://HOST/PATH`` from the preview folder registered for HOST, nothing else."""

    MAX_BYTES = 64 * 1024 * 1024

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folders: dict[str, Path] = {}

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802
        path = self.file_for(job.requestUrl())
        if path is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        try:
            data = path.read_bytes()
        except OSError:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        job.reply(mime.encode(), buffer)

    def file_for(self, url: QUrl) -> Path | None:
        """The regular file inside the host's folder that ``url`` names, or None."""
        root = self.folders.get(url.host())
        if root is None or url.scheme() != PREVIEW_SCHEME:
            return None
        try:
            path = (root / url.path().lstrip("/")).resolve()
            path.relative_to(root)
            ok = path.is_file() and path.stat().st_size <= self.MAX_BYTES
        except (OSError, ValueError):
            return None
        return path if ok else None


def preview_folders() -> PreviewFolders:
    """The scheme handler of the default profile (installed on first use)."""
    profile = QWebEngineProfile.defaultProfile()
    handler = profile.urlSchemeHandler(PREVIEW_SCHEME.encode())
    if isinstance(handler, PreviewFolders):
        return handler
    handler = PreviewFolders(profile)
    profile.installUrlSchemeHandler(PREVIEW_SCHEME.encode(), handler)
    return handler


def serve_folder(host: str, root: Path) -> QUrl:
    """Make ``root`` loadable as ``dd-preview://host/``; returns that base URL."""
    preview_folders().folders[host] = root.resolve()
    return QUrl(f"{PREVIEW_SCHEME}://{host}/")


class LocalOnlyInterceptor(QWebEngineUrlRequestInterceptor):
    """Lets a preview load its own page and its own folder's pictures, nothing else."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host: str | None = None
        self.blocked: list[str] = []  # what page content asked for and did not get (for tests)

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802
        url = info.requestUrl()
        if not self._allowed(url):
            self.blocked.append(url.toString()[:200])
            info.block(True)

    def _allowed(self, url: QUrl) -> bool:
        scheme = url.scheme().lower()
        if scheme == "data":
            return True  # setHtml; page scripts cannot run, so a data: frame is inert
        return scheme == PREVIEW_SCHEME and self.host is not None and url.host() == self.host


class LinkGuardPage(QWebEnginePage):
    """Keeps the preview where it is: clicked links are handed out, never followed here.

    The only other navigations accepted are the loads the view itself starts.
    """

    link_clicked = Signal(QUrl)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.expected_loads = 0
        settings = self.settings()
        for attribute in _OFF:
            settings.setAttribute(attribute, False)
        settings.setUnknownUrlSchemePolicy(
            QWebEngineSettings.UnknownUrlSchemePolicy.DisallowUnknownUrlSchemes)
        self.interceptor = LocalOnlyInterceptor(self)
        self.setUrlRequestInterceptor(self.interceptor)

    def acceptNavigationRequest(self, url: QUrl | str, nav_type: NavType,  # noqa: N802
                                is_main_frame: bool) -> bool:
        url = QUrl(url)
        if nav_type == NavType.NavigationTypeLinkClicked:
            if _same_document(url, self.url()):
                return True
            self.link_clicked.emit(url)
            return False
        if not is_main_frame:
            return url.scheme() in ("about", "data")  # inert frames only; never a file or a site
        if nav_type in (NavType.NavigationTypeTyped, NavType.NavigationTypeOther) \
                and self.expected_loads > 0 and self._own(url):
            self.expected_loads -= 1
            return True
        return False  # redirects, refreshes, form posts, history moves: nothing we started

    def _own(self, url: QUrl) -> bool:
        """A page the view loads itself: setHtml's data: URL or a file of its own folder."""
        host = self.interceptor.host
        return url.scheme() == "data" or (url.scheme() == PREVIEW_SCHEME and url.host() == host)

    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> QWebEnginePage:  # noqa: N802
        """Links with ``target=_blank`` ask for a new window: catch their URL instead."""
        catcher = _NewWindowCatcher(self)
        catcher.link_clicked.connect(self.link_clicked)
        return catcher


class _NewWindowCatcher(QWebEnginePage):
    link_clicked = Signal(QUrl)

    def __init__(self, parent: QWebEnginePage) -> None:
        super().__init__(parent.profile(), parent)
        for attribute in _OFF:
            self.settings().setAttribute(attribute, False)

    def acceptNavigationRequest(self, url: QUrl | str, nav_type: NavType,  # noqa: N802
                                _is_main_frame: bool) -> bool:
        if nav_type == NavType.NavigationTypeLinkClicked:
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
        page = self._guard = LinkGuardPage(self)
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
        guard = self._guard
        guard.interceptor.host = base.host() if base.scheme() == PREVIEW_SCHEME else None
        guard.expected_loads += 1
        root = preview_folders().folders.get(base.host()) if guard.interceptor.host else None
        if len(html) > SET_HTML_LIMIT // 4 and len(html.encode()) > SET_HTML_LIMIT and root:
            name = f"preview-{self._name}.html"
            (root / name).write_text(html, encoding="utf-8")
            self.load(base.resolved(QUrl(name)))
        else:
            self.setHtml(html, base)

    def _on_load_finished(self, ok: bool) -> None:
        done, self._load_done = self._load_done, None
        restore, self._restore = self._restore, None
        if restore is not None and (restore.x() or restore.y()):
            self.page().runJavaScript(f"window.scrollTo({restore.x()}, {restore.y()});",
                                      PREVIEW_WORLD)
        if done is not None:
            done(ok)

    def splice(self, change: Splice, done: Done) -> None:
        """Patch only the changed blocks; ``done(False)`` when the page did not match."""
        args = json.dumps([self._container_id, *change.as_args()])
        script = f"window.ddPreview ? window.ddPreview.splice.apply(null, {args}) : -1"
        self.page().runJavaScript(script, PREVIEW_WORLD, lambda count: done(count == change.total))

    def follow_line(self, line: int, done: Callable[[object], None] | None = None) -> None:
        """Scroll the block holding markdown ``line`` into view (only when it is out of view)."""
        script = (f"window.ddPreview ? window.ddPreview.follow({json.dumps(self._container_id)},"
                  f" {int(line)}) : null")
        if done is None:
            self.page().runJavaScript(script, PREVIEW_WORLD)
        else:
            self.page().runJavaScript(script, PREVIEW_WORLD, done)


def _dom_script() -> QWebEngineScript:
    script = QWebEngineScript()
    script.setName("digest-desk-preview")
    script.setSourceCode(DOM_SCRIPT)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.ApplicationWorld)  # page scripts are off
    script.setRunsOnSubFrames(False)
    return script
