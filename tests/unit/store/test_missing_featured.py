"""A featured picture the imported file names but we cannot find: kept with the article, named
by check until a picture is chosen (migration 0009; SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import sqlite3

import PIL.Image
import pytest

from digest_desk.checks import run_checks
from digest_desk.domain import MISSING_IMAGE_MAX
from digest_desk.store import migrations, open_store
from digest_desk.store.articles import get_by_slug, save_article
from digest_desk.store.engine import make_engine
from digest_desk.store.importer import ImportOptions, import_paths
from digest_desk.store.media import add_image
from digest_desk.store.site import get_site

from .test_cli_store import run

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL

HUGO = "---\ntitle: The old ferry\ndraft: false\ndate: 2024-03-01\nimages: [\"old/ferry.jpg\"]\n---\nText.\n"
OURS = "---\ntitle: Harbour night\nimage: pictures/harbour.png\nimage_alt: The harbour\n---\nText.\n"


def _png(path) -> None:
    buf = io.BytesIO()
    PIL.Image.new("RGB", (64, 48), "teal").save(buf, "PNG")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def _codes(store, slug: str) -> dict[str, str]:
    article = get_by_slug(store, slug)
    return {p.code: p.message for p in run_checks(article, get_site(store))}


def _site(tmp_path, name: str, text: str):
    folder = tmp_path / "site"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_hugo_featured_picture_missing_is_imported_and_named(store, tmp_path):
    folder = _site(tmp_path, "ferry.md", HUGO)
    done, failed = import_paths(store, [folder], options=ImportOptions())
    assert failed == [] and [r.slug for r in done] == ["the-old-ferry"]
    article = get_by_slug(store, "the-old-ferry")
    assert article.image_id is None and article.missing_image == "old/ferry.jpg"
    assert _codes(store, "the-old-ferry")["pictures.featured-missing"] == (
        "The featured picture “old/ferry.jpg” named by the imported file was not found; "
        "choose one in the image row.")


def test_choosing_a_featured_picture_clears_the_warning(store, tmp_path):
    folder = _site(tmp_path, "harbour.md", OURS)
    import_paths(store, [folder], options=ImportOptions())
    article = get_by_slug(store, "harbour-night")
    assert article.missing_image == "pictures/harbour.png"
    picture = tmp_path / "chosen.png"
    _png(picture)
    article.image_id, article.image_alt = add_image(store, picture).id, "The harbour"
    assert "pictures.featured-missing" not in run_checks(article, get_site(store))  # unsaved copy
    saved = save_article(store, article, reason="picture chosen")
    assert saved.missing_image == ""
    assert "pictures.featured-missing" not in _codes(store, "harbour-night")


def test_update_that_finds_the_picture_clears_it_and_the_name_is_capped(store, tmp_path):
    folder = _site(tmp_path, "harbour.md", OURS)
    import_paths(store, [folder], options=ImportOptions())
    _png(folder / "pictures" / "harbour.png")
    import_paths(store, [folder], options=ImportOptions(update=True))
    article = get_by_slug(store, "harbour-night")
    assert article.image is not None and article.missing_image == ""
    assert "pictures.featured-missing" not in _codes(store, "harbour-night")
    long_name = "old/" * 250 + "ferry.png"  # each part a short name: no OS error, only length
    (folder / "harbour.md").write_text(OURS.replace("pictures/harbour.png", long_name), encoding="utf-8")
    done, failed = import_paths(store, [folder], options=ImportOptions(update=True))
    assert failed == [] and [r.action for r in done] == ["updated"]
    assert get_by_slug(store, "harbour-night").missing_image == long_name[:MISSING_IMAGE_MAX]
    # A NUL byte (which PostgreSQL refuses in text) is dropped from the name the check shows.
    (folder / "harbour.md").write_text(OURS.replace("pictures/harbour.png", '"a\\x00b.png"'),
                                       encoding="utf-8")
    import_paths(store, [folder], options=ImportOptions(update=True))
    assert get_by_slug(store, "harbour-night").missing_image == "ab.png"


@pytest.mark.sqlite_only
def test_cli_check_prints_the_warning(tmp_path):
    folder = _site(tmp_path, "ferry.md", HUGO)
    db = str(tmp_path / "cli.sqlite3")
    res = run("--db", db, "import", str(folder))
    assert res.returncode == 0, res.stderr
    assert "featured image left out" in res.stderr + res.stdout
    res = run("--db", db, "check", "the-old-ferry")
    assert "The featured picture “old/ferry.jpg” named by the imported file was not found" in res.stdout
    found = json.loads(run("--db", db, "check", "the-old-ferry", "--json").stdout)
    assert [p["severity"] for p in found if p["code"] == "pictures.featured-missing"] == ["warning"]


@pytest.mark.sqlite_only
def test_0009_upgrades_a_0008_database_and_downgrades(tmp_path):
    from alembic import command

    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    migrations.upgrade(engine, "0008")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO article (title, slug, slug_key, summary, body, author, category, tags, status,"
        " published_at, updated_at, created_at, image_alt, image_caption, image_credit, version)"
        " VALUES ('Old', 'old', 'old', '', 'text', '', '', '[]', 'draft', NULL,"
        " '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', '', '', '', 1)")
    con.commit()
    con.close()
    store = open_store(path)
    assert migrations.current(store.engine) == migrations.head()
    old = get_by_slug(store, "old")
    assert old.missing_image == "" and "pictures.featured-missing" not in _codes(store, "old")
    cfg = migrations.config(store.engine)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    store.close()
    columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(article)")]
    assert "missing_image" not in columns and "image_credit" in columns
