"""The manifest file: written and read back whole, looked up record by record, patched in a copy;
older JSON formats read; a damaged or foreign file is never trusted."""

from __future__ import annotations

import json
import sqlite3

import pytest

from digest_desk.export.folders import MANIFEST, OLD_MANIFEST
from digest_desk.export.manifest import (
    FORMAT,
    Manifest,
    ManifestPatch,
    StoredManifest,
    load_manifest,
    open_manifest,
)


def _manifest(articles: int) -> Manifest:
    manifest = Manifest()
    for i in range(articles):
        slug = f"story-{i:06d}"
        manifest.put(f"article:{i}", f"{i:064x}", {f"{slug}/index.html": "a" * 64, f"{slug}/amp/index.html": "b" * 64})
    manifest.put("index:1", "k1", {"index.html": "c" * 64})
    manifest.put("index:2", "k1b", {"page/2/index.html": "c" * 64})
    manifest.put("indexes:1", "k1c", {"x.html": "c" * 64})  # shares a prefix, not a page of "index"
    manifest.put("media:é.png", "k2", {"media/é.png": "d" * 64})
    manifest.put("article:odd", "k3", {"odd/file.txt": "e" * 64})  # not two pages of a slug: a unit
    return manifest


def _json_v3(manifest: Manifest) -> str:
    """The text format 3 wrote: one object, sorted keys, no spaces."""
    data = {"articles": dict(manifest.articles), "format": 3, "generator": "digest-desk",
            "units": {uid: {"files": u.files, "key": u.key} for uid, u in manifest.units.items()}}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def _stored(tmp_path, manifest: Manifest) -> StoredManifest:
    manifest.write(tmp_path / MANIFEST)
    stored = open_manifest(tmp_path)
    assert isinstance(stored, StoredManifest)
    return stored


def test_a_large_manifest_reads_back_whole_and_record_by_record(tmp_path):
    manifest = _manifest(12_001)
    stored = _stored(tmp_path, manifest)
    try:
        assert stored.file_count() == manifest.file_count() == 2 * 12_001 + 5
        assert stored.site_articles() == manifest.site_articles() == 12_002
        assert stored.page_count("index") == manifest.page_count("index") == 2
        for uid in ("article:0", "article:12000", "index:1", "media:é.png", "article:odd", "article:99999"):
            assert stored.key(uid) == manifest.key(uid)
            assert stored.unit_files(uid) == manifest.unit_files(uid)
            assert (uid in stored) == (uid in manifest)
            assert stored.record(uid) == manifest.record(uid)
            assert stored.has_unit(uid) == manifest.has_unit(uid)
        whole = stored.load()
    finally:
        stored.close()
    assert whole.articles == manifest.articles and whole.units == manifest.units
    assert whole.files() == manifest.files()
    assert whole.changes is None  # no change-log mark beside it
    with sqlite3.connect(tmp_path / MANIFEST) as db:
        assert dict(db.execute("SELECT name, value FROM meta"))["format"] == str(FORMAT)


def test_a_patched_copy_holds_what_writing_it_whole_holds(tmp_path):
    stored = _stored(tmp_path, _manifest(500))
    patch = ManifestPatch(stored, {"since": 3})
    patch.put("article:7", "1" * 64, {"story-000007/index.html": "c" * 64, "story-000007/amp/index.html": "d" * 64})
    patch.put("index:1", "k9", {"index.html": "e" * 64, "extra.html": "f" * 64})
    patch.put("article:odd", "k4", {"odd/index.html": "a" * 64, "odd/amp/index.html": "b" * 64})  # now a record
    assert patch.file_count() == stored.file_count() + 2
    (tmp_path / "new").mkdir()
    patch.write(tmp_path / "new" / MANIFEST)
    stored.close()
    expected = _manifest(500)
    expected.put("article:7", "1" * 64, {"story-000007/index.html": "c" * 64, "story-000007/amp/index.html": "d" * 64})
    expected.put("index:1", "k9", {"index.html": "e" * 64, "extra.html": "f" * 64})
    expected.put("article:odd", "k4", {"odd/index.html": "a" * 64, "odd/amp/index.html": "b" * 64})
    back = load_manifest(tmp_path / "new")
    assert back is not None
    assert back.articles == expected.articles and back.units == expected.units
    again = open_manifest(tmp_path / "new")
    assert isinstance(again, StoredManifest)
    assert again.file_count() == expected.file_count() and again.site_articles() == expected.site_articles()
    again.close()
    # The file read was not changed: the copy was.
    assert load_manifest(tmp_path).articles == _manifest(500).articles


