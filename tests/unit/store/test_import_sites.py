"""Hugo, Jekyll and Pelican sites come in whole: status, dates, categories, pictures, bundles."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest_desk.domain import Status
from digest_desk.store.articles import all_articles, count_articles, get_by_slug, revisions
from digest_desk.store.importer import ImportOptions, import_paths
from digest_desk.store.imports.sites import detect
from digest_desk.store.media import media_map

from .test_cli_store import run

DATA = Path(__file__).resolve().parents[2] / "data" / "import"


def _import(store, site: str, media: str | None = None, **options):
    folder = DATA / site
    opts = ImportOptions(media=(folder / media,) if media else (), **options)
    return import_paths(store, [folder], options=opts)


def test_hugo_site_with_toml_yaml_and_a_page_bundle(store):
    done, failed = _import(store, "hugo", "static")
    assert failed == []
    assert sorted(r.slug for r in done) == [
        "election-night-live", "ferry-discount-until-march", "harbour-cranes",
        "notes-for-a-later-story", "old-address", "river-trip"]  # _index.md is a list page
    cranes = get_by_slug(store, "harbour-cranes")  # TOML front matter
    assert cranes.status == Status.PUBLISHED and cranes.author == "Ana Ruiz"
    assert cranes.published_at == datetime(2024, 3, 1, 7, 30, tzinfo=UTC)
    assert cranes.updated_at == datetime(2024, 3, 2, 8, 0, tzinfo=UTC)
    assert (cranes.category, cranes.tags) == ("Economy", ["jobs", "strike", "Port"])
    assert cranes.summary == "Four cranes are back after the strike."
    assert cranes.image.name == "crane.png" and cranes.image.width == 1200  # from static/
    assert "![A crane](media/crane.png)" in cranes.body
    assert get_by_slug(store, "notes-for-a-later-story").status == Status.DRAFT  # draft: true
    # publishDate wins over date, and a date still to come is Scheduled.
    election = get_by_slug(store, "election-night-live")
    assert election.status == Status.SCHEDULED
    assert election.published_at == datetime(2099, 5, 4, 17, 0, tzinfo=UTC)
    expired = next(r for r in done if r.slug == "ferry-discount-until-march")
    assert get_by_slug(store, expired.slug).status == Status.DRAFT
    assert "expired on 2022-03-31 (expiryDate): imported as a draft" in expired.warnings[0]
    bundle = get_by_slug(store, "river-trip")  # the folder names the bundle
    assert bundle.image.name == "dawn.png" and "![The river at dawn](media/dawn.png)" in bundle.body
    assert (bundle.published_at, bundle.category) == (datetime(2024, 2, 14, 11, tzinfo=UTC), "Travel")


def test_hugo_url_gives_the_slug_and_a_missing_picture_is_named_not_fatal(store, tmp_path):
    done, _failed = _import(store, "hugo", "static")
    moved = next(r for r in done if r.slug == "old-address")
    assert any("gone/lighthouse.jpg was not found" in w and "media/lighthouse.jpg" in w
               for w in moved.warnings)
    assert "![Lost picture](media/lighthouse.jpg)" in get_by_slug(store, "old-address").body
    # check names the missing picture on every run until it is added to the library.
    db = tmp_path / "cli.sqlite3"
    assert run("--db", str(db), "import", "--media", str(DATA / "hugo" / "static"),
               str(DATA / "hugo")).returncode == 0
    res = run("--db", str(db), "check", "old-address", "--json")
    found = [p for p in json.loads(res.stdout) if "lighthouse.jpg" in p["message"]]
    assert found and found[0]["code"] == "editorial.image-missing"


def test_jekyll_posts_take_date_and_slug_from_the_file_name(store):
    done, failed = _import(store, "jekyll", ".")
    assert failed == []
    assert sorted(r.slug for r in done) == ["an-idea-for-later", "spring-fair", "winter-storm",
                                            "year-end"]
    fair = get_by_slug(store, "spring-fair")
    assert fair.status == Status.PUBLISHED
    assert fair.published_at == datetime(2021, 4, 3, tzinfo=UTC)
    assert (fair.category, fair.tags) == ("news", ["fair", "town", "local"])
    assert fair.summary == "Stalls fill the square." and fair.image.name == "fair.png"
    assert "![Stalls](media/fair.png)" in fair.body
    assert get_by_slug(store, "year-end").status == Status.DRAFT  # published: false
    assert get_by_slug(store, "an-idea-for-later").status == Status.DRAFT  # _drafts/
    storm = get_by_slug(store, "winter-storm")  # the front matter date wins, with its offset
    assert storm.published_at == datetime(2022, 1, 15, 7, 0, tzinfo=UTC)
    assert storm.category == "Weather"


def test_pelican_metadata_headers(store):
    done, failed = _import(store, "pelican", "content")
    assert failed == []
    market = get_by_slug(store, "market-day")
    assert (market.title, market.author, market.category) == (
        "Market day in the old town", "Lea Moser", "Town")
    assert market.tags == ["market", "food", "weekend"]
    assert market.summary == "Farmers sell early cherries." and market.status == Status.PUBLISHED
    assert market.published_at == datetime(2023, 6, 10, 10, 20, tzinfo=UTC)
    assert "![Cherries](media/market.png)" in market.body and "Status:" not in market.body
    assert get_by_slug(store, "unfinished-thoughts").status == Status.DRAFT
    hidden = next(r for r in done if r.slug == "a-hidden-note")
    assert get_by_slug(store, hidden.slug).status == Status.DRAFT
    assert "Status: hidden" in hidden.warnings[0]


@pytest.mark.parametrize(
    ("relative", "kind"),
    [("hugo/content/posts/harbour-cranes.md", "hugo"), ("hugo/content/posts/old-draft.md", "hugo"),
     ("hugo/content/posts/river-trip/index.md", "hugo"),
     ("jekyll/_posts/2021-04-03-spring-fair.md", "jekyll"), ("jekyll/_drafts/an-idea.md", "jekyll"),
     ("pelican/content/market-day.md", "pelican")],
)
def test_auto_recognises_each_system_by_content(relative, kind):
    path = DATA / relative
    assert detect(path, path.read_text("utf-8")) == kind


def test_our_own_format_is_still_ours():
    path = Path("a.md")
    assert detect(path, "---\ntitle: T\nstatus: published\n---\nx\n") == "digest"


def test_status_override_update_skip_and_dry_run(store, tmp_path):
    site = tmp_path / "hugo"
    shutil.copytree(DATA / "hugo", site)
    media = (site / "static",)
    done, _ = import_paths(store, [site], options=ImportOptions(media=media, dry_run=True))
    assert len(done) == 6 and count_articles(store) == 0 and media_map(store) == {}
    import_paths(store, [site], options=ImportOptions(media=media, status=Status.DRAFT))
    assert {a.status for a in all_articles(store)} == {Status.DRAFT}
    again, _ = import_paths(store, [site], options=ImportOptions(media=media, update=False))
    assert {(r.action, r.reason) for r in again} == {("skipped", "already in the store")}
    post = site / "content" / "posts" / "old-draft.md"
    post.write_text(post.read_text("utf-8").replace("Not ready yet.", "Ready now."), "utf-8")
    third, _ = import_paths(store, [site], options=ImportOptions(media=media, update=True,
                                                                 status=Status.DRAFT))
    actions = {r.slug: r.action for r in third}
    assert actions["notes-for-a-later-story"] == "updated"
    assert actions["harbour-cranes"] == "skipped"  # unchanged since the last import
    note = get_by_slug(store, "notes-for-a-later-story")
    assert note.body.strip() == "Ready now." and note.version == 2
    assert [r.reason for r in revisions(store, note.id)] == ["import", "import"]


def test_cli_dry_run_and_summary(tmp_path):
    db = str(tmp_path / "cli.sqlite3")
    res = run("--db", db, "import", "--dry-run", "--from", "jekyll", str(DATA / "jekyll"))
    assert res.returncode == 0, res.stderr
    assert "spring-fair\twould be imported" in res.stdout
    assert res.stderr.strip().endswith(
        "4 articles would be imported, 0 updated, 0 skipped, 0 failed (dry run: nothing written).")
    res = run("--db", db, "list")
    assert res.stdout.strip() == ""
    res = run("--db", db, "import", "--status", "published", str(DATA / "pelican"))
    assert res.returncode == 0 and "3 articles imported" in res.stderr


@pytest.mark.parametrize(
    ("front", "words"),
    [("tags = " + "[" * 20_000, "nested too deep"), ('title = "T"\ndate = 2024-13-45', "TOML"),
     ('title = "T"\ndate = "next week"', "not a date"), ('title = "T', "broken TOML")],
    ids=["deep", "month-13", "text-date", "unclosed"],
)
def test_hostile_toml_fails_alone(store, tmp_path, front, words):
    (tmp_path / "bad.md").write_text(f"+++\n{front}\n+++\nx\n", encoding="utf-8")
    (tmp_path / "good.md").write_text('+++\ntitle = "Good"\n+++\nx\n', encoding="utf-8")
    done, failed = import_paths(store, [tmp_path])
    assert [r.slug for r in done] == ["good"] and get_by_slug(store, "good").status == Status.PUBLISHED
    assert len(failed) == 1 and words in str(failed[0]) and str(failed[0]).startswith(
        str(tmp_path / "bad.md"))
