"""``digest-desk render``, ``check`` and the export render from the same published-site inputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from digest_desk import render
from digest_desk.cli import main
from digest_desk.commands.render_cmds import render_context
from digest_desk.export import export_site
from digest_desk.store.articles import create_article, get_by_slug, save_article
from digest_desk.store.importer import import_paths
from digest_desk.store.site import get_site, update_site
from tests.page_inputs_cases import articles_by_status, assert_matches_export, build_mixed_site


def test_cli_render_is_the_exported_page_for_samples_and_generated_articles(store, db_path, tmp_path, capsys):
    build_mixed_site(store)
    out = tmp_path / "out"
    export_site(store, out)
    site, ctx = get_site(store), render_context(store)
    published, drafts = articles_by_status(store)
    assert len(published) > 100 and len(drafts) > 60
    for article in published:
        assert_matches_export(article, site, ctx, out)
    # The command prints exactly what that context renders, for published articles and drafts.
    for article in published[::7] + drafts[::7]:
        for rendition, page in (("standard", render.standard), ("simplified", render.simplified)):
            assert main(["--db", str(db_path), "render", article.slug, "--rendition", rendition]) == 0
            assert capsys.readouterr().out == page(article, site, ctx), article.slug


def test_sections_and_link_targets_are_those_of_the_published_site(store, db_path, tmp_path, capsys):
    world = create_article(store, title="Harbour news", body="Text.", category="World", status="published")
    create_article(store, title="Cup result", body="Text.", category="Sport", status="draft")
    draft = get_by_slug(store, "cup-result")
    save_article(store, world, links=[{"title": "The cup", "url": "", "target_article_id": draft.id,
                                       "kind": "related"}])
    assert main(["--db", str(db_path), "render", "harbour-news", "--rendition", "standard"]) == 0
    page = capsys.readouterr().out
    assert "World" in page and "Sport" not in page
    assert "cup-result" not in page  # no link to a page that will not exist
    export_site(store, tmp_path / "out")
    index = (tmp_path / "out" / "index.html").read_text()
    assert "Sport" not in index and not (tmp_path / "out" / "category" / "sport").exists()
    # ``check`` warns that the link waits for the draft, and does not call it a missing article.
    assert main(["--db", str(db_path), "check", "harbour-news"]) == 0
    said = capsys.readouterr().out
    assert "warning" in said and "[editorial.link-unpublished-article]" in said and "no longer exists" not in said


def test_the_export_publishes_no_picture_only_drafts_use(store, tmp_path: Path):
    update_site(store, name="Desk")
    folder = tmp_path / "incoming"
    folder.mkdir()
    from PIL import Image as PILImage

    secrets = {}
    for name, colour in (("passport.png", (200, 10, 10)), ("secret.png", (10, 200, 10)),
                         ("public.png", (10, 10, 200))):
        PILImage.new("RGB", (40, 30), colour).save(folder / name)
        secrets[name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    (folder / "a-draft.md").write_text(
        "---\ntitle: Draft with a lead picture\nstatus: draft\nimage: passport.png\n---\nText.\n")
    (folder / "b-draft.md").write_text(
        "---\ntitle: Draft with a body picture\nstatus: draft\n---\nText.\n\n![x](secret.png)\n")
    (folder / "c-public.md").write_text(
        "---\ntitle: Published story\nstatus: published\n---\nText.\n\n![A view](public.png)\n")
    done, failed = import_paths(store, sorted(folder.glob("*.md")))
    assert failed == [] and len(done) == 3
    out = tmp_path / "out"
    export_site(store, out)
    published = {hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}
    assert secrets["public.png"] in published
    assert secrets["passport.png"] not in published and secrets["secret.png"] not in published
    assert sorted(p.name for p in (out / "media").iterdir()) == ["public.png"]


def test_publishing_a_link_target_brings_the_link_into_an_incremental_export(store, tmp_path):
    draft = create_article(store, title="Cup result", body="Text.", category="Sport", status="draft")
    create_article(store, title="Harbour news", body="Text.", category="World", status="published",
                   links=[{"title": "The cup", "url": "", "target_article_id": draft.id, "kind": "related"}])
    out = tmp_path / "out"
    export_site(store, out)
    assert "cup-result" not in (out / "harbour-news" / "index.html").read_text()
    fresh = get_by_slug(store, "cup-result")
    fresh.status = "published"
    save_article(store, fresh)
    export_site(store, out, changed_only=True)
    assert '<a href="../cup-result/index.html">The cup</a>' in (out / "harbour-news" / "index.html").read_text()
    assert (out / "category" / "sport" / "index.html").is_file()
