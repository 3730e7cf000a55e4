"""The manifest written in pieces reads back whole and is the one-line JSON text it documents."""

from __future__ import annotations

import json

from digest_desk.export.folders import MANIFEST
from digest_desk.export.manifest import FORMAT, Manifest, load_manifest


def _manifest(articles: int) -> Manifest:
    manifest = Manifest()
    for i in range(articles):
        slug = f"story-{i:06d}"
        manifest.put(f"article:{i}", f"{i:064x}", {f"{slug}/index.html": "a" * 64, f"{slug}/amp/index.html": "b" * 64})
    manifest.put("index:1", "k1", {"index.html": "c" * 64})
    manifest.put("media:é.png", "k2", {"media/é.png": "d" * 64})
    manifest.put("article:odd", "k3", {"odd/file.txt": "e" * 64})  # not two pages of a slug: a unit
    return manifest


def test_a_large_manifest_is_the_documented_json(tmp_path):
    manifest = _manifest(12_001)
    manifest.write(tmp_path / MANIFEST)
    expected = {
        "format": FORMAT, "generator": "digest-desk",
        "units": {uid: {"key": u.key, "files": u.files} for uid, u in manifest.units.items()},
        "articles": dict(manifest.articles),
    }
    text = (tmp_path / MANIFEST).read_text("utf-8")
    assert text == json.dumps(expected, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
    back = load_manifest(tmp_path)
    assert back is not None and back.articles == manifest.articles
    assert back.files() == manifest.files()
    assert back.changes is None  # no change-log mark beside it


def test_a_format_2_manifest_still_reads_and_has_no_change_mark(tmp_path):
    manifest = _manifest(3)
    old = {
        "format": 2, "generator": "digest-desk",
        "units": {uid: {"key": u.key, "files": u.files} for uid, u in manifest.units.items()},
        "articles": [f"{uid} {record}" for uid, record in sorted(manifest.articles.items())],
    }
    (tmp_path / MANIFEST).write_text(json.dumps(old), "utf-8")
    back = load_manifest(tmp_path)
    assert back is not None and back.articles == manifest.articles and back.changes is None


def test_a_malformed_article_record_makes_the_manifest_unreadable(tmp_path):
    manifest = _manifest(2)
    manifest.articles["article:0"] = "no-spaces"
    manifest.write(tmp_path / MANIFEST)
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


def test_records_that_are_not_plain_ascii_are_written_by_the_json_encoder(tmp_path):
    manifest = _manifest(3)
    manifest.put("article:7", "f" * 64, {"café/index.html": "a" * 64, "café/amp/index.html": "b" * 64})
    assert "article:7" in manifest.articles  # a record, not a unit
    manifest.write(tmp_path / MANIFEST)
    expected = {
        "format": FORMAT, "generator": "digest-desk",
        "units": {uid: {"key": u.key, "files": u.files} for uid, u in manifest.units.items()},
        "articles": dict(manifest.articles),
    }
    text = (tmp_path / MANIFEST).read_text("utf-8")
    assert text == json.dumps(expected, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert load_manifest(tmp_path).articles == manifest.articles


def test_a_copy_with_a_few_records_changed_writes_what_encoding_them_all_writes(tmp_path):
    _manifest(500).write(tmp_path / MANIFEST)
    old = load_manifest(tmp_path)
    assert old is not None and old._text is not None
    new = old.copy()
    new.put("article:7", "1" * 64, {"story-000007/index.html": "c" * 64, "story-000007/amp/index.html": "d" * 64})
    new.put("index:1", "k9", {"index.html": "e" * 64})
    assert new._patched() is not None
    new.write(tmp_path / "patched.json")
    fresh = Manifest(dict(new.units), dict(new.articles))
    fresh.write(tmp_path / "encoded.json")
    assert (tmp_path / "patched.json").read_bytes() == (tmp_path / "encoded.json").read_bytes()
    # A record added is not a replacement: everything is encoded.
    new.put("article:9999", "2" * 64, {"x/index.html": "a" * 64, "x/amp/index.html": "b" * 64})
    assert new._patched() is None


def test_a_copy_changed_other_than_by_put_is_encoded_whole(tmp_path):
    _manifest(50).write(tmp_path / MANIFEST)
    old = load_manifest(tmp_path)
    assert old is not None
    new = old.copy()
    new.articles["article:3"] = new.articles["article:4"]  # not through put: not a known replacement
    assert new._patched() is None
    new.write(tmp_path / "written.json")
    assert json.loads((tmp_path / "written.json").read_text("utf-8"))["articles"]["article:3"] == new.articles["article:3"]
