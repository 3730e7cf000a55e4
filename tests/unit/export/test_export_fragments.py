"""The fragment cache: exports read parsed bodies from it, byte for byte as without it."""

from __future__ import annotations

import os
import shutil
import zlib
from pathlib import Path

import pytest

from digest_desk.export import export_site
from digest_desk.export.page_cache import PAGE_CACHE_ENV
from digest_desk.render import fragments
from digest_desk.render.fragments import CACHE_ENV, FragmentCache
from digest_desk.render.mdparse import from_record, parse_body, to_record
from digest_desk.store.articles import get_by_slug, save_article
from digest_desk.store.picture_library import replace_image
from tests.export_site_fixture import picture, tree

pytestmark = pytest.mark.sqlite_only  # the cache is the same whatever the store's engine


@pytest.fixture(autouse=True)
def _no_page_cache(monkeypatch):
    """These tests watch the fragments, so pages are built from them, never copied whole from
    the page cache (tests/unit/export/test_page_cache.py has its own)."""
    monkeypatch.setenv(PAGE_CACHE_ENV, "off")

RICH = (
    'He said "it\'s done" -- *finally*, and **today**.\n\n'
    '![The quay at dawn](media/harbour.png "Boats waiting|Photo: Ana Ruiz")\n\n'
    "1. First\n2. Second\n\n> A quoted line.\n\n"
    "| Place | Votes |\n| --- | ---: |\n| Quay | 12 |\n\n"
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
    'A [titled link](https://example.org/a "The title") and a note.[^1]\n\n[^1]: The note.'
)


