"""Fixtures for the links panel tests: offscreen Qt, isolated settings, a real store and stack."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QStandardPaths  # noqa: E402
from PySide6.QtGui import QUndoStack  # noqa: E402

from digest_desk.store.articles import create_article, get_article  # noqa: E402
from digest_desk.ui.links_panel import LinksPanel  # noqa: E402

QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def article(store):
    made = create_article(
        store,
        title="River flood closes valley roads",
        tags=["flood"],
        body="The river burst its banks. Flood water covered the valley roads near the dam.",
        links=[
            {"title": "Gauge data", "url": "https://gauges.example.org/", "kind": "source"},
            {"title": "Partner story", "url": "https://partner.example/flood", "kind": "read-more"},
        ],
    )
    return get_article(store, made.id)


@pytest.fixture
def stack(qapp):
    return QUndoStack()


@pytest.fixture
def panel(qtbot, store, article, stack):
    widget = LinksPanel(store)
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    widget.set_article(article, stack)
    yield widget
    widget.cancel_check()
    widget.wait_for_suggestions()
