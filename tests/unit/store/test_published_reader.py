"""store.published: one read transaction gives one state of the site, whatever is saved meanwhile."""

from __future__ import annotations

import pytest

from digest_desk.export.plan import make_plan
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.published import published_reader

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL


def test_every_read_through_one_reader_sees_the_same_state(store):
    first = create_article(store, title="First", body="Text.", category="World", status="published")
    create_article(store, title="Draft", body="Text.", category="Sport", status="draft")
    with published_reader(store) as reader:
        rows = reader.listing_rows()
        # Someone saves while the export is planning: a new section, a publication, a retitle.
        create_article(store, title="Second", body="Text.", category="Culture", status="published")
        edited = get_article(store, first.id)
        edited.title = "First, retitled"
        save_article(store, edited)
        assert reader.listing_rows() == rows
        assert reader.categories() == ["World"]
        assert reader.slugs() == {first.id: "first"}
        assert reader.unpublished_count() == 1
    with published_reader(store) as reader:
        assert reader.categories() == ["Culture", "World"]
        assert {row[2] for row in reader.listing_rows()} == {"First, retitled", "Second"}


def test_the_plan_counts_only_what_is_published(store):
    create_article(store, title="Out", body="Text.", category="World", status="published")
    create_article(store, title="Later", body="Text.", category="Sport", status="ready")
    plan = make_plan(store)
    assert [e.slug for e in plan.entries] == ["out"] and plan.categories == ["World"] and plan.unpublished == 1


def test_slugs_of_unpublished_targets_are_kept_apart(store):
    out = create_article(store, title="Out", body="Text.", status="published")
    draft = create_article(store, title="Draft", body="Text.", status="draft")
    with published_reader(store) as reader:
        assert reader.slugs([out.id, draft.id]) == {out.id: "out"}
        assert reader.slugs([out.id, draft.id], published=False) == {draft.id: "draft"}
        assert reader.slugs([]) == {}