def test_a_format_3_manifest_reads_whole_and_a_patch_writes_the_current_format(tmp_path):
    manifest = _manifest(30)
    (tmp_path / OLD_MANIFEST).write_text(_json_v3(manifest), "utf-8")
    old = open_manifest(tmp_path)
    assert isinstance(old, Manifest) and old.articles == manifest.articles and old.units == manifest.units
    patch = ManifestPatch(old, None)
    patch.put("article:3", "2" * 64, {"story-000003/index.html": "c" * 64, "story-000003/amp/index.html": "d" * 64})
    (tmp_path / "new").mkdir()
    patch.write(tmp_path / "new" / MANIFEST)
    back = open_manifest(tmp_path / "new")
    assert isinstance(back, StoredManifest)
    assert back.key("article:3") == "2" * 64 and back.key("article:4") == manifest.key("article:4")
    back.close()


def test_a_format_2_manifest_still_reads_and_has_no_change_mark(tmp_path):
    manifest = _manifest(3)
    old = {
        "format": 2, "generator": "digest-desk",
        "units": {uid: {"key": u.key, "files": u.files} for uid, u in manifest.units.items()},
        "articles": [f"{uid} {record}" for uid, record in sorted(manifest.articles.items())],
    }
    (tmp_path / OLD_MANIFEST).write_text(json.dumps(old), "utf-8")
    back = load_manifest(tmp_path)
    assert back is not None and back.articles == manifest.articles and back.changes is None


def test_the_current_file_wins_over_an_older_one_beside_it(tmp_path):
    _manifest(2).write(tmp_path / MANIFEST)
    (tmp_path / OLD_MANIFEST).write_text(_json_v3(_manifest(5)), "utf-8")
    assert len(load_manifest(tmp_path).articles) == 2


def test_a_malformed_article_record_makes_the_manifest_unreadable(tmp_path):
    manifest = _manifest(2)
    manifest.articles["article:0"] = "no-spaces"
    stored = _stored(tmp_path, manifest)
    with pytest.raises(ValueError, match="malformed"):
        stored.record("article:0")
    stored.close()
    assert load_manifest(tmp_path) is None
    (tmp_path / MANIFEST).unlink()
    (tmp_path / OLD_MANIFEST).write_text(_json_v3(manifest), "utf-8")
    assert load_manifest(tmp_path) is None


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "future", "unit"])
def test_a_damaged_or_foreign_manifest_file_is_not_read(tmp_path, damage):
    path = tmp_path / MANIFEST
    _manifest(3000).write(path)
    if damage == "garbage":
        path.write_bytes(b"not a database at all" * 100)
    elif damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif damage == "foreign":
        path.unlink()
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE notes (text TEXT)")
        db.close()
    else:
        with sqlite3.connect(path) as db:
            if damage == "future":
                db.execute("UPDATE meta SET value = '99' WHERE name = 'format'")
            else:
                db.execute("UPDATE unit SET files = '[1, 2]' WHERE uid = 'index:1'")
        db.close()
    assert load_manifest(tmp_path) is None


def test_an_empty_manifest_reads_back_empty(tmp_path):
    Manifest().write(tmp_path / MANIFEST)
    back = load_manifest(tmp_path)
    assert back is not None and back.file_count() == 0


def test_stale_names_the_units_whose_key_moved_and_the_new_ones():
    old = _manifest(3)
    keys = {uid: old.key(uid) or "" for uid in old.uids()}
    assert old.stale(keys) == set()
    keys["article:1"] = "f" * 64
    keys["index:1"] = "k1-moved"
    keys["article:9"] = "9" * 64
    assert old.stale(keys) == {"article:1", "index:1", "article:9"}
    # A key that only begins like the recorded one is not the same key.
    keys = {uid: old.key(uid) or "" for uid in old.uids()}
    keys["article:2"] = keys["article:2"][:-1]
    assert old.stale(keys) == {"article:2"}


def test_records_that_are_not_plain_ascii_read_back(tmp_path):
    manifest = _manifest(3)
    manifest.put("article:7", "f" * 64, {"café/index.html": "a" * 64, "café/amp/index.html": "b" * 64})
    assert "article:7" in manifest.articles  # a record, not a unit
    stored = _stored(tmp_path, manifest)
    assert stored.unit_files("article:7") == {"café/index.html": "a" * 64, "café/amp/index.html": "b" * 64}
    stored.close()
    assert load_manifest(tmp_path).articles == manifest.articles
