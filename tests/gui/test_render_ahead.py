"""Replace in all articles: the bodies it changed are parsed for the next export by idle processes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from digest_desk.render import fragments
from digest_desk.render.mdparse import _parse, from_record
from digest_desk.store.articles import create_article, get_article


def test_replaced_bodies_are_in_the_fragment_cache_without_a_preview(window, qtbot, store):
    body = "Ferries from *Calais* were late on Tuesday, the harbour said."
    other = create_article(store, title="Harbour news", body=body).id  # never opened, never previewed
    window.list_panel.model.reload()
    cache = fragments.shared()
    assert cache is not None
    dialog = window.replace_in_all()
    qtbot.keyClicks(dialog.find_edit, "Calais")
    qtbot.keyClicks(dialog.replace_edit, "Dover")
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.apply_button.isEnabled, timeout=10000)
    new_body = body.replace("Calais", "Dover")
    assert not cache.has(new_body)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert get_article(store, other).body == new_body
    qtbot.waitUntil(lambda: cache.has(new_body), timeout=60_000)  # idle priority: whenever the cores are free
    assert from_record(cache.get(new_body)) == _parse(new_body)
    dialog.close()
    QApplication.processEvents()
