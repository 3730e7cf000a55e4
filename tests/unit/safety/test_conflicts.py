"""A stale window's save never overwrites newer text: the editor keeps mine, theirs or both."""

from __future__ import annotations

import pytest

from digest_desk.store import ConflictError
from digest_desk.store.articles import create_article, delete_article, get_article, revisions
from digest_desk.store.conflicts import (
    THEIRS_REPLACED,
    YOURS_KEPT,
    Conflict,
    keep_both,
    keep_mine,
    load_theirs,
)
from digest_desk.store.saving import save_edits

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL


def _two_windows(store) -> Conflict:
    article = create_article(store, title="Story", body="original")
    stale = get_article(store, article.id)
    fresh = get_article(store, article.id)
    fresh.body = "their newer text"
    save_edits(store, fresh, slug=None, reason=None)
    stale.body = "my stale text"
    with pytest.raises(ConflictError):
        save_edits(store, stale, slug=None, reason=None)
    return load_theirs(store, stale)


def test_stale_save_is_a_conflict_and_changes_nothing(store):
    conflict = _two_windows(store)
    assert get_article(store, conflict.mine.id).body == "their newer text"
    assert conflict.theirs.body == "their newer text"
    assert "-their newer text" in conflict.diff() and "+my stale text" in conflict.diff()


def test_keep_mine_keeps_theirs_in_history(store):
    conflict = _two_windows(store)
    base = keep_mine(store, conflict)
    conflict.mine.version = base.version
    assert save_edits(store, conflict.mine, slug=None, reason=None).article.body == "my stale text"
    kept = [r for r in revisions(store, base.id) if r.reason == THEIRS_REPLACED]
    assert kept and kept[0].data["body"] == "their newer text"


def test_keep_theirs_changes_nothing(store):
    conflict = _two_windows(store)
    assert get_article(store, conflict.mine.id).body == "their newer text"
    assert all(r.data["body"] != "my stale text" for r in revisions(store, conflict.mine.id))


def test_keep_both_stores_mine_as_a_revision(store):
    conflict = _two_windows(store)
    assert keep_both(store, conflict) == conflict.mine.id
    assert get_article(store, conflict.mine.id).body == "their newer text"
    kept = [r for r in revisions(store, conflict.mine.id) if r.data["body"] == "my stale text"]
    assert kept and kept[0].reason == YOURS_KEPT


def test_article_deleted_elsewhere_is_recreated_when_keeping_mine(store):
    article = create_article(store, title="Story", body="original",
                             links=[{"title": "Source", "url": "https://example.org/"}])
    stale = get_article(store, article.id)
    delete_article(store, article.id)
    stale.body = "still mine"
    with pytest.raises(ConflictError):
        save_edits(store, stale, slug=None, reason=None)
    conflict = load_theirs(store, stale)
    assert conflict.theirs is None and keep_both(store, conflict) is None
    recreated = keep_mine(store, conflict)
    assert get_article(store, recreated.id).body == "still mine"
    assert [link.url for link in get_article(store, recreated.id).links] == ["https://example.org/"]
