"""Suggestions: full-text similarity over a real store, self and linked articles left out."""

from __future__ import annotations

from digest_desk.domain import Article
from digest_desk.links.suggest import fold, suggest_related, weighted_terms
from digest_desk.store.articles import create_article, get_article


def _seed(store):
    ids = {}
    for key, title, tags, body in [
        ("flood", "River flood closes valley roads", ["flood", "weather"],
         "The river burst its banks overnight. Flood water covered the valley roads and the dam."),
        ("dam", "Engineers inspect the old dam after the flood", ["flood"],
         "Engineers inspected the dam. The flood tested the concrete; the river is falling."),
        ("rain", "More rain expected this week", ["weather"],
         "Forecasters expect rain across the north. The river may rise again."),
        ("budget", "City council approves the budget", ["politics"],
         "The council approved spending on schools and buses after a long debate."),
        ("football", "Local team wins the cup", ["sport"],
         "A late goal won the cup final for the local team in front of a full stadium."),
    ]:
        ids[key] = create_article(store, title=title, tags=tags, body=body).id
    return ids


def test_related_articles_rank_by_shared_distinctive_terms(store):
    ids = _seed(store)
    flood = get_article(store, ids["flood"])
    found = suggest_related(store, flood, limit=10)
    assert [s.article_id for s in found][:2] == [ids["dam"], ids["rain"]]
    assert ids["flood"] not in [s.article_id for s in found]
    assert ids["football"] not in [s.article_id for s in found]
    assert found[0].score > found[1].score > 0
    assert found[0].slug == get_article(store, ids["dam"]).slug


def test_already_linked_and_excluded_articles_are_left_out(store):
    ids = _seed(store)
    draft = Article(
        title="Flood and dam worries", tags=["flood"], body="The river and the dam.", slug="x",
        links=[],
    )
    assert suggest_related(store, draft)[0].article_id == ids["dam"]
    linked = {"title": "x", "url": "", "kind": "related", "target_article_id": ids["dam"]}
    found = suggest_related(store, draft, links=[linked])
    assert ids["dam"] not in [s.article_id for s in found]
    found = suggest_related(store, draft, exclude=[ids["dam"], ids["rain"]])
    assert [s.article_id for s in found] == [ids["flood"]]


def test_nothing_in_common_gives_no_suggestions(store):
    _seed(store)
    lonely = Article(title="Quasars", body="Zyzzyva quokka", slug="q")
    assert suggest_related(store, lonely) == []
    assert suggest_related(store, Article(title="", body="", slug="e")) == []


def test_terms_are_folded_like_the_index_and_weighted():
    assert fold("Ärger") == "arger"
    weights = weighted_terms("Flood warning", ["Flood"], "flood in the town")
    assert weights["flood"] == 7.0 and weights["town"] == 1.0 and "the" not in weights


def test_an_article_added_later_is_suggested_at_once(store):
    ids = _seed(store)
    flood = get_article(store, ids["flood"])
    before = [s.article_id for s in suggest_related(store, flood)]
    # Shares one word with the flood story that no other article had when it was last asked.
    newer = create_article(store, title="Overnight", body="Overnight, quietly.").id
    after = [s.article_id for s in suggest_related(store, flood)]
    assert newer not in before and newer in after


def test_hostile_text_never_breaks_the_related_queries(store):
    """Quotes, backslashes and the operators of FTS5 and tsquery, in the article and its
    neighbours: suggestions still come, on both engines."""
    hostile = 'Flood "warning" \\ river & dam | !levee (north): crest* <-> \'quote\' NEAR(x) ^start -minus'
    ids = _seed(store)
    odd = create_article(store, title='Flood: "river" & dam | levee!', body=hostile * 50).id
    found = suggest_related(store, get_article(store, odd), limit=10)
    assert ids["flood"] in {s.article_id for s in found}
    flood = get_article(store, ids["flood"])
    assert odd in {s.article_id for s in suggest_related(store, flood, limit=10)}
