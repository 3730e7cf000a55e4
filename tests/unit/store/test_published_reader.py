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


def _png() -> bytes:
    import io

    from PIL import Image as Picture

    out = io.BytesIO()
    Picture.new("RGB", (12, 8), "teal").save(out, "PNG")
    return out.getvalue()


def test_page_articles_hold_what_the_orm_loads(store):
    """The export renders from plain rows (page_articles): every value the pages read is the one
    the ORM object would give, types included (aware times, tag lists, enums, the lead picture)."""
    from datetime import UTC, datetime

    from digest_desk.domain import Article, Link
    from digest_desk.store.media import add_image
    from digest_desk.store.published import page_articles

    picture = add_image(store, _png(), name="lead.png", alt="Suggested", caption="A caption")
    target = create_article(store, title="Target", body="Text.", status="published")
    first = create_article(store, title="First", body="Body *one*.", category="World",
                           status="scheduled", published_at=datetime(2024, 5, 1, 8, 30, tzinfo=UTC),
                           image_id=picture.id, image_alt="Own words", image_credit="Credit",
                           links=[{"title": "Inside", "url": "", "kind": "related", "target_article_id": target.id},
                                  {"title": "Out", "url": "https://example.org/x", "kind": "read-more"}])
    with store.write() as session:  # tags come from imports (front matter); set them as those do
        session.get(Article, first.id).tags = ["a", "b"]
    plain = create_article(store, title="Plain", body="", status="published")
    ids = [first.id, plain.id, target.id]
    with published_reader(store) as reader:
        loaded = reader.articles(ids)
        rows = reader.page_rows(ids)
        pages = page_articles(rows)
    assert [a.id for a in pages] == [a.id for a in loaded] == [row[0] for row in rows.rows]
    for orm, page in zip(loaded, pages, strict=True):
        for name in Article.model_fields:
            assert getattr(page, name) == getattr(orm, name), name
            assert type(getattr(page, name)) is type(getattr(orm, name)), name
        assert (page.image is None) == (orm.image is None)
        if orm.image is not None:
            for name in ("id", "name", "mime", "width", "height", "alt", "caption", "credit", "sha256", "url"):
                assert getattr(page.image, name) == getattr(orm.image, name), name
        assert len(page.links) == len(orm.links)
        for mine, theirs in zip(page.links, orm.links, strict=True):
            for name in Link.model_fields:
                assert getattr(mine, name) == getattr(theirs, name), name
                assert type(getattr(mine, name)) is type(getattr(theirs, name)), name
    shown = next(page for page in pages if page.id == first.id)
    assert shown.tags == ["a", "b"] and shown.published_at.tzinfo is not None and shown.image.name == "lead.png"
    assert [str(link.kind) for link in shown.links] == ["related", "read-more"]
