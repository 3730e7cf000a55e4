"""Typing in the window: no full garbage collection starts between keys; one that came due runs
when typing pauses."""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt

from digest_desk.store.articles import create_article
from digest_desk.ui.typing_gc import DEFERRED_THRESHOLD


class Ring:
    """A reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_full_collections_wait_for_the_typing_pause(window, store, qtbot):
    article = create_article(store, title="Ferry", body="The ferry left at seven.\n")
    window.load_article(article.id)
    body = window.editor.body
    body.setFocus()
    body.moveCursor(body.textCursor().MoveOperation.End)
    collector = window.editor.collector
    qtbot.waitUntil(lambda: gc.get_threshold()[2] != DEFERRED_THRESHOLD)  # earlier windows' typing
    normal = gc.get_threshold()
    full: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(1)

    assert gc.isenabled()
    gc.callbacks.append(seen)
    try:
        for char in "and back":
            qtbot.keyClick(body, char)
            assert collector.deferring
            assert gc.get_threshold() == (normal[0], normal[1], DEFERRED_THRESHOLD)
            for _ in range(20):  # garbage enough for several young collections per key
                [Ring() for _ in range(normal[0])]
        assert gc.get_count()[2] > normal[2]  # a full collection came due ...
        assert full == []  # ... and did not start between the keys
        qtbot.waitUntil(lambda: not collector.deferring, timeout=5000)
        assert full, "the due full collection runs when typing pauses"
        assert collector.full_collections >= 1
        assert gc.get_threshold() == normal
        assert "and back" in body.toPlainText()
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*normal)


def test_closing_the_editor_restores_the_threshold(window, store, qtbot):
    article = create_article(store, title="Ferry", body="The ferry left.\n")
    window.load_article(article.id)
    qtbot.waitUntil(lambda: gc.get_threshold()[2] != DEFERRED_THRESHOLD)
    normal = gc.get_threshold()
    window.editor.body.setFocus()
    qtbot.keyClick(window.editor.body, Qt.Key.Key_A)
    assert gc.get_threshold()[2] == DEFERRED_THRESHOLD
    window.editor.collector.deleteLater()
    qtbot.waitUntil(lambda: gc.get_threshold() == normal, timeout=3000)


def test_two_editors_share_one_deferral(window_factory, store, qtbot):
    first, second = window_factory(), window_factory()
    qtbot.waitUntil(lambda: gc.get_threshold()[2] != DEFERRED_THRESHOLD)
    normal = gc.get_threshold()
    first.editor.collector.typed()
    second.editor.collector.typed()
    first.editor.collector.resume()
    assert gc.get_threshold()[2] == DEFERRED_THRESHOLD  # the other editor is still being typed in
    second.editor.collector.resume()
    assert gc.get_threshold() == normal
