"""Starting the workstation (the ``digest-desk-gui`` entry point and ``digest-desk gui``)."""

from __future__ import annotations

import gc
import os
import sys
import time

ORGANIZATION = "Digest Desk"
APPLICATION = "digest-desk"
TRACE_ENV = "DIGEST_DESK_STARTUP_TRACE"
# Loaded only after the first paint (the trace names those that were loaded before it); psycopg
# only for a team-server store.
DEFERRED_MODULES = ("PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "qtawesome", "enchant", "psycopg",
                    "alembic", "jinja2", "markdown", "bs4", "digest_desk.checks", "digest_desk.export")


class StartupTrace:
    """``DIGEST_DESK_STARTUP_TRACE=1``: one ``startup: PHASE EPOCH CPU`` line per start-up phase
    on stdout, and quit once the previews show the article (benchmarks/startup_trace.py)."""

    def __init__(self) -> None:
        self.on = os.environ.get(TRACE_ENV, "").strip() not in ("", "0")

    def mark(self, phase: str) -> None:
        if self.on:
            print(f"startup: {phase} {time.time():.4f} {time.process_time():.3f}", flush=True)

    def follow(self, window) -> None:
        """Mark the first paint, the first idle turn after it, and the previews' first render."""
        if not self.on:
            return
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from digest_desk.ui.first_paint import FirstPaint

        self._filter = FirstPaint(window, self._usable(window), self._painted)
        window.previews_ready.connect(lambda: self._done(window))
        QTimer.singleShot(60_000, QApplication.quit)

    def _painted(self) -> None:
        self.mark("painted")
        early = [name for name in DEFERRED_MODULES if name in sys.modules]
        print(f"startup-loaded-before-paint: {' '.join(early) or '-'}", flush=True)

    def _usable(self, window):
        def mark() -> None:
            body = window.editor.body
            self.mark("usable" if body.isEnabled() and not body.isReadOnly() else "usable-readonly")
        return mark

    def _done(self, window) -> None:
        from PySide6.QtWidgets import QApplication

        self.mark("previews")
        window.close()
        QApplication.quit()


def _app_icon():
    from PySide6.QtGui import QIcon

    from digest_desk import paths

    try:
        path = paths.resource("icons", "digest-desk.svg")
    except FileNotFoundError:
        return None
    return QIcon(str(path)) if path.is_file() else None


def _allow_root_webengine() -> None:
    """Chromium refuses to start its sandbox as root (containers, live systems): say so up front."""
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()


def make_application(argv: list[str] | None = None):
    """The QApplication with names set (so QSettings finds its file); reuses a running one."""
    from PySide6.QtWidgets import QApplication

    from digest_desk.ui.preview.engine import prepare_webengine

    _allow_root_webengine()
    prepare_webengine(load=False)  # before the QApplication exists; the engine loads after the first paint
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
    """Open ``--open SLUG`` (a message when unknown), else the article open last time,
    else (a first run) the newest article, so a newcomer lands on real content."""
    from digest_desk.store import NotFoundError
    from digest_desk.store.articles import get_by_slug, list_articles

    if open_slug:
        try:
            window.load_article(get_by_slug(window.store, open_slug).id)
            return
        except NotFoundError as exc:
            window.statusBar().showMessage(str(exc), 10000)
    last = window.last_article_id()
    if last is None:
        newest = list_articles(window.store, limit=1)
        last = newest[0].id if newest else None
    if last is not None:
        window.load_article(last)


def run_workstation(db: str | None = None, open_slug: str | None = None) -> int:
    """Open the workstation window; returns the exit status."""
    trace = StartupTrace()
    trace.mark("imported")
    collecting = gc.isenabled()
    gc.disable()  # start-up builds long-lived objects: hundreds of collections would find nothing
    try:
        return _run_window(db, open_slug, trace)
    finally:
        if collecting and not gc.isenabled():
            gc.enable()  # the window never got as far as its started signal


def _run_window(db: str | None, open_slug: str | None, trace: StartupTrace) -> int:
    from digest_desk.x11_libraries import check_x11_libraries

    problem = check_x11_libraries()  # before Qt: its xcb plugin would abort (exit 134)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from digest_desk.store import StoreError
    from digest_desk.ui.safety import open_database_safely

    app = make_application()
    trace.mark("application")
    try:
        store = open_database_safely(db)  # damaged file: plain message and restore offer
    except StoreError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Digest Desk", str(exc))
        print(f"digest-desk: {exc}", file=sys.stderr)
        return 2
    if store is None:
        return 2
    trace.mark("store")
    window = create_window(store)
    if not gc.isenabled():
        window.started.connect(_collect_again)
    trace.mark("window")
    trace.follow(window)
    window.show()
    open_first_article(window, open_slug)
    trace.mark("shown")
    arm_smoke_test(window)
    window.safety.offer_recovery()  # drafts left by a crash
    try:
        return app.exec()
    finally:
        store.close()


