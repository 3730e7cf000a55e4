"""Queries matching most articles answer their newest matches in order on both engines, however
the engine finds them (PostgreSQL walks the newest articles or asks its index, as its statistics
suggest, and answers through the index when the walk comes up short)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from digest_desk.store.articles import create_article
from digest_desk.store.search import newest_plan, search, search_ids

pytestmark = pytest.mark.both_engines


def _analyze(store) -> None:
    """Statistics as autovacuum makes them on a live server (SQLite keeps its own)."""
    with store.write() as session:
        session.execute(text("ANALYZE article" if store.dialect == "postgresql" else "ANALYZE"))


def _no_autovacuum(store) -> None:
    """Statistics stay as the test made them, however long it runs."""
    if store.dialect == "postgresql":
        with store.write() as session:
            session.execute(text("ALTER TABLE article SET (autovacuum_enabled = false)"))


def _expected(articles: list[tuple[int, str, str, str]], matches, window: int, limit: int) -> list[int]:
    """The window newest matches, title hits first, then summary hits, then the rest."""
    newest = sorted((a for a in articles if matches(a)), key=lambda a: -a[0])[:window]
    tiers: tuple[list[int], list[int], list[int]] = ([], [], [])
    for article_id, title, summary, _body in newest:
        tier = 0 if matches((0, title, "", "")) else 1 if matches((0, "", summary, "")) else 2
        tiers[tier].append(article_id)
    return [i for tier in tiers for i in tier][:limit]


def _words(article: tuple[int, str, str, str]) -> set[str]:
    return {w.strip(".").lower() for part in article[1:] for w in part.split()}


@pytest.fixture
def harbour(store):
    """60 articles, most about the harbour; some with it in the title or summary."""
    _no_autovacuum(store)
    made = []
    for i in range(60):
        title = f"Item {i}" + (" harbour" if i % 7 == 0 else "")
        summary = "Harbour notes" if i % 11 == 0 else "Notes"
        body = "The harbour news today." if i % 5 else "Quiet streets."
        made.append((create_article(store, title=title, summary=summary, body=body).id, title, summary, body))
    _analyze(store)
    return made


def test_common_words_prefixes_and_exclusions_answer_the_newest_matches(store, harbour):
    cases = {
        "harbour": lambda a: "harbour" in _words(a),
        "harb*": lambda a: any(w.startswith("harb") for w in _words(a)),
        "harbour -quiet": lambda a: "harbour" in _words(a) and "quiet" not in _words(a),
        "news -quiet": lambda a: "news" in _words(a) and "quiet" not in _words(a),
    }
    for query, matches in cases.items():
        assert search_ids(store, query, 8, window=10) == _expected(harbour, matches, 10, 8), query
        assert [h.id for h in search(store, query, 8, window=10)] == search_ids(store, query, 8, window=10)
    if store.dialect == "postgresql":  # the statistics make the common word a walk, not the rare one
        assert newest_plan(store, "harbour", window=10) == "walk"
        assert newest_plan(store, "harbour -quiet", window=10) == "walk"
        assert newest_plan(store, "quiet", window=10) == "index"


def test_a_walk_that_comes_up_short_still_answers_the_newest_matches(store):
    """Statistics made while every article held a word; then 40 newer ones without it."""
    _no_autovacuum(store)
    older = [create_article(store, title=f"Dock {i}", body="Cranes at the harbour.").id for i in range(40)]
    _analyze(store)
    for i in range(40):
        create_article(store, title=f"Field {i}", body="Sheep on the hill.")
    if store.dialect == "postgresql":
        assert newest_plan(store, "harbour", window=5) == "walk"  # the statistics still say so
    assert search_ids(store, "harbour", 5, window=5) == older[::-1][:5]
    assert search_ids(store, "harbour -hill", 50) == search_ids(store, "harbour", 50)
    assert sorted(search_ids(store, "harbour", 50)) == older


def test_a_prefix_of_many_rare_words_is_found_among_the_newest(store):
    """Words the statistics never saw (added since) that share a prefix: the newest articles
    show the prefix is common."""
    _no_autovacuum(store)
    for i in range(30):
        create_article(store, title=f"Plain {i}", body="Nothing special here.")
    _analyze(store)
    made = [create_article(store, title=f"Word {i}", body=f"Spelled zq{chr(97 + i // 26)}{chr(97 + i % 26)} once.").id
            for i in range(60)]
    if store.dialect == "postgresql":
        assert newest_plan(store, "zq*", window=3) == "walk"
        assert newest_plan(store, "zqzz*", window=3) == "index"
    assert search_ids(store, "zq*", 10, window=3) == made[::-1][:3]
    assert search_ids(store, "zqa*", 10, window=3) == made[:26][::-1][:3]
    assert set(search_ids(store, "zqa*", 50)) == set(made[:26])  # under the window: all, ranked
