"""The page cache: an export after an earlier one copies finished pages, never a stale one."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from digest_desk.export import export_site
from digest_desk.export.page_cache import (
    PAGE_CACHE_ENV,
    PageCache,
    Pages,
    decode,
    decode_files,
    encode,
    encode_files,
)
from digest_desk.render.fragments import CACHE_ENV
from digest_desk.store.articles import create_article
from digest_desk.store.site import update_site
from tests.export_site_fixture import tree


def _sql(store, sql: str, **params) -> None:
    with store.write() as session:
        session.execute(text(sql), params)


def _entries(folder: Path) -> dict[str, bytes]:
    """The entries of the page cache's database file in ``folder`` (read as a plain SQLite file)."""
    files = list(folder.glob("*.sqlite3"))
    if not files:
        return {}
    (path,) = files
    with closing(sqlite3.connect(path)) as db:
        return dict(db.execute("SELECT key, data FROM entry"))


def _replace(folder: Path, key: str, data: bytes) -> None:
    (path,) = folder.glob("*.sqlite3")
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE entry SET data = ? WHERE key = ?", (data, key))


@pytest.fixture
def caches(tmp_path, monkeypatch):
    """Both caches on, in this test's own folders; returns the page cache's folder."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "fragments"))
    monkeypatch.setenv(PAGE_CACHE_ENV, str(tmp_path / "pages"))
    return tmp_path / "pages"


def _plain(store, out: Path, monkeypatch) -> dict[str, str]:
    """The export with no cache at all: what every export must equal."""
    with monkeypatch.context() as m:
        m.setenv(CACHE_ENV, "off")
        m.setenv(PAGE_CACHE_ENV, "off")
        export_site(store, out, parallel=False)
    return tree(out)


@pytest.mark.parametrize("parallel", [False, True])
def test_an_export_after_an_earlier_one_gives_the_same_bytes(store, site, tmp_path, caches, monkeypatch, parallel):
    plain = _plain(store, tmp_path / "plain", monkeypatch)
    export_site(store, tmp_path / "first", parallel=parallel)
    articles = [data for data in _entries(caches).values() if data.startswith(b"DDP2")]
    assert len(articles) == len(site["articles"])  # one entry per article (both pages)
    export_site(store, tmp_path / "second", parallel=parallel)
    assert tree(tmp_path / "first") == tree(tmp_path / "second") == plain


def test_the_pages_are_copied_from_the_entry(store, site, tmp_path, caches):
    """A hit is really used: an entry holding other bytes puts those bytes in the folder."""
    export_site(store, tmp_path / "first", parallel=False)
    marked = b"<p>only the cache knows this</p>"
    for key, data in _entries(caches).items():
        if (pages := decode(data)) is not None:
            _replace(caches, key, encode(pages._replace(standard=marked)))
        elif (files := decode_files(data)) is not None:
            _replace(caches, key, encode_files(dict.fromkeys(files, marked)))
    export_site(store, tmp_path / "second", parallel=False)
    slug = sorted(site["articles"])[0]
    for rel in (f"{slug}/index.html", "index.html", "feed.xml", "about/index.html"):
        assert (tmp_path / "second" / rel).read_bytes() == marked


def _edit_body_in_place(store, site):
    # A change no save made: same version, same update time. The whole row is in the key.
    _sql(store, "UPDATE article SET body = body || ' A quiet correction.'")


def _retitle_in_place(store, site):
    # Listing pages, feed and sitemap show titles: their units' keys hold the listed rows.
    _sql(store, "UPDATE article SET title = title || ' (updated)'")


def _rename_site(store, site):
    update_site(store, name="Coast Digest")


def _change_picture_words(store, site):
    _sql(store, "UPDATE image SET alt = 'A new market hall', caption = 'Opened today'")


def _move_link_target(store, site):
    first = next(iter(site["articles"].values()))
    _sql(store, "UPDATE article SET slug = 'harbour-reopens', slug_key = 'harbour-reopens' WHERE id = :id", id=first.id)


def _unpublish_link_target(store, site):
    first = next(iter(site["articles"].values()))
    _sql(store, "UPDATE article SET status = 'draft' WHERE id = :id", id=first.id)


def _add_section(store, site):
    create_article(store, title="Lifeboat crew honoured", body="Text.", category="Community", status="published")


@pytest.mark.parametrize("change", [_edit_body_in_place, _retitle_in_place, _rename_site, _change_picture_words, _move_link_target,
                                    _unpublish_link_target, _add_section])
def test_any_input_of_a_page_that_changes_gives_new_pages(store, site, tmp_path, caches, monkeypatch, change):
    export_site(store, tmp_path / "before", parallel=False)
    change(store, site)
    export_site(store, tmp_path / "after", parallel=False)
    assert tree(tmp_path / "after") == _plain(store, tmp_path / "plain", monkeypatch)
    assert tree(tmp_path / "after") != tree(tmp_path / "before")


@pytest.mark.parametrize("damage", [b"", b"DDP2", b"DDP2 nonsense\nxyz", b"DDP2 5 99999999999 a b\nxyz",
                                    b'DDF2[["index.html", 3]]\nxyz', b"not an entry at all"])
def test_a_damaged_entry_is_rendered_again(store, site, tmp_path, caches, monkeypatch, damage):
    export_site(store, tmp_path / "first", parallel=False)
    for key in _entries(caches):
        _replace(caches, key, damage)
    export_site(store, tmp_path / "again", parallel=True)
    assert tree(tmp_path / "again") == _plain(store, tmp_path / "plain", monkeypatch)
    assert all(decode(data) or decode_files(data) for data in _entries(caches).values())


def test_a_file_that_is_no_database_is_replaced(store, site, tmp_path, caches, monkeypatch):
    export_site(store, tmp_path / "first", parallel=False)
    (path,) = caches.glob("*.sqlite3")
    for extra in caches.glob("*.sqlite3-*"):
        extra.unlink()
    path.write_bytes(b"not a database" * 1000)
    export_site(store, tmp_path / "again", parallel=True)
    export_site(store, tmp_path / "third", parallel=True)
    assert tree(tmp_path / "again") == tree(tmp_path / "third") == _plain(store, tmp_path / "plain", monkeypatch)
    assert len(_entries(caches)) > len(site["articles"])  # made anew and filled again


def test_the_page_cache_can_be_turned_off_alone(store, site, tmp_path, caches, monkeypatch):
    monkeypatch.setenv(PAGE_CACHE_ENV, "off")
    export_site(store, tmp_path / "out", parallel=True)
    assert not caches.exists()
    assert (tmp_path / "fragments").is_dir()  # the parsed bodies are still kept


def _pages(n: int) -> Pages:
    noise = os.urandom(3000)  # does not compress: each entry takes its size on disk
    return Pages(noise, bytes(n % 256 for _ in range(10)), "a" * 64, "b" * 64)


def test_the_entries_stay_under_the_cap_oldest_out_first(tmp_path):
    cache = PageCache(tmp_path, engine="code-a", cap=32_000)
    sizes = []
    for n in range(60):
        cache.keep([(f"{n:040x}", _pages(n))])
        sizes.append(sum(len(data) for data in _entries(tmp_path).values()))
    assert max(sizes) <= 32_000 + len(encode(_pages(0)))  # over the cap by one entry at most
    kept = sorted(int(key, 16) for key in _entries(tmp_path))
    assert kept == list(range(kept[0], 60))  # the newest stay, the oldest went
    assert sum(len(data) for data in _entries(tmp_path).values()) > 32_000 * 0.8 - len(encode(_pages(0)))


def test_another_code_version_starts_empty_and_drops_the_old_entries(tmp_path):
    old = PageCache(tmp_path, engine="code-a")
    old.keep([("k" * 40, _pages(1))])
    assert old.find("k" * 40) is not None
    new = PageCache(tmp_path, engine="code-b")
    assert new.find("k" * 40) is None
    new.keep([("k" * 40, _pages(2))])
    assert sorted(p.name for p in tmp_path.glob("*.sqlite3")) == ["code-b.sqlite3"]


def test_an_entry_reads_back_whole_and_any_cut_of_it_is_no_entry():
    pages = Pages(b"<p>standard page</p>" * 20, b"<p>amp page</p>" * 20, "c" * 64, "d" * 64)
    entry = encode(pages)
    assert decode(entry) == pages
    assert all(decode(entry[:cut]) is None for cut in range(len(entry)))
    files = {"index.html": b"<p>first</p>" * 30, "page/2/index.html": b"<p>second</p>" * 30}
    packed = encode_files(files)
    assert decode_files(packed) == files
    assert all(decode_files(packed[:cut]) is None for cut in range(len(packed)))
