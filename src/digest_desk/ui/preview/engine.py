"""Whether QtWebEngine can drive the previews, and the start-up steps it needs."""

from __future__ import annotations

import importlib
import os

from PySide6.QtCore import QCoreApplication, Qt

DISABLE_ENV = "DIGEST_DESK_NO_WEBENGINE"


def webengine_unavailable_reason() -> str | None:
    """None when QtWebEngine can be used, else a sentence saying why not."""
    if os.environ.get(DISABLE_ENV, "").strip() not in ("", "0"):
        return f"QtWebEngine is turned off ({DISABLE_ENV} is set)."
    try:
        importlib.import_module("PySide6.QtWebEngineWidgets")
    except ImportError as exc:
        return f"QtWebEngine cannot be loaded: {exc}"
    return None


def prepare_webengine(load: bool = True) -> bool:
    """Call before the QApplication exists: shares GL contexts (which QtWebEngine needs) and,
    with ``load``, loads QtWebEngine and registers the preview scheme at once.

    Without ``load`` (the workstation's start) nothing of QtWebEngine is loaded here: the
    preview pane calls ``register_preview_scheme`` before it makes its first web view.
    Returns whether QtWebEngine is available (True when not loaded). Safe to call more than once.
    """
    if QCoreApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    if not load:
        return True
    if webengine_unavailable_reason() is not None:
        return False
    register_preview_scheme()
    return True


def register_preview_scheme() -> None:
    """The scheme the web previews load from: known to QtWebEngine before its first profile or
    view exists (later registrations are ignored). Does nothing when registered already."""
    from PySide6.QtWebEngineCore import QWebEngineUrlScheme

    from digest_desk.ui.preview.media import PREVIEW_SCHEME

    name = PREVIEW_SCHEME.encode()
    if bytes(QWebEngineUrlScheme.schemeByName(name).name().data()) == name:
        return
    scheme = QWebEngineUrlScheme(name)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)
