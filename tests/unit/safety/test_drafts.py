"""Drafts: written apart from saves, offered for recovery while they differ, cleared after a save."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from digest_desk.store.articles import create_article, get_article, revisions, save_article
from digest_desk.store.drafts import (
    DraftKeeper,
    DraftSaveError,
    DraftTimer,
    apply_draft,
    discard_draft,
    drop_unchanged_drafts,
    pending_drafts,
)
from digest_desk.store.rescue import read_recovery_file
from digest_desk.store.safe_open import open_read_only


def test_new_article_draft_is_pending_and_recovers_as_an_article(store):
    keeper = DraftKeeper(store, "s1")
    keeper.write(None, {"title": "Never saved", "body": "typed before the crash"})
    [draft] = pending_drafts(store)
    assert draft.article_id is None and draft.newer
    assert "+typed before the crash" in draft.diff()
    article = apply_draft(store, draft)
    assert get_article(store, article.id).body == "typed before the crash"
    assert pending_drafts(store) == []


def test_draft_equal_to_article_is_not_pending(store):
    article = create_article(store, title="Hello", body="same")
    DraftKeeper(store, "s1").write(article.id, article.snapshot(), base_version=article.version)
    assert pending_drafts(store) == []
    assert drop_unchanged_drafts(store) == 1


def test_draft_rows_are_upserted_per_session_and_article(store):
    article = create_article(store, title="Hello", body="v1")
    keeper = DraftKeeper(store, "s1")
    first = keeper.write(article.id, {"body": "v1 a"})
    second = keeper.write(article.id, {"body": "v1 ab"})
    assert first == second
    [draft] = pending_drafts(store)
    assert draft.data["body"] == "v1 ab"
    assert "-v1" in draft.diff() and "+v1 ab" in draft.diff()


def test_other_session_sees_my_draft_but_i_do_not(store):
    article = create_article(store, title="Hello", body="v1")
    mine, theirs = DraftKeeper(store, "mine"), DraftKeeper(store, "theirs")
    mine.write(article.id, {"body": "changed"})
    assert mine.pending() == []
    assert [d.session_id for d in theirs.pending()] == ["mine"]


def test_clear_keeps_a_draft_written_after_the_save_took_the_text(store):
    article = create_article(store, title="Hello", body="v1")
    keeper = DraftKeeper(store, "s1")
    took_text = datetime.now(UTC)
    article.body = "v1 plus"
    save_article(store, article)  # meanwhile typing went on and a draft was written:
    keeper.write(article.id, {"body": "v1 plus more typing"})
    assert keeper.clear(article.id, written_before=took_text) is False
    assert len(pending_drafts(store)) == 1
    assert keeper.clear(article.id, written_before=datetime.now(UTC)) is True
    assert pending_drafts(store) == []
    assert keeper.clear(article.id) is False  # nothing left


def test_apply_draft_keeps_the_replaced_text_as_a_revision(store):
    article = create_article(store, title="Hello", body="stored text")
    keeper = DraftKeeper(store, "s1")
    keeper.write(article.id, {"title": "Hello", "body": "recovered text",
                              "links": [{"title": "A", "url": "https://a.example/", "kind": "related"}]})
    [draft] = pending_drafts(store)
    result = apply_draft(store, draft)
    assert result.body == "recovered text"
    assert [link.url for link in result.links] == ["https://a.example/"]
    reasons = [r.reason for r in revisions(store, article.id)]
    assert "before recovering a draft" in reasons
    kept = next(r for r in revisions(store, article.id) if r.reason == "before recovering a draft")
    assert kept.data["body"] == "stored text"


def test_draft_of_deleted_article_is_recreated(store):
    from digest_desk.store.articles import delete_article

    article = create_article(store, title="Gone soon", body="x")
    DraftKeeper(store, "s1").write(article.id, {"title": "Gone soon", "body": "unsaved words"})
    delete_article(store, article.id)
    [draft] = pending_drafts(store)
    assert draft.stored is None
    recovered = apply_draft(store, draft)
    assert get_article(store, recovered.id).body == "unsaved words"
    assert pending_drafts(store) == []


def test_discard(store):
    keeper = DraftKeeper(store, "s1")
    draft_id = keeper.write(None, {"body": "x"})
    discard_draft(store, draft_id)
    assert pending_drafts(store) == []


def test_failed_draft_write_goes_to_a_recovery_file(store, tmp_path):
    create_article(store, title="Hello", body="v1")
    store.close()
    ro = open_read_only(store.path)
    keeper = DraftKeeper(ro, "s1", recovery_folder=tmp_path / "recovery")
    with pytest.raises(DraftSaveError) as caught:
        keeper.write(1, {"body": "words that must survive"})
    assert "read-only" in str(caught.value)
    record = read_recovery_file(caught.value.recovery_path)
    assert record["data"]["body"] == "words that must survive"
    assert record["article_id"] == 1
    # the same slot keeps replacing one file instead of piling up
    with pytest.raises(DraftSaveError):
        keeper.write(1, {"body": "words that must survive, more"})
    assert len(list((tmp_path / "recovery").glob("*.json"))) == 1
    ro.close()


def test_draft_data_is_json_in_the_table(store):
    DraftKeeper(store, "s1").write(None, {"body": "ünïcode ✓"})
    with store.read() as session:
        raw = session.connection().exec_driver_sql("SELECT data FROM draft").scalar_one()
    assert json.loads(raw)["body"] == "ünïcode ✓"


def test_draft_timer_writes_after_a_pause_and_during_steady_typing():
    timer = DraftTimer(pause=1.0, max_wait=2.0)
    assert not timer.due(0.0) and timer.next_check(0.0) is None
    timer.changed(10.0)
    assert not timer.due(10.5)
    assert timer.due(11.0)  # one second of pause
    timer.written()
    for step in range(30):  # typing every 0.1 s never pauses, yet a draft is due by 2 s
        timer.changed(20.0 + step * 0.1)
        if timer.due(20.0 + step * 0.1):
            break
    assert step == 20
    assert timer.next_check(22.0) == pytest.approx(0.0)


def test_an_older_snapshot_never_replaces_a_newer_draft(store):
    from datetime import timedelta

    keeper = DraftKeeper(store, "s1")
    now = datetime.now(UTC)
    keeper.write(None, {"body": "newer text"}, taken_at=now)
    assert keeper.write(None, {"body": "older"}, taken_at=now - timedelta(seconds=1)) == -1
    [draft] = pending_drafts(store)
    assert draft.data["body"] == "newer text"
