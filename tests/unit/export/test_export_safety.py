"""Nothing an export does reaches outside its folder, and bad targets are refused untouched."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from digest_desk.export import ExportError, UnsafePathError, export_site
from digest_desk.export.changeset import commit
from digest_desk.export.folders import JOURNAL, MANIFEST
from digest_desk.export.manifest import CHANGES
from digest_desk.store.articles import get_by_slug, save_article
from tests.export_site_fixture import leftovers, tree


def _raw(store, sql, **params):
    with store.write() as session:
        session.execute(text(sql), params)


@pytest.mark.parametrize("slug", ["../escaped", "..", "a/../../b", "/etc", "amp", "media"])
def test_a_slug_that_tries_to_escape_cannot(store, site, tmp_path, slug):
    out = tmp_path / "deep" / "out"
    export_site(store, out)
    before = tree(out)
    victim = next(iter(site["articles"].values()))
    _raw(store, "UPDATE article SET slug = :s WHERE id = :i", s=slug, i=victim.id)
    with pytest.raises(ExportError, match="cannot be a folder"):
        export_site(store, out)
    assert tree(out) == before and leftovers(out) == []
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]
    assert not (tmp_path / "escaped").exists()


def test_a_picture_name_that_tries_to_escape_cannot(store, site, tmp_path):
    out = tmp_path / "out"
    _raw(store, "UPDATE image SET name = '../../stolen.png' WHERE name = 'market.jpg'")
    _raw(store, "UPDATE article SET body = replace(body, 'media/market.jpg', 'media/../../stolen.png')")
    with pytest.raises(ExportError, match="stolen.png"):
        export_site(store, out)
    assert not out.exists() and leftovers(out) == []
    assert not (tmp_path.parent / "stolen.png").exists()


def test_a_symlink_inside_the_export_is_refused(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, out / "sneaky")
    with pytest.raises(ExportError, match="symbolic link"):
        export_site(store, out, changed_only=True)
    with pytest.raises(ExportError, match="symbolic link"):
        export_site(store, out)
    assert list(outside.iterdir()) == [] and leftovers(out) == []


def test_a_symlink_planted_while_an_incremental_export_runs_is_refused_by_the_next(store, site, tmp_path):
    """--changed skips the scan for links only when the top level is as the last export left
    it; a link planted during an export (after its check) is found by the next one."""
    out = tmp_path / "out"
    export_site(store, out)
    outside = tmp_path / "outside"
    outside.mkdir()
    for round_ in range(2):  # after a full export, then after an incremental one
        article = get_by_slug(store, sorted(site["articles"])[round_])
        article.body += f"\n\nCorrection {round_}."
        save_article(store, article, reason="edit")

        def plant(done: int, total: int, name: str = f"sneaky-{round_}") -> None:
            if not (out / name).is_symlink():
                os.symlink(outside, out / name)

        report = export_site(store, out, changed_only=True, progress=plant)
        assert report.rendered == 1 and (out / f"sneaky-{round_}").is_symlink()
        with pytest.raises(ExportError, match="symbolic link"):
            export_site(store, out, changed_only=True)
        (out / f"sneaky-{round_}").unlink()
        export_site(store, out, changed_only=True)
    assert list(outside.iterdir()) == [] and leftovers(out) == []


def test_an_export_folder_that_is_a_symlink_is_refused(store, site, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(real, tmp_path / "out")
    with pytest.raises(ExportError, match="symbolic link"):
        export_site(store, tmp_path / "out")
    assert list(real.iterdir()) == []


def test_a_folder_with_other_files_is_not_taken_over(store, site, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    with pytest.raises(ExportError, match="not empty"):
        export_site(store, out)
    assert tree(out) == {"thesis.docx": tree(out)["thesis.docx"]}
    assert leftovers(out) == []


def test_a_failed_commit_puts_every_file_back(tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("old a")
    (out / "gone.html").write_text("old gone")
    (out / ".digest-desk-manifest.json").write_text("old manifest")
    before = tree(out)
    tmp = tmp_path / "out.tmp-00000001"
    (tmp / "a").mkdir(parents=True)
    (tmp / "a" / "index.html").write_text("new a")
    (tmp / "b").mkdir()
    (tmp / "b" / "index.html").write_text("new b")
    # "missing.html" was never written: the commit fails half-way, after moving others.
    with pytest.raises(FileNotFoundError):
        commit(tmp, out, ["a/index.html", "b/index.html", "missing.html"], ["gone.html"])
    assert tree(out) == before
    assert not (out / "b").exists()
    assert not (tmp / JOURNAL).exists()


def test_a_commit_refuses_unsafe_paths_before_moving_anything(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.html").write_text("keep")
    tmp = tmp_path / "out.tmp-00000002"
    tmp.mkdir()
    with pytest.raises(UnsafePathError):
        commit(tmp, out, ["../x.html"], ["keep.html"])
    assert (out / "keep.html").read_text() == "keep"


def test_a_tampered_manifest_cannot_make_the_export_delete_outside(store, site, tmp_path):
    import json
    import sqlite3

    out = tmp_path / "out"
    export_site(store, out)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep")
    with sqlite3.connect(out / MANIFEST) as db:
        db.execute("INSERT INTO unit VALUES (?, ?, ?)",
                   ("article:999", "x", json.dumps({"../precious.txt": "0" * 64})))
    db.close()
    before = tree(out)
    # From the change log (nothing changed) the unit is never built nor removed: nothing happens.
    export_site(store, out, changed_only=True)
    assert precious.read_text() == "keep" and tree(out) == before
    # Comparing every key, the export refuses the path.
    (out / CHANGES).unlink()
    with pytest.raises(UnsafePathError):
        export_site(store, out, changed_only=True)
    assert precious.read_text() == "keep"
    assert tree(out) == before and leftovers(out) == []


def test_an_incremental_export_leaves_its_mark_newer_than_the_folder(store, site, tmp_path):
    """The next --changed export skips the scan for links only when the mark is strictly newer
    than the folder's last change; file times advance in clock ticks, and an export that ends
    within the tick of its own commit must still leave a newer mark (else every export scans)."""
    from digest_desk.export.manifest import CHANGES

    out = tmp_path / "out"
    export_site(store, out)
    for round_ in range(5):
        article = get_by_slug(store, sorted(site["articles"])[round_ % 3])
        article.body += f"\n\nNote {round_}."
        save_article(store, article, reason="edit")
        export_site(store, out, changed_only=True)
        assert os.stat(out / CHANGES).st_ctime_ns > os.stat(out).st_mtime_ns, f"round {round_}"


def test_a_symlink_planted_in_a_first_export_s_working_folder_is_refused_by_the_next(store, site, tmp_path):
    """A first export's folder is its working folder swapped in: a link planted there while it
    ran must not be taken for a top level the export alone wrote."""
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()

    def plant(done: int, total: int) -> None:
        for work in tmp_path.glob("out.tmp-*"):
            if not (work / "sneaky").is_symlink():
                os.symlink(outside, work / "sneaky")

    export_site(store, out, progress=plant)
    assert (out / "sneaky").is_symlink()
    with pytest.raises(ExportError, match="symbolic link"):
        export_site(store, out, changed_only=True)
    assert list(outside.iterdir()) == []
