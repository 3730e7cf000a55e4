"""Pictures keep each article's own words; the library row only suggests them (real SQLite)."""

from __future__ import annotations

import io
import sqlite3

import PIL.Image
import pytest

from digest_desk.domain import Status
from digest_desk.export import export_site
from digest_desk.store import migrations, open_store
from digest_desk.store.articles import create_article, get_article, save_article
from digest_desk.store.engine import make_engine
from digest_desk.store.errors import NotFoundError
from digest_desk.store.media import MediaError, add_image, get_image_bytes, media_map
from digest_desk.store.picture_library import (
    PictureInUseError,
    library,
    picture_uses,
    remove_unused_image,
    replace_image,
)


def _jpeg(colour: str = "teal", size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    PIL.Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def ferry(store, tmp_path):
    path = tmp_path / "ferry-photo.jpg"
    path.write_bytes(_jpeg())
    return add_image(store, path, alt="The ferry", credit="Old Site Photos")


def _two_articles(store, ferry):
    one = create_article(
        store, title="Ferry returns", status=Status.PUBLISHED, image_id=ferry.id,
        image_alt="The ferry at the pier", image_caption="Back in service", image_credit="Jane Doe",
        body='Text.\n\n![The ferry leaving Kirkwall](media/ferry-photo.jpg "Leaving at dawn | Ann Roe")\n')
    two = create_article(
        store, title="Harbour fees", status=Status.PUBLISHED, image_id=ferry.id,
        image_alt="A ferry in fog", image_caption="Fog delays", image_credit="Desk archive",
        body='More.\n\n![Passengers board](media/ferry-photo.jpg "Boarding | Bo Lund")\n')
    return one, two


def test_two_articles_using_one_picture_keep_their_own_words(store, ferry):
    one, two = _two_articles(store, ferry)
    edited = get_article(store, one.id)
    edited.image_caption, edited.image_credit = "Back in service on Monday", "J. Doe"
    save_article(store, edited)
    first, second = get_article(store, one.id), get_article(store, two.id)
    assert (first.image_alt, first.image_caption, first.image_credit) == (
        "The ferry at the pier", "Back in service on Monday", "J. Doe")
    assert (second.image_alt, second.image_caption, second.image_credit) == (
        "A ferry in fog", "Fog delays", "Desk archive")
    row = media_map(store)["ferry-photo.jpg"]  # the library keeps its suggestion untouched
    assert (row.alt, row.credit) == ("The ferry", "Old Site Photos")


def test_export_renders_each_articles_words_never_the_librarys(store, ferry, tmp_path):
    one, two = _two_articles(store, ferry)
    out = tmp_path / "site"
    export_site(store, out)
    for article, words, absent in (
        (one, ("The ferry at the pier", "Back in service", "Jane Doe", "The ferry leaving Kirkwall",
               "Leaving at dawn", "Ann Roe"), ("Fog delays", "Bo Lund")),
        (two, ("A ferry in fog", "Fog delays", "Desk archive", "Passengers board", "Boarding", "Bo Lund"),
         ("Jane Doe", "Ann Roe")),
    ):
        for page in (out / article.slug / "index.html", out / article.slug / "amp" / "index.html"):
            html = page.read_text(encoding="utf-8")
            for word in words:
                assert word in html, (page, word)
            for word in (*absent, "Old Site Photos"):
                assert word not in html, (page, word)
    amp = (out / one.slug / "amp" / "index.html").read_text(encoding="utf-8")
    assert '<span class="dd-credit">Ann Roe</span>' in amp


def test_uses_name_featured_and_body_articles(store, ferry, tmp_path):
    one, two = _two_articles(store, ferry)
    other = tmp_path / "quay.jpg"
    other.write_bytes(_jpeg("orange"))
    add_image(store, other)
    create_article(store, title="Body only", body="See ![quay](media/quay.jpg).")
    uses = picture_uses(store)
    assert [(u.article_id, u.featured, u.in_body) for u in uses["ferry-photo.jpg"]] == [
        (one.id, True, True), (two.id, True, True)]
    assert [(u.title, u.featured, u.in_body) for u in uses["quay.jpg"]] == [("Body only", False, True)]
    rows = {p.name: p for p in library(store)}
    assert rows["ferry-photo.jpg"].size == len(get_image_bytes(store, "ferry-photo.jpg"))
    assert len(rows["quay.jpg"].uses) == 1


def test_remove_is_refused_while_used_and_works_when_unused(store, ferry, tmp_path):
    _two_articles(store, ferry)
    with pytest.raises(PictureInUseError, match="Ferry returns"):
        remove_unused_image(store, "ferry-photo.jpg")
    assert "ferry-photo.jpg" in media_map(store)
    spare = tmp_path / "spare.png"
    buf = io.BytesIO()
    PIL.Image.new("RGB", (8, 8)).save(buf, "PNG")
    spare.write_bytes(buf.getvalue())
    add_image(store, spare)
    remove_unused_image(store, "spare.png")
    assert "spare.png" not in media_map(store)
    with pytest.raises(NotFoundError):
        remove_unused_image(store, "spare.png")


def test_replace_keeps_name_and_words_and_refuses_bad_files(store, ferry, tmp_path):
    one, _two = _two_articles(store, ferry)
    new = tmp_path / "better.jpg"
    new.write_bytes(_jpeg("navy", (120, 80)))
    image = replace_image(store, "ferry-photo.jpg", new)
    assert (image.name, image.width, image.height) == ("ferry-photo.jpg", 120, 80)
    assert get_article(store, one.id).image_caption == "Back in service"
    before = get_image_bytes(store, "ferry-photo.jpg")
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    with pytest.raises(MediaError, match="notes.jpg is not a picture"):
        replace_image(store, "ferry-photo.jpg", text)
    with pytest.raises(MediaError, match="cannot be read"):
        replace_image(store, "ferry-photo.jpg", tmp_path / "vanished.jpg")
    png = tmp_path / "other.png"
    buf = io.BytesIO()
    PIL.Image.new("RGB", (8, 8)).save(buf, "PNG")
    png.write_bytes(buf.getvalue())
    with pytest.raises(MediaError, match="PNG picture"):
        replace_image(store, "ferry-photo.jpg", png)
    assert get_image_bytes(store, "ferry-photo.jpg") == before  # nothing lost


def test_migration_0006_gives_each_featuring_article_the_words_it_showed(db_path):
    engine = make_engine(db_path)
    migrations.upgrade(engine, "0005")  # the schema just before this migration
    engine.dispose()
    con = sqlite3.connect(db_path)
    con.execute("INSERT INTO image (name, mime, width, height, alt, caption, credit, sha256, url, created_at) "
                "VALUES ('pier.jpg', 'image/jpeg', 10, 10, 'Pier', 'The pier', 'Old Site', '', '', "
                "'2026-01-01 00:00:00')")
    body = ('![](media/pier.jpg)\n\n![Our words](media/pier.jpg "Our caption")\n\n'
            '```\n![](media/pier.jpg)\n```\n\n![x](media/other.jpg)')
    for slug, alt in (("own-alt", "Our pier"), ("no-alt", "")):
        con.execute("INSERT INTO article (title, slug, slug_key, summary, body, author, category, tags, "
                    "status, updated_at, created_at, image_id, image_alt, version) VALUES "
                    f"('T', '{slug}', '{slug}', '', :body, '', '', '[]', 'draft', '2026-01-01 00:00:00', "
                    f"'2026-01-01 00:00:00', 1, '{alt}', 1)", {"body": body})
    con.commit()
    con.close()
    store = open_store(db_path)
    try:
        got = {a.slug: a for a in (get_article(store, i) for i in (1, 2))}
    finally:
        store.close()
    assert (got["own-alt"].image_alt, got["own-alt"].image_caption, got["own-alt"].image_credit) == (
        "Our pier", "The pier", "Old Site")
    assert got["no-alt"].image_alt == "Pier"
    # Body pictures get, in their markdown, the words their pages showed (the library's where
    # the markdown had none; the library's credit always); code blocks and unknown names stay.
    assert got["no-alt"].body == (
        '![Pier](media/pier.jpg "The pier | Old Site")\n\n![Our words](media/pier.jpg "Our caption | Old Site")'
        '\n\n```\n![](media/pier.jpg)\n```\n\n![x](media/other.jpg)')
