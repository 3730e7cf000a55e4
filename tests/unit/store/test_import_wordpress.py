"""A WordPress export (WXR) comes in post by post: statuses, dates, terms, authors, pictures."""

from __future__ import annotations

import importlib.util
import json
import tracemalloc
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest

from digest_desk.convert import html_to_markdown
from digest_desk.domain import Status
from digest_desk.store.articles import all_articles, count_articles, get_by_slug
from digest_desk.store.importer import ImportOptions, import_paths
from digest_desk.store.imports.wxr import read_wxr
from digest_desk.store.media import media_map

from .test_cli_store import run

FOLDER = Path(__file__).resolve().parents[2] / "data" / "import" / "wordpress"
EXPORT = FOLDER / "export.xml"
UPLOADS = FOLDER / "uploads"
HTML = partial(html_to_markdown, pictures=True)


def _generator():
    spec = importlib.util.spec_from_file_location("make_wxr", FOLDER / "make_wxr.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def imported(store):
    done, failed = import_paths(store, [EXPORT], options=ImportOptions(media=(UPLOADS,), html=HTML))
    return store, done, failed


def test_the_fixture_is_what_the_script_writes(tmp_path):
    assert _generator().write(tmp_path / "x.xml", 50).read_bytes() == EXPORT.read_bytes()


def test_counts_and_statuses(imported):
    store, done, failed = imported
    assert failed == []
    made = [r for r in done if r.action == "imported"]
    skipped = sorted(r.reason for r in done if r.action == "skipped")
    assert len(made) == count_articles(store) == 43
    assert skipped == ["in the trash"] * 5 + ["not a post: page"] * 2
    statuses = {a.slug: a.status for a in all_articles(store)}
    counts = {s: list(statuses.values()).count(s) for s in set(statuses.values())}
    # of each ten: publish 0,1,3,6,9; draft 2, pending 4, private 7; future 5; trash 8.
    # Posts 16 and 33 (published) are pages.
    assert counts == {Status.PUBLISHED: 23, Status.DRAFT: 15, Status.SCHEDULED: 5}
    assert statuses["post-5"] == Status.SCHEDULED
    assert statuses["post-7"] == Status.DRAFT  # private
    assert statuses["harbour-story-2-more"] == Status.DRAFT  # a draft has no slug yet


def test_dates_terms_authors_and_excerpts(imported):
    store = imported[0]
    post = get_by_slug(store, "post-1")
    assert post.published_at == datetime(2024, 1, 2, 6, 7, tzinfo=UTC)  # wp:post_date_gmt
    assert (post.author, post.category, post.tags) == ("Ana Ruiz", "Harbour",
                                                       ["boats", "week-1", "Town"])
    assert post.summary == "Excerpt of story 1." and post.title == "Harbour story 1 & more"
    # A draft has no GMT date: its local time is read at the site's offset (+02:00 here).
    draft = get_by_slug(store, "harbour-story-2-more")
    assert draft.published_at == datetime(2024, 1, 3, 6, 14, tzinfo=UTC)
    assert draft.author == "Bo Lind"
    assert get_by_slug(store, "post-5").published_at == datetime(2099, 1, 6, 7, 0, tzinfo=UTC)
    assert get_by_slug(store, "cafe-6").title == "Harbour story 6 & more"  # %c3%a9 decoded
    assert get_by_slug(store, "post-13").category == ""  # no category at all


def test_bodies_are_markdown_without_blocks_shortcodes_or_hostile_html(imported):
    store, done, _ = imported
    gutenberg = get_by_slug(store, "post-0").body
    assert gutenberg.startswith("Post 0 opens with **news** from the quay.")
    assert "### Details" in gutenberg and "wp:" not in gutenberg and "<!--" not in gutenberg
    classic = get_by_slug(store, "post-1").body
    assert "A second paragraph with *emphasis*" in classic and "[gallery" not in classic
    assert "A quay" in classic and "[caption" not in classic
    warned = next(r for r in done if r.slug == "post-1").warnings
    assert any("shortcodes removed (their text kept): caption, gallery" in w for w in warned)
    hostile = get_by_slug(store, "post-3").body
    for bad in ("<script", "alert", "javascript:", "<iframe", "<style", "onerror"):
        assert bad not in hostile


def test_pictures_local_resized_remote_and_missing(imported):
    store, done, _ = imported
    assert get_by_slug(store, "post-0").image.name == "harbour.png"  # featured, from --media
    assert "![Harbour](media/harbour.png)" in get_by_slug(store, "post-0").body  # -300x169 copy
    pier = get_by_slug(store, "post-1").image  # not in uploads: remote, size from metadata
    assert (pier.url, pier.width, pier.height, pier.data) == (
        "https://old.example.org/wp-content/uploads/2024/03/pier.jpg", 1600, 900, None)
    assert get_by_slug(store, "post-20").image is None  # remote without a size: left out
    assert any("featured image left out" in w and "gone.jpg" in w
               for w in next(r for r in done if r.slug == "post-20").warnings)
    assert "![Lost](https://old.example.org/wp-content/uploads/2019/01/lost.jpg)" in get_by_slug(
        store, "post-13").body
    assert sorted(media_map(store)) == ["harbour.png", "pier.jpg"]


def test_check_names_a_picture_left_on_the_old_site(tmp_path):
    db = str(tmp_path / "cli.sqlite3")
    res = run("--db", db, "import", str(EXPORT))
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().endswith(
        "43 articles imported, 0 updated, 7 skipped (5 in the trash, 2 not a post: page), "
        "0 failed.")
    problems = json.loads(run("--db", db, "check", "post-13", "--json").stdout)
    assert any(p["code"] == "amp.image-size-unknown" and "lost.jpg" in p["message"]
               for p in problems)
    again = run("--db", db, "import", "--from", "wordpress", str(EXPORT))
    assert "0 articles imported, 0 updated, 50 skipped (43 already in the store" in again.stderr


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
         "<rss><channel><item><title>&b;</title></item></channel></rss>", "DOCTYPE"),
        ('<?xml version="1.0"?><!-- c --><!DOCTYPE rss SYSTEM "file:///etc/passwd"><rss/>',
         "DOCTYPE"),
        ('<?xml version="1.0" encoding="UTF-16"?><rss/>', "UTF-8"),
        ("<rss><channel><item><title>x</titl></item></channel></rss>", "not well-formed"),
        ("just text", "not an XML file"),
    ],
    ids=["entities", "external", "utf16", "broken", "text"],
)
def test_hostile_exports_fail_alone_with_one_line(store, tmp_path, text, words):
    bad = tmp_path / "bad.xml"
    bad.write_text(text, encoding="utf-8")
    good = tmp_path / "good.md"
    good.write_text("---\ntitle: Good\n---\nx\n", encoding="utf-8")
    done, failed = import_paths(store, [tmp_path], options=ImportOptions(html=HTML))
    assert [r.slug for r in done] == ["good"]
    assert len(failed) == 1 and words in str(failed[0]) and "\n" not in str(failed[0])


