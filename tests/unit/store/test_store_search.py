"""Full-text search: ranking, sync with edits, phrases, prefixes, hostile input, the recent window."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest_desk.store.articles import create_article, delete_article, get_article, save_article
from digest_desk.store.search import search, search_ids, to_match

pytestmark = pytest.mark.both_engines  # the same answers from FTS5 and from PostgreSQL's tsvector


@pytest.fixture
def filled(store):
    create_article(store, title="Market report", body="Volcano mentioned once in passing.")
    create_article(store, title="Volcano erupts on the island", summary="Ash cloud", body="Lava.")
    create_article(store, title="Weather", summary="Volcano ash drifts south", body="Rain later.")
    create_article(store, title="City council votes", body="The city council approved the plan.")
    create_article(store, title="Council minutes", body="The council of the city met.")
    return store


def test_title_beats_summary_beats_body(filled):
    hits = search(filled, "volcano")
    assert [h.title for h in hits] == ["Volcano erupts on the island", "Weather", "Market report"]
    assert hits[0].rank <= hits[1].rank <= hits[2].rank


def test_snippet_marks_the_match(filled):
    [hit] = search(filled, "passing")
    assert "[passing]" in hit.snippet and hit.slug == "market-report"


def test_phrase_prefix_and_diacritics(filled):
    create_article(store := filled, title="Café reopens", body="Espresso again.")
    assert {h.title for h in search(store, '"city council"')} == {"City council votes"}
    assert {h.title for h in search(store, "coun*")} == {"City council votes", "Council minutes"}
    assert [h.title for h in search(store, "cafe")] == ["Café reopens"]
    assert {h.title for h in search(store, "council -minutes")} == {"City council votes"}


def test_index_follows_edits_and_deletes(filled):
    [hit] = search(filled, "lava")
    article = get_article(filled, hit.id)
    article.body = "Magma."
    save_article(filled, article)
    assert search(filled, "lava") == [] and len(search(filled, "magma")) == 1
    delete_article(filled, article.id)
    assert search(filled, "magma") == []


@pytest.mark.parametrize("window", [1000, 2])
@pytest.mark.parametrize("query", ["volcano", "council -votes", "coun*", '"city council"', "zzz"])
def test_ids_alone_come_in_the_order_of_the_full_search(filled, query, window):
    """The article list asks for ids only: the same articles in the same order, no snippets."""
    assert search_ids(filled, query, 50, window=window) == [
        h.id for h in search(filled, query, 50, window=window)]


def test_minus_excludes_words_phrases_and_prefixes(filled):
    council = {"City council votes", "Council minutes"}
    assert {h.title for h in search(filled, "council")} == council
    assert {h.title for h in search(filled, "council -votes")} == {"Council minutes"}
    assert {h.title for h in search(filled, "council -vot*")} == {"Council minutes"}
    assert {h.title for h in search(filled, 'council -"city council"')} == {"Council minutes"}
    assert {h.title for h in search(filled, 'council -"council city"')} == council
    assert {h.title for h in search(filled, "council -minutes -votes")} == set()
    assert {h.title for h in search(filled, "volcano -ash")} == {"Market report"}
    assert {h.title for h in search(filled, "volcano -ash", window=1)} == {"Market report"}
    assert search(filled, "-council") == []  # exclusions alone find nothing (and do not fail)
    assert {h.title for h in search(filled, "city-council")} == {"City council votes"}  # a hyphen inside


def test_accents_fold_both_ways_with_minus_and_prefixes(store):
    create_article(store, title="Café reopens", body="Crème brûlée again.")
    create_article(store, title="Cafe closes", body="Plain coffee.")
    both = {"Café reopens", "Cafe closes"}
    assert {h.title for h in search(store, "cafe")} == both
    assert {h.title for h in search(store, "CAFÉ")} == both
    assert {h.title for h in search(store, "caf*")} == both
    assert {h.title for h in search(store, "cafe -creme")} == {"Cafe closes"}
    assert {h.title for h in search(store, "café -crème")} == {"Cafe closes"}
    assert {h.title for h in search(store, '"creme brulee"')} == {"Café reopens"}


@pytest.mark.parametrize(
    "query", ['"', "AND", "NOT OR", "title:volcano", "vol*cano*", "(((", "a - b", "NEAR(x y)", "^x", "",
              "council & volcano | !x", "'council'", "coun\\cil", "\\", "a:* & b:*", "():*&|!",
              "-", "--council", '-"', '-""', "council -", "volcano -(ash)", "'; DROP TABLE article; --",
              "x\x00y", "<->", "council <-> votes", "!council", "council:A", "\u200bcouncil",
              "volcano " * 5000, "v" * 100_000, "-" * 1000, '"' * 999]
)
def test_operators_typed_by_editors_never_break_the_query(filled, query):
    search(filled, query)  # must not raise
    search(filled, query, window=1)
    if query.strip('"( '):
        to_match(query)


def test_very_common_terms_rank_within_the_newest_matches(store):
    ids = [create_article(store, title=f"Story {i}", body="common " * (1 + i % 3)).id for i in range(30)]
    hits = search(store, "common", limit=10, window=8)
    assert len(hits) == 8 and {h.id for h in hits} == set(ids[-8:])
    assert len(search(store, "common", limit=50)) == 30  # under the window: everything ranked


def test_common_term_tiers_put_title_hits_first_then_summary(store):
    body_only = create_article(store, title="Quiet day", body="The ferry ran late.").id
    titled = create_article(store, title="Ferry strike ends", body="Crews return.").id
    summed = create_article(store, title="Harbour", summary="A ferry update", body="Text.").id
    newer_body = create_article(store, title="Weather", body="Ferry crossings calm.").id
    hits = search(store, "ferry", window=3)  # 4 matches > window: the 3 newest are ranked
    assert [h.id for h in hits] == [titled, summed, newer_body]
    assert body_only not in {h.id for h in hits}
    assert "[Ferry]" in hits[2].snippet


def test_snippets_of_common_terms_mark_whole_words_and_keep_accents(store):
    for i in range(4):
        create_article(store, title=f"Note {i}", body=f"Le café numéro {i} ouvre à Zürich demain matin.")
    hits = search(store, "zurich caf*", window=2)
    assert len(hits) == 2
    assert "[café]" in hits[0].snippet and "[Zürich]" in hits[0].snippet


def test_any_typed_text_is_a_valid_query(store):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    for i in range(3):
        create_article(store, title=f"Ünïcode “quotes” {i}", body='Text with "quotes" and * stars.')

    @settings(max_examples=150, deadline=None)
    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
    def check(query: str) -> None:
        search(store, query)
        search(store, query, window=1)

    check()


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_titles_fold_as_the_index_does_case_and_diacritics_gone(value: str) -> None:
    """The tiers' folding (a translate table filled as characters are met) equals its
    definition: case folded, compatibility-decomposed, every combining mark removed."""
    import unicodedata

    from digest_desk.store.search import _fold

    decomposed = unicodedata.normalize("NFKD", value.casefold())
    assert _fold(value) == "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Few letters, so that words, phrases and prefixes hit often (and run across lines).
_TEXT = st.sampled_from(["a", "b", "ab", " ", " ", "\n", "-", "_", "é", "É", "e\u0301", "ß", "ss", "x1"])
_QUERY = st.sampled_from(["a", "b", "ab", "é", "E", "ss", "ß", " ", "-", "*", '"'])


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.lists(_TEXT, max_size=10).map("".join), max_size=8),
       st.lists(_QUERY, min_size=1, max_size=6).map("".join))
@example(["a", "b"], '"a b"')  # a phrase across two lines: no hit
@example(["x a", "b a-b", "a\nb"], "a-b")  # ... nor one hidden in the next line; inside one: a hit
@example(["Ab ß", "caf\u00e9\nab", "e\u0301 ss"], "ab* SS é")  # folded: lengths change
@example(["\uab70 x", "x"], "\uab70")  # Cherokee folds to capitals: folded text is not lowered again
@example(["Ab\u0301", "\u0301b", "a\x00b"], "a-b b")  # a mark opening a text; a NUL inside one
def test_titles_searched_together_hit_as_each_searched_alone(values: list[str], query: str) -> None:
    """The tiers search many titles as one text, a line each: a hit running from one line into
    the next (a phrase, a newline inside a summary) must not count, nor hide one in the next."""
    from hypothesis import assume

    from digest_desk.store.search import _fold, _Matcher, parse

    terms = [t for t in parse(query) if not t.excluded]
    assume(terms)
    matcher = _Matcher(terms)
    alone = {n for n, value in enumerate(values) if all(p.search(_fold(value)) for p in matcher.patterns)}
    assert matcher.rows(values) == alone