def _collect_again() -> None:
    """After the start: what start-up built is set aside for good (gc.freeze), collection resumes."""
    gc.freeze()
    gc.enable()


SMOKE_TEST_ENV = "DIGEST_DESK_SMOKE_TEST"


def arm_smoke_test(window) -> None:
    """``DIGEST_DESK_SMOKE_TEST=SECONDS``: report start-up and both previews, then quit.

    For ``packaging/smoke-test.sh`` on the frozen bundle: prints ``smoke-test: window-ready at
    EPOCH`` on the first event-loop turn with the window shown, and after SECONDS (later when the
    previews have not rendered yet: a loaded machine, a first start of the web engine; 20 s more
    at most) one verdict line; the exit status is 0 only when both previews rendered text with
    QtWebEngine. It checks that they render, not how fast: benchmarks/preview.py times that.
    """
    raw = os.environ.get(SMOKE_TEST_ENV, "").strip()
    if not raw:
        return
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    try:
        seconds = max(float(raw), 0.0)
    except ValueError:
        seconds = 5.0
    # the preview pane: the widget with both rendition views and a ``rendered`` signal
    pane = next((w for w in window.findChildren(QWidget)
                 if hasattr(w, "rendered") and hasattr(w, "views")), None)
    QTimer.singleShot(0, lambda: print(f"smoke-test: window-ready at {time.time():.3f} "
                                       f"cpu {time.process_time():.2f}s", flush=True))
    renders: list[float] = []
    if pane is not None and hasattr(pane, "rendered"):
        pane.rendered.connect(renders.append)
        pane.render_failed.connect(lambda msg: print(f"smoke-test: render failed: {msg}", flush=True))
    deadline = time.monotonic() + seconds + SMOKE_GRACE_S
    QTimer.singleShot(int(seconds * 1000), lambda: _collect_when_rendered(pane, renders, deadline))
    QTimer.singleShot(int((seconds + SMOKE_GRACE_S + 5) * 1000), lambda: _smoke_verdict(pane, renders, {}, 4))


SMOKE_GRACE_S = 20.0  # how much longer than asked the smoke test waits for a first render


def _collect_when_rendered(pane, renders: list[float], deadline: float) -> None:
    """Read both previews' text once a render arrived (or at the deadline, to fail)."""
    from PySide6.QtCore import QTimer

    if not renders and pane is not None and time.monotonic() < deadline:
        QTimer.singleShot(250, lambda: _collect_when_rendered(pane, renders, deadline))
        return
    _collect_previews(pane, renders)


def _collect_previews(pane, renders: list[float]) -> None:
    views = dict(getattr(pane, "views", {}) or {})
    texts: dict[str, str] = {}

    def got(name: str, text: str) -> None:
        texts[name] = text or ""
        if len(texts) == len(views):
            _smoke_verdict(pane, renders, texts, 0)

    if not views:
        _smoke_verdict(pane, renders, texts, 0)
    for name, view in views.items():
        if hasattr(view, "page"):  # QWebEngineView: the DOM text arrives asynchronously
            view.page().toPlainText(lambda text, n=name: got(n, text))
        else:
            got(name, view.toPlainText())


def _smoke_verdict(pane, renders: list[float], texts: dict[str, str], status: int) -> None:
    from PySide6.QtWidgets import QApplication

    engine = "fallback" if getattr(pane, "is_fallback", True) else "webengine"
    sizes = " ".join(f"{name}={len(text.strip())}chars" for name, text in sorted(texts.items()))
    ok = (status == 0 and engine == "webengine" and bool(renders) and len(texts) >= 2
          and all(text.strip() for text in texts.values()))
    first = f"{renders[0]:.0f}ms" if renders else "none"
    print(f"smoke-test: previews {'ok' if ok else 'FAILED'} engine={engine} renders={len(renders)} "
          f"first-render={first} {sizes}".rstrip(), flush=True)
    QApplication.exit(0 if ok else (status or 3))


def main() -> int:
    from digest_desk.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
