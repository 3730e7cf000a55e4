"""The archive parsed ahead by the window: the newest published articles first, then only what
the change log stamped since the last finished run (on both engines)."""

from __future__ import annotations

import threading

from digest_desk.domain import Status
from digest_desk.export.warm import archive_to_render, render_archive_ahead
from digest_desk.render.fragments import CACHE_ENV, FragmentCache
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.changelog import Mark


def _published(store, n: int) -> list[int]:
    return [create_article(store, title=f"Harbour note {i}", body=f"The *quay* opened, note {i}.",
                           status=Status.PUBLISHED).id for i in range(n)]


def test_first_run_takes_the_newest_published_and_later_runs_only_the_changes(store):
    ids = _published(store, 6)
    draft = create_article(store, title="Unfinished", body="Not yet.", status=Status.DRAFT).id
    first, mark = archive_to_render(store, None)
    assert first == ids[::-1]  # newest first, no draft
    assert mark is not None
    assert archive_to_render(store, None, most=2)[0] == ids[:-3:-1]
    assert archive_to_render(store, mark)[0] == []  # nothing happened since
    edited = get_article(store, ids[2])
    edited.body = "The quay closed again."
    save_article(store, edited)
    new = create_article(store, title="Late news", body="Ferries *run*.", status=Status.PUBLISHED).id
    changed, later = archive_to_render(store, mark)
    assert sorted(changed) == sorted([ids[2], new])
    assert draft not in changed and later is not None
    assert archive_to_render(store, later)[0] == []


def test_a_mark_of_another_store_or_too_many_changes_starts_over(store):
    ids = _published(store, 4)
    _, mark = archive_to_render(store, None)
    foreign = Mark("another-identity", mark.since, mark.engine)
    assert archive_to_render(store, foreign)[0] == ids[::-1]
    for aid in ids[:3]:
        article = get_article(store, aid)
        article.body += " Updated."
        save_article(store, article)
    assert sorted(archive_to_render(store, mark, most=5)[0]) == sorted(ids[:3])
    assert archive_to_render(store, mark, most=2)[0] == ids[::-1][:2]  # more than 2: the newest


def test_a_run_parses_every_body_and_a_cancelled_one_keeps_the_old_mark(store, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    ids = _published(store, 30)
    stop = threading.Event()
    stop.set()
    assert render_archive_ahead(store, None, stop) is None  # cancelled: no mark to remember
    mark = render_archive_ahead(store, None, threading.Event())
    assert mark is not None
    entries = FragmentCache(cache)
    assert all(entries.has(get_article(store, aid).body) for aid in ids)
    monkeypatch.setenv(CACHE_ENV, "off")
    assert render_archive_ahead(store, mark, threading.Event()) == mark  # no cache: nothing to do
