"""A stale window's save never overwrites newer text: the editor keeps mine, theirs or both."""

from __future__ import annotations

from digest_desk.store.articles import create_article, delete_article, get_article, revisions
from digest_desk.store.conflicts import Choice, Conflict, resolve, save_or_conflict


def _two_windows(store):
    article = create_article(store, title="Story", body="original")
    stale = get_article(store, article.id)
    fresh = get_article(store, article.id)
    fresh.body = "their newer text"
    assert not isinstance(save_or_conflict(store, fresh), Conflict)
    stale.body = "my stale text"
    return article.id, save_or_conflict(store, stale)


def test_stale_save_is_a_conflict_and_changes_nothing(store):
    article_id, conflict = _two_windows(store)
    assert isinstance(conflict, Conflict)
    assert get_article(store, article_id).body == "their newer text"
    assert "-their newer text" in conflict.diff() and "+my stale text" in conflict.diff()


def test_keep_mine_keeps_theirs_in_history(store):
    article_id, conflict = _two_windows(store)
    result = resolve(store, conflict, Choice.MINE)
    assert result.body == "my stale text"
    assert any(r.data["body"] == "their newer text" for r in revisions(store, article_id))


def test_keep_theirs(store):
    article_id, conflict = _two_windows(store)
    assert resolve(store, conflict, "theirs").body == "their newer text"
    assert get_article(store, article_id).body == "their newer text"


def test_keep_both_stores_mine_as_a_revision(store):
    article_id, conflict = _two_windows(store)
    result = resolve(store, conflict, Choice.BOTH)
    assert result.body == "their newer text"
    kept = [r for r in revisions(store, article_id) if r.data["body"] == "my stale text"]
    assert kept and "your version" in kept[0].reason


def test_article_deleted_elsewhere_is_recreated_when_keeping_mine(store):
    article = create_article(store, title="Story", body="original")
    stale = get_article(store, article.id)
    delete_article(store, article.id)
    stale.body = "still mine"
    conflict = save_or_conflict(store, stale)
    assert isinstance(conflict, Conflict) and conflict.theirs is None
    assert resolve(store, conflict, Choice.MINE).body == "still mine"
