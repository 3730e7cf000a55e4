"""``digest-desk set`` and ``digest-desk replace`` on a real SQLite file, and their store functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digest_desk.cli import main
from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_by_slug, revisions
from digest_desk.store.bulk import apply_changes, restore_values
from digest_desk.store.locks import acquire
from digest_desk.store.replace import PatternError, Search, find_changes


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "desk.sqlite3"
    store = open_store(path)
    create_article(store, title="Ferry strike ends", category="World", body="Calais reopened.")
    create_article(store, title="Budget vote", category="Politics", body="In calais, a vote.")
    create_article(store, title="Night trains", category="World", status="ready", body="Trains.")
    store.close()
    return path


def cli(db, *args: str) -> int:
    return main(["--db", str(db), *args])


def state(db, slug: str):
    store = open_store(db)
    try:
        return get_by_slug(store, slug), revisions(store, get_by_slug(store, slug).id)
    finally:
        store.close()


def test_set_status_by_slug_records_a_revision(db, capsys):
    assert cli(db, "set", "ferry-strike-ends", "budget-vote", "status", "published") == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("Changed 2 articles of 2 selected.")
    article, revs = state(db, "ferry-strike-ends")
    assert article.status == "published" and article.published_at is not None
    assert revs[0].reason == "bulk: status published"
    assert state(db, "night-trains")[0].status == "ready"


def test_set_with_where_filters_and_dry_run(db, capsys):
    assert cli(db, "set", "--where", "status=draft", "--where", "category=World", "category", "Europe",
               "--dry-run") == 0
    out = capsys.readouterr().out
    assert "ferry-strike-ends: category World → Europe" in out
    assert "Would change 1 article of 1 selected" in out
    assert state(db, "ferry-strike-ends")[0].category == "World"  # a dry run changes nothing
    assert cli(db, "set", "--where", "status=draft", "--where", "category=World", "category", "Europe") == 0
    assert "Changed 1 article of 1 selected." in capsys.readouterr().out
    assert state(db, "ferry-strike-ends")[0].category == "Europe"
    assert state(db, "night-trains")[0].category == "World"


def test_set_date_reads_the_site_time_zone_or_utc(db, capsys):
    assert cli(db, "set", "night-trains", "date", "2027-03-01T08:15") == 0
    assert state(db, "night-trains")[0].published_at == datetime(2027, 3, 1, 8, 15, tzinfo=UTC)
    assert cli(db, "set", "night-trains", "date", "2027-03-01T08:15+02:00") == 0
    assert state(db, "night-trains")[0].published_at == datetime(2027, 3, 1, 6, 15, tzinfo=UTC)
    assert cli(db, "set", "night-trains", "date", "soon") == 2
    assert "not a date" in capsys.readouterr().err


def test_set_scheduled_and_author(db):
    assert cli(db, "set", "night-trains", "status", "scheduled") == 0
    assert cli(db, "set", "night-trains", "author", "A. Writer") == 0
    article, _revs = state(db, "night-trains")
    assert (article.status, article.author) == ("scheduled", "A. Writer")


@pytest.mark.parametrize("args, message", [
    (("ferry-strike-ends", "nope", "status", "published"), "No article with slug “nope”"),
    (("ferry-strike-ends", "colour", "red"), "unknown key “colour”"),
    (("ferry-strike-ends", "status", "gone"), "unknown status “gone”"),
    (("--where", "author=x", "status", "draft"), "--where takes"),
    (("status", "draft"), "name the articles"),
])
def test_bad_input_changes_nothing_and_exits_2(db, capsys, args, message):
    assert cli(db, "set", *args) == 2
    assert message in capsys.readouterr().err
    article, revs = state(db, "ferry-strike-ends")
    assert article.status == "draft" and len(revs) == 1


def test_set_skips_an_article_another_window_edits(db, capsys):
    store = open_store(db)
    acquire(store, get_by_slug(store, "budget-vote").id, "a-window")
    store.close()
    assert cli(db, "set", "ferry-strike-ends", "budget-vote", "status", "ready") == 1
    assert "Changed 1 article of 2 selected. 1 article skipped: being edited in a window." in \
        capsys.readouterr().out
    assert state(db, "budget-vote")[0].status == "draft"


def test_replace_dry_run_then_apply_with_revisions(db, capsys):
    assert cli(db, "replace", "Calais", "Dover", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Would replace 2 matches in 2 articles" in out
    assert "+ Dover reopened." in out
    assert state(db, "ferry-strike-ends")[0].body == "Calais reopened."
    assert cli(db, "replace", "Calais", "Dover", "--case") == 0
    assert "Replaced 1 match in 1 article." in capsys.readouterr().out
    article, revs = state(db, "ferry-strike-ends")
    assert article.body == "Dover reopened."
    assert revs[0].reason == "replace: Calais → Dover"
    assert revs[1].data["body"] == "Calais reopened."  # the earlier text, for Revision History
    assert state(db, "budget-vote")[0].body == "In calais, a vote."


def test_replace_regex_word_and_fields(db, capsys):
    assert cli(db, "replace", r"(\w+) strike", r"\1 walkout", "--regex", "--field", "title") == 0
    assert state(db, "ferry-strike-ends")[0].title == "Ferry walkout ends"
    assert cli(db, "replace", "Train", "Bus", "--word") == 0
    assert "No" not in capsys.readouterr().err
    assert state(db, "night-trains")[0].body == "Trains."  # "Trains" is not the word "Train"


def test_malformed_regex_is_a_plain_message(db, capsys):
    assert cli(db, "replace", "Cal(ais", "x", "--regex") == 2
    err = capsys.readouterr().err
    assert "regular expression is not valid" in err and "Traceback" not in err


def test_undo_of_a_batch_keeps_later_edits(tmp_path):
    store = open_store(tmp_path / "u.sqlite3")
    a = create_article(store, title="A").id
    b = create_article(store, title="B").id
    result = apply_changes(store, [a, b], {"status": "published"}, reason="bulk: published")
    assert result.changed == [a, b]
    apply_changes(store, [b], {"author": "Someone"}, reason="edit")  # b edited since
    undone = restore_values(store, result.before, result.versions, reason="bulk: undo")
    assert undone.changed == [a] and undone.stale == [b]
    store.close()


def test_search_rejects_an_empty_find_and_bad_group(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    create_article(store, title="x", body="abc")
    with pytest.raises(PatternError):
        find_changes(store, Search("", "y"))
    with pytest.raises(PatternError):
        find_changes(store, Search("a", r"\2", regex=True))
    store.close()
