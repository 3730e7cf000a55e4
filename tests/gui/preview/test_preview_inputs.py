"""The preview renders from the published site exactly as ``digest-desk render`` and the export do."""

from __future__ import annotations

from tests.page_inputs_cases import articles_by_status, assert_matches_export, build_mixed_site

from digest_desk import render
from digest_desk.commands.render_cmds import render_context
from digest_desk.export import export_site
from digest_desk.store.articles import create_article
from digest_desk.store.site import get_site


def test_preview_context_gives_the_exported_and_cli_pages(store, window_factory, qtbot, tmp_path):
    build_mixed_site(store, n=200)
    out = tmp_path / "out"
    export_site(store, out)
    site, cli_ctx = get_site(store), render_context(store)
    window = window_factory()
    published, drafts = articles_by_status(store)
    for article in published[:3] + drafts[:3]:  # opened in the window as an editor would
        with qtbot.waitSignal(window.live.preview.rendered, timeout=20000):
            window.load_article(article.id)
        ctx = window.live.context(window.editor.edited_copy())
        assert render.standard(article, site, ctx) == render.standard(article, site, cli_ctx), article.slug
    for article in published:
        assert_matches_export(article, site, window.live.context(article), out)
    for article in drafts:
        ctx = window.live.context(article)
        for page in (render.standard, render.simplified):
            assert page(article, site, ctx) == page(article, site, cli_ctx), article.slug


def test_a_drafts_section_is_not_in_the_preview(store, window_factory, qtbot):
    draft = create_article(store, title="Cup result", body="Text.", category="Sport", status="draft")
    world = create_article(store, title="Harbour news", body="Text.", category="World", status="published",
                           links=[{"title": "The cup", "url": "", "target_article_id": draft.id, "kind": "related"}])
    window = window_factory()
    with qtbot.waitSignal(window.live.preview.rendered, timeout=20000):
        window.load_article(world.id)
    ctx = window.live.context(window.editor.edited_copy())
    assert list(ctx.categories) == ["World"]
    assert dict(ctx.slugs) == {} and dict(ctx.unpublished) == {draft.id: "cup-result"}
    page = render.preview_standard(window.editor.edited_copy(), window.site, ctx)
    assert "Sport" not in page and "cup-result" not in page
