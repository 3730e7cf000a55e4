"""Two workstations creating or renaming to the same slug at the same moment: one wins, the other
is told plainly that the slug is taken (never a database IntegrityError), on both engines."""

from __future__ import annotations

import threading
import time

import pytest

from digest_desk.domain import Article
from digest_desk.domain.slugs import slug_key
from digest_desk.store import open_store
from digest_desk.store.articles import create_article, get_article, get_by_slug, save_article
from digest_desk.store.errors import DuplicateSlugError
from tests.team.editors import Editor, at_once

pytestmark = pytest.mark.both_engines
ROUNDS = 6


@pytest.fixture
def editors(db_path):
    open_store(db_path).close()  # the schema exists before the editors open it
    pair = [Editor(db_path, "a"), Editor(db_path, "b")]
    yield pair
    for editor in pair:
        editor.close()


def _one_won(answers: list[str], won: str, slug: str) -> None:
    assert sorted(a.split(" ", 1)[0] for a in answers) == sorted(["duplicate", won]), answers
    [refused] = [a for a in answers if a.startswith("duplicate")]
    assert refused == f"duplicate Another article already uses the slug “{slug}”."


def test_creating_the_same_slug_at_once(editors, db_path, engine_name):
    for round_ in range(ROUNDS):
        slug = f"breaking-{round_}"
        _one_won(at_once(editors, [f"create {slug}"] * 2), "created", slug)
    store = open_store(db_path)
    try:
        assert get_by_slug(store, f"breaking-{ROUNDS - 1}").slug == f"breaking-{ROUNDS - 1}"
    finally:
        store.close()


def test_renaming_two_articles_to_the_same_slug_at_once(editors, db_path, engine_name):
    store = open_store(db_path)
    try:
        for round_ in range(ROUNDS):
            first = create_article(store, title=f"First {round_}")
            second = create_article(store, title=f"Second {round_}")
            slug = f"scoop-{round_}"
            _one_won(at_once(editors, [f"rename {first.id} {slug}", f"rename {second.id} {slug}"]),
                     "renamed", slug)
            assert get_by_slug(store, slug).id in (first.id, second.id)
    finally:
        store.close()


def _behind_an_open_insert(pg_url: str, slug: str, write) -> object:
    """Run ``write(store)`` while another connection has inserted ``slug`` but not committed:
    the slug looks free to ``write``'s check, and the unique constraint decides at the commit."""
    holder, racer = open_store(pg_url), open_store(pg_url)
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = write(racer)
        except Exception as exc:  # noqa: BLE001 - the test looks at what came out
            outcome["value"] = exc

    try:
        with holder.write() as session:
            session.add(Article(title="Holder", slug=slug, slug_key=slug_key(slug)))
            session.flush()
            thread = threading.Thread(target=run)
            thread.start()
            time.sleep(0.5)  # the racer has checked the slug and waits on the row
        thread.join(30)
        return outcome["value"]
    finally:
        holder.close()
        racer.close()


def test_a_slug_taken_between_the_check_and_the_write_is_a_plain_duplicate(pg_url):
    """The window PostgreSQL leaves open (READ COMMITTED): the check passed, the insert did not."""
    refused = _behind_an_open_insert(
        pg_url, "exclusive", lambda s: create_article(s, title="Mine", slug="exclusive"))
    assert isinstance(refused, DuplicateSlugError)
    assert str(refused) == "Another article already uses the slug “exclusive”."


def test_a_rename_racing_an_insert_is_a_plain_duplicate(pg_url):
    store = open_store(pg_url)
    try:
        article = create_article(store, title="Renamed soon")
    finally:
        store.close()
    refused = _behind_an_open_insert(
        pg_url, "taken-now", lambda s: save_article(s, get_article(s, article.id), slug="taken-now"))
    assert isinstance(refused, DuplicateSlugError)


def test_a_title_made_slug_racing_an_insert_gets_the_next_free_one(pg_url):
    made = _behind_an_open_insert(pg_url, "weather", lambda s: create_article(s, title="Weather"))
    assert isinstance(made, Article)
    assert made.slug == "weather-2"
