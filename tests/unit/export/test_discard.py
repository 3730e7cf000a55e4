"""What an export leaves behind once its files are in place (the replaced files, the working
folder) is removed on a thread of its own: never taken for an export, removed by the next export
when the process ended first, waited for by the command line before it exits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from digest_desk.export import export_site, settle
from digest_desk.export.folders import MANIFEST, MARKER
from digest_desk.store.articles import get_by_slug, save_article
from tests.export_site_fixture import leftovers, tree

SRC = Path(__file__).resolve().parents[3] / "src"


def _siblings(out: Path) -> list[Path]:
    """The folders beside ``out`` named after it, as they are (nothing waited for)."""
    return sorted(p for p in out.parent.iterdir() if p.name.startswith(out.name + "."))


def test_a_folder_marked_for_removal_is_never_put_back_as_the_export(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    fresh = tree(out)
    # A previous export a full export had replaced, marked and partly deleted when the process
    # ended; then the export folder itself was deleted by hand.
    half = tmp_path / "out.old-0000abcd"
    shutil.copytree(out, half)
    (half / MARKER).write_text('{"target": "out"}')
    for page in sorted(half.glob("*/amp/index.html"))[:3]:
        page.unlink()
    shutil.rmtree(out)
    export_site(store, out, changed_only=True)
    assert tree(out) == fresh  # a new export, not the half-deleted one put back with its manifest
    assert leftovers(out) == []


def test_an_unmarked_previous_export_is_still_put_back(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    before = tree(out)
    out.rename(tmp_path / "out.old-0000abcd")  # a swap cut between its two renames
    export_site(store, out, changed_only=True)
    assert tree(out) == before and (out / MANIFEST).is_file()
    assert leftovers(out) == []


def _edit(store, slug: str) -> None:
    article = get_by_slug(store, slug)
    article.body += "\n\nA late correction."
    save_article(store, article, reason="edit")


def test_a_process_ending_right_after_its_export_leaves_the_site_whole(store, site, db_path, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    _edit(store, sorted(site["articles"])[1])
    script = ("import os, sys\nfrom digest_desk.export import export_site\nfrom digest_desk.store import open_store\n"
              "store = open_store(sys.argv[1])\nexport_site(store, sys.argv[2])\n"
              "export_site(store, sys.argv[2], changed_only=True)\nos._exit(0)\n")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    subprocess.run([sys.executable, "-c", script, str(db_path), str(out)], check=True, env=env, timeout=300)
    for left in _siblings(out):  # whatever the ended process had not removed yet is marked as ours
        assert (left / MARKER).is_file() and not (left / MANIFEST).exists(), left
    whole = tree(out)
    export_site(store, tmp_path / "check")
    assert {k: v for k, v in whole.items() if k != MANIFEST} == \
        {k: v for k, v in tree(tmp_path / "check").items() if k != MANIFEST}
    export_site(store, out, changed_only=True)
    settle()
    assert _siblings(out) == []


def test_the_command_line_waits_for_the_removal_before_it_exits(store, site, db_path, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    for _ in range(2):  # the second replaces every file of the first
        done = subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db_path), "export", str(out)],
                              capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr
        assert _siblings(out) == []


def test_settle_waits_for_every_folder_being_removed(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    _edit(store, sorted(site["articles"])[0])
    export_site(store, out)  # a full export: the previous folder is discarded
    assert settle(timeout=60)
    assert _siblings(out) == []


def test_a_journal_from_before_numbered_backups_is_still_rolled_back(store, site, tmp_path):
    """A commit cut short by an older version kept its backups under their own paths."""
    import json

    from digest_desk.export import recover
    from digest_desk.export.changeset import BACKUP
    from digest_desk.export.folders import JOURNAL

    out = tmp_path / "out"
    export_site(store, out)
    before = tree(out)
    changed, removed = sorted(p.relative_to(out).as_posix() for p in out.glob("*/amp/index.html"))[:2]
    work = tmp_path / "out.tmp-0000beef"
    (work / BACKUP / changed).parent.mkdir(parents=True)
    (work / BACKUP / removed).parent.mkdir(parents=True)
    (work / MARKER).write_text('{"target": "out"}')
    (work / JOURNAL).write_text(json.dumps({"put": [changed], "drop": [removed]}))
    (out / changed).rename(work / BACKUP / changed)
    (out / changed).write_text("the new version, moved in before the crash")
    (out / removed).rename(work / BACKUP / removed)
    recover(out)
    assert tree(out) == before
    assert leftovers(out) == []