def _entries(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def rich_site(store, site):
    """The fixture site with one article carrying every construct the cache must keep."""
    article = get_by_slug(store, sorted(site["articles"])[0])
    article.body = RICH
    save_article(store, article, reason="rich body")
    return site


def test_worker_hits_give_the_same_bytes_as_no_cache(store, rich_site, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")
    export_site(store, tmp_path / "plain", parallel=True)
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    export_site(store, tmp_path / "cold", parallel=True)
    stored = _entries(cache)
    assert len(stored) == len(rich_site["articles"])  # one entry per distinct body
    old = 946684800  # 2000-01-01: an entry read again is marked used
    for name in stored:
        os.utime(cache / name, (old, old))
    export_site(store, tmp_path / "warm", parallel=True)  # new worker processes, new nonces
    assert _entries(cache).keys() == stored.keys()  # nothing parsed again
    assert all((cache / name).stat().st_mtime > old for name in stored)
    assert tree(tmp_path / "plain") == tree(tmp_path / "cold") == tree(tmp_path / "warm")


def test_the_page_is_built_from_the_cached_entry(store, rich_site, tmp_path, monkeypatch):
    """A hit is really used: an entry holding another text shows that text on the page."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    article = get_by_slug(store, sorted(rich_site["articles"])[0])
    shared = fragments.shared()
    assert shared is not None
    shared.put(article.body, to_record(parse_body("Text only the cache knows.")))
    export_site(store, tmp_path / "out", parallel=True)
    assert "Text only the cache knows." in (tmp_path / "out" / article.slug / "index.html").read_text("utf-8")


@pytest.mark.parametrize("damage", [
    b"", b"not compressed", zlib.compress(b"not json"), zlib.compress(b'{"c": 5}'),
    zlib.compress(b'{"c": [[1, "<p>x</p>", [3]]], "e": [], "p": false}'),  # an embed that is not there
    zlib.compress(b'{"c": [], "e": [["i", 1, 2, 3, 4]], "p": false}'),  # fields of the wrong type
    b"u", b"u\xff\xfe", b"z" + zlib.compress(b"not json"), b"znot compressed",
    b'u[[[1,[3]]],[],false]\x01<p>x</p>',  # an embed that is not there
    b'u[[[1,[]]],[["i",1,2,3,4]],false]\x01<p>x</p>',  # fields of the wrong type
    b'u[[[1,[]]],[],false]',  # a chunk without its HTML
    b'u[[[1,[]]],[],"no"]\x01<p>x</p>',  # not a flag
    b'u[[[1,["0"]]],[["t","u","1","a",true]],false]\x01<p>x</p>',  # an embed number as text
])
def test_a_damaged_entry_is_ignored_and_written_again(store, rich_site, tmp_path, monkeypatch, damage):
    monkeypatch.setenv(CACHE_ENV, "off")
    export_site(store, tmp_path / "plain", parallel=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    export_site(store, tmp_path / "first", parallel=True)
    for path in (p for p in cache.rglob("*") if p.is_file()):
        path.write_bytes(damage)
    export_site(store, tmp_path / "again", parallel=True)
    assert tree(tmp_path / "again") == tree(tmp_path / "plain")
    assert all(from_record(data) is not None for data in _entries(cache).values())


def test_a_cache_folder_that_cannot_be_used_never_stops_an_export(store, rich_site, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))  # below a file: nothing can be made there
    export_site(store, tmp_path / "out", parallel=True)
    monkeypatch.setenv(CACHE_ENV, "off")
    export_site(store, tmp_path / "plain", parallel=False)
    assert tree(tmp_path / "out") == tree(tmp_path / "plain")


def test_an_entry_gives_back_what_was_parsed_long_bodies_compressed():
    long = "\n\n".join(f"Paragraph {i} with *emphasis* and a [link](https://example.org/{i})." for i in range(5000))
    for body in (RICH, long, "Plain."):
        parsed = parse_body(body)
        record = to_record(parsed)
        assert record is not None
        assert record[:1] == (b"z" if body is long else b"u")
        assert from_record(record) == parsed


def test_an_edited_body_is_a_new_entry(store, rich_site, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    export_site(store, tmp_path / "out", parallel=True)
    before = set(_entries(cache))
    article = get_by_slug(store, sorted(rich_site["articles"])[0])
    article.body += "\n\nA late correction."
    save_article(store, article, reason="edit")
    export_site(store, tmp_path / "out", changed_only=True)
    assert len(set(_entries(cache)) - before) == 1
    assert "A late correction." in (tmp_path / "out" / article.slug / "index.html").read_text("utf-8")


def test_another_engine_version_misses_and_clears_the_old_entries(tmp_path):
    old = FragmentCache(tmp_path, engine="engine-a")
    old.put("Some *text*.", b"entry of engine a")
    assert old.get("Some *text*.") == b"entry of engine a"
    new = FragmentCache(tmp_path, engine="engine-b")
    assert new.get("Some *text*.") is None
    new.put("Some *text*.", b"entry of engine b")
    assert not (tmp_path / "engine-a").exists()
    assert new.get("Some *text*.") == b"entry of engine b"


def test_the_engine_key_names_the_markdown_version_and_our_code(tmp_path):
    key = fragments.engine_key()
    assert key == fragments.engine_key() and len(key) == 16
    assert FragmentCache(tmp_path).folder.name == key


def test_site_settings_stay_out_of_the_entry(store, rich_site, tmp_path, monkeypatch):
    """A picture's size (the media library) changes the page while the body's entry is a hit."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    export_site(store, tmp_path / "out", parallel=True)
    before = _entries(cache)
    slug = sorted(rich_site["articles"])[0]
    page = (tmp_path / "out" / slug / "index.html").read_text("utf-8")
    assert 'width="1200"' in page
    smaller = tmp_path / "smaller.png"
    smaller.write_bytes(picture((600, 338), (30, 90, 160)))
    replace_image(store, "harbour.png", smaller)
    export_site(store, tmp_path / "out", changed_only=True)
    assert _entries(cache).keys() == before.keys()
    page = (tmp_path / "out" / slug / "index.html").read_text("utf-8")
    assert 'width="600"' in page and 'width="1200"' not in page
    monkeypatch.setenv(CACHE_ENV, "off")
    export_site(store, tmp_path / "plain", parallel=False)
    assert tree(tmp_path / "plain") == tree(tmp_path / "out")


def test_the_cache_is_trimmed_to_its_cap_oldest_first(tmp_path):
    cache = FragmentCache(tmp_path, engine="e", cap=10**9)
    paths = []
    for i in range(40):
        cache.put(f"body {i}", bytes(1000))
        key = cache.key(f"body {i}")
        paths.append(cache.folder / key[:2] / key[2:])
        os.utime(paths[-1], (1_000_000 + i, 1_000_000 + i))
    cache.cap = 16 * 1000
    cache.trim()
    left = [i for i, path in enumerate(paths) if path.exists()]
    assert 0 < len(left) <= 16 * fragments.TRIM_TO
    assert left == list(range(40 - len(left), 40))  # the most recently used stay


def test_a_manifest_of_the_earlier_format_is_read_and_upgraded(store, site, tmp_path):
    """Exports made before article records became lines of text are still incremental."""
    import json

    from digest_desk.export.folders import MANIFEST, OLD_MANIFEST
    from digest_desk.export.manifest import StoredManifest, load_manifest, open_manifest

    out = tmp_path / "out"
    export_site(store, out)
    manifest = load_manifest(out)
    assert manifest is not None and len(manifest.articles) == len(site["articles"])
    units = {uid: {"key": manifest.key(uid), "files": manifest.unit_files(uid)} for uid in manifest.uids()}
    path = out / OLD_MANIFEST
    path.write_text(json.dumps({"format": 1, "generator": "digest-desk", "units": units}), "utf-8")
    (out / MANIFEST).unlink()
    article = get_by_slug(store, sorted(site["articles"])[1])
    article.body += "\n\nA correction."
    save_article(store, article, reason="edit")
    report = export_site(store, out, changed_only=True)
    assert report.rendered == 1
    assert not path.exists()  # replaced by the manifest file of the current format
    assert isinstance(stored := open_manifest(out), StoredManifest)
    stored.close()
    export_site(store, tmp_path / "full")
    full = tree(tmp_path / "full")
    assert {k: v for k, v in full.items() if k != MANIFEST} == {k: v for k, v in tree(out).items() if k != MANIFEST}
    assert load_manifest(tmp_path / "full").files() == load_manifest(out).files()


def test_an_entry_read_again_within_the_hour_is_not_rewritten(tmp_path):
    """An export reads every entry: marking each as used once more would write an inode per
    article. Entries marked within the hour keep their mark; older ones get a new one."""
    cache = FragmentCache(tmp_path, engine="e")
    cache.put("recent", b"one")
    cache.put("old", b"two")
    recent, old = (Path(cache._path(cache.key(text))) for text in ("recent", "old"))
    marked = recent.stat().st_mtime - 60
    os.utime(recent, (marked, marked))
    os.utime(old, (1_000_000, 1_000_000))
    assert cache.get("recent") == b"one" and cache.get("old") == b"two"
    assert recent.stat().st_mtime == marked
    assert old.stat().st_mtime > 1_000_000


def test_compiled_templates_whose_folder_was_removed_are_compiled_again(tmp_path, monkeypatch):
    """The cache folder removed while a process uses it (cleared by the user, or taken over
    by another engine version): templates still render; storing their bytecode is skipped."""
    from jinja2 import DictLoader, Environment

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    bytecode = fragments.template_cache()
    assert bytecode is not None
    shutil.rmtree(tmp_path / "cache")
    env = Environment(loader=DictLoader({"t.html": "Hello {{ name }}"}), bytecode_cache=bytecode)
    assert env.get_template("t.html").render(name="desk") == "Hello desk"
    assert not (tmp_path / "cache").exists()
