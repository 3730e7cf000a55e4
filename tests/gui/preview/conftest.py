"""Fixtures for the preview and checks panel tests: QtWebEngine ready before the QApplication."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from PySide6.QtCore import QStandardPaths  # noqa: E402

from digest_desk.domain.models import Article, Link, Site  # noqa: E402
from digest_desk.ui.preview.engine import prepare_webengine  # noqa: E402
from digest_desk.ui.preview.pane import PreviewPane  # noqa: E402
from digest_desk.ui.preview.webview import PREVIEW_WORLD  # noqa: E402

prepare_webengine()  # conftest import runs before any QApplication exists
QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def site() -> Site:
    return Site(name="Test Digest", base_url="https://digest.example/", partner_name="Partner",
                partner_url="https://partner.example/")


@pytest.fixture
def make_article() -> Callable[..., Article]:
    def make(body: str, title: str = "Preview test", **fields: object) -> Article:
        article = Article(id=1, title=title, slug="preview-test", body=body, **fields)
        article.links = [Link(title="Partner story", url="https://partner.example/story",
                              position=0)]
        return article

    return make


@pytest.fixture
def run_js(qtbot) -> Callable[..., object]:
    """Evaluate a script in a web preview and return its value."""

    def run(view, script: str, timeout: int = 5000, as_json: bool = False) -> object:
        box: dict[str, object] = {}
        if as_json:  # arrays and objects do not survive the trip back as they are
            script = f"JSON.stringify({script})"
        view.page().runJavaScript(script, PREVIEW_WORLD, lambda value: box.setdefault("value", value))
        qtbot.waitUntil(lambda: "value" in box, timeout=timeout)
        return json.loads(box["value"]) if as_json else box["value"]

    return run


@pytest.fixture
def pane(qtbot) -> Iterator[PreviewPane]:
    """A shown preview pane, idle again at the end."""
    widget = PreviewPane()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    yield widget
    widget.clear()
    widget.wait_idle(5000)