def test_odd_posts_still_come_in(store, tmp_path):
    text = EXPORT.read_text("utf-8").replace("<wp:post_name><![CDATA[post-1]]>",
                                             "<wp:post_name><![CDATA[index]]>", 1)
    text = text.replace("<wp:post_date_gmt><![CDATA[2024-01-04 06:21:00]]>",
                        "<wp:post_date_gmt><![CDATA[2024-13-45 99:00:00]]>", 1)
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    done, failed = import_paths(store, [path], options=ImportOptions(html=HTML))
    assert failed == [] and count_articles(store) == 43
    assert get_by_slug(store, "index-article").title == "Harbour story 1 & more"  # reserved
    # A GMT date that is no date: the local one is read at the site's offset.
    assert get_by_slug(store, "post-3").published_at == datetime(2024, 1, 4, 6, 21, tzinfo=UTC)


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        with path.open("rb") as handle:
            for _item in read_wxr(path, handle, HTML):
                pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_is_streamed(tmp_path):
    make = _generator()
    small, large = make.write(tmp_path / "s.xml", 60), make.write(tmp_path / "l.xml", 600)
    assert large.stat().st_size > 9 * small.stat().st_size
    assert _peak(large) < 2 * _peak(small)  # ten times the posts, not ten times the memory


def test_without_a_converter_an_export_is_one_clear_failure(store):
    done, failed = import_paths(store, [EXPORT])
    assert done == [] and "needs the HTML converter" in str(failed[0])
