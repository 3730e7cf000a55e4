"""The window parses the archive ahead for the next export, remembers how far it got per store
(without writing the store's address), and stops when it closes."""

from __future__ import annotations

from digest_desk.domain import Status
from digest_desk.render.fragments import CACHE_ENV, FragmentCache
from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.ui.render_ahead import ArchiveRenderAhead, settings_key


def test_runs_fill_the_cache_and_the_next_one_takes_only_the_changes(qtbot, db_path, settings,
                                                                     tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    store = open_store(db_path)
    ids = [create_article(store, title=f"Quay {i}", body=f"Cranes *moved*, {i}.",
                          status=Status.PUBLISHED).id for i in range(25)]
    ahead = ArchiveRenderAhead(store, settings, first_after_ms=0)
    ahead.start()
    qtbot.waitUntil(lambda: ahead.runs == 1, timeout=60_000)
    entries = FragmentCache(cache)
    assert all(entries.has(get_article(store, aid).body) for aid in ids)
    first = ahead.done_mark()
    assert first is not None
    settings.sync()
    assert str(db_path) not in (tmp_path / "settings.ini").read_text()  # a hash names the store
    article = get_article(store, ids[3])
    article.body = "Cranes stopped for the storm."
    save_article(store, article)
    ahead.run()
    qtbot.waitUntil(lambda: ahead.runs == 2, timeout=60_000)
    assert entries.has("Cranes stopped for the storm.")
    assert ahead.done_mark().since > first.since  # only the one change was left to do
    ahead.stop()
    ahead.run()  # stopped: nothing starts
    assert ahead._job is None
    store.close()


def test_the_window_starts_it_after_its_own_start_and_stops_it_on_close(window, qtbot, settings):
    qtbot.waitUntil(lambda: window.start_finished, timeout=20_000)
    timer = window.render_ahead._timer
    assert timer.isActive() and timer.interval() >= 10_000  # not during the start's own work
    assert settings_key(window.store).startswith("render-ahead/")
    window.close()
    assert not timer.isActive() and window.render_ahead._cancel.is_set()
