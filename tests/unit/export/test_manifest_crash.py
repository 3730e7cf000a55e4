"""The manifest file under crashes and damage: an export killed at any rename of its commit leaves
the previous export (manifest included) after recovery; a damaged manifest makes the next export
rebuild; a manifest of the older JSON format is converted, also across a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest_desk.export import export_site, recover
from digest_desk.export.folders import MANIFEST, OLD_MANIFEST
from digest_desk.export.manifest import (
    CHANGES,
    Manifest,
    StoredManifest,
    load_manifest,
    open_manifest,
)
from digest_desk.store.articles import get_by_slug, save_article
from tests.export_site_fixture import leftovers, tree

SRC = Path(__file__).resolve().parents[3] / "src"


def _export_cli(db: Path, out: Path, fault: str | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    if fault:
        env["DIGEST_DESK_EXPORT_FAULT"] = fault
    done = subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db), "export", str(out), "--changed"],
                          capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode in (0, 70), done.stderr
    return done.returncode


def _as_format_3(out: Path) -> None:
    """Replace the export's manifest file by the JSON text format 3 wrote for the same records."""
    manifest = load_manifest(out)
    assert manifest is not None
    data = {"articles": dict(manifest.articles), "format": 3, "generator": "digest-desk",
            "units": {uid: {"files": u.files, "key": u.key} for uid, u in manifest.units.items()}}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
    (out / OLD_MANIFEST).write_text(text, "utf-8")
    (out / MANIFEST).unlink()


def _edit(store, slug: str, text: str) -> None:
    article = get_by_slug(store, slug)
    article.body += f"\n\n{text}"
    save_article(store, article, reason="edit")


def _same_as_full(store, out: Path, full: Path) -> None:
    export_site(store, full)
    assert {k: v for k, v in tree(full).items() if k != MANIFEST} == {k: v for k, v in tree(out).items() if k != MANIFEST}
    assert load_manifest(out).files() == load_manifest(full).files()


@pytest.mark.parametrize("start", ["current", "format 3"])
def test_an_incremental_export_killed_at_any_rename_leaves_the_previous_export(store, site, db_path, tmp_path, start):
    out = tmp_path / "out"
    export_site(store, out)
    if start == "format 3":
        _as_format_3(out)
    _edit(store, sorted(site["articles"])[2], "A late correction.")
    before = tree(out)
    for moves in range(1, 60):
        if _export_cli(db_path, out, f"crash-commit:{moves}") == 0:
            break  # the commit has fewer renames than this: it finished
        assert leftovers(out)
        recover(out)  # what the next start does first
        assert tree(out) == before, f"killed after {moves} renames"
        assert leftovers(out) == []
    else:
        pytest.fail("the commit never finished")
    assert moves > 3
    assert isinstance(stored := open_manifest(out), StoredManifest)  # converted when it started as JSON
    stored.close()
    assert not (out / OLD_MANIFEST).exists()
    _same_as_full(store, out, tmp_path / "full")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "emptied"])
def test_a_damaged_manifest_makes_the_next_export_rebuild(store, site, db_path, tmp_path, damage):
    out = tmp_path / "out"
    export_site(store, out)
    _edit(store, sorted(site["articles"])[1], "Another correction.")
    path = out / MANIFEST
    if damage == "garbage":
        path.write_bytes(b"\x00garbage" * 4096)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:4096])  # the first page (the meta table's root) only
    else:
        path.write_bytes(b"")
    report = export_site(store, out, changed_only=True)
    assert report.mode in ("changed", "full")
    assert load_manifest(out) is not None  # written anew
    assert (out / CHANGES).is_file()  # and the next export is served by the change log again
    _same_as_full(store, out, tmp_path / "full")
    _edit(store, sorted(site["articles"])[0], "A third correction.")
    assert export_site(store, out, changed_only=True).rendered == 1


def test_a_foreign_manifest_of_the_old_name_is_not_taken_for_an_export(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    (out / MANIFEST).unlink()
    (out / OLD_MANIFEST).write_text(json.dumps({"format": 99, "units": {}}), "utf-8")
    assert load_manifest(out) is None
    export_site(store, out, changed_only=True)  # rebuilt whole: the folder held an export of ours
    assert isinstance(load_manifest(out), Manifest) and not (out / OLD_MANIFEST).exists()
    _same_as_full(store, out, tmp_path / "full")
