"""Counts the command line prints take the singular for one: "1 article", never "1 articles"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest_desk.domain import Status
from digest_desk.domain.words import counted
from digest_desk.store.articles import create_article
from digest_desk.store.site import update_site

SRC = Path(__file__).resolve().parents[2] / "src"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DIGEST_DESK_DB", None)
    return subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("n", "expected"), [(0, "0 articles"), (1, "1 article"), (2, "2 articles")])
def test_counted_takes_the_form_the_number_needs(n, expected):
    assert counted(n, "article") == expected
    assert counted(n, "window", "windows") == expected.replace("article", "window")


def test_check_export_and_links_say_one_thing_in_the_singular(store, db_path, tmp_path):
    update_site(store, base_url="https://counts.example.org/")
    create_article(store, title="Ferry fares", slug="ferry", summary="S", author="A", category="City",
                   body="Fares go down.", status=Status.PUBLISHED,
                   links=[{"title": "Gone", "url": "", "kind": "related"}])
    create_article(store, title="Draft", slug="draft", body="Not yet.")
    store.close()

    check = cli(db_path, "check", "ferry")
    assert "1 article checked, " in check.stderr and "1 articles" not in check.stderr
    assert "1 error." in check.stderr  # the related link without an address

    export = cli(db_path, "export", str(tmp_path / "out"))
    assert export.returncode == 0, export.stderr
    assert export.stdout.startswith("Exported 1 article to ")
    assert "(1 unpublished article left out.)" in export.stdout

    links = cli(db_path, "links", "check", "ferry")
    assert "1 link: 1 missing." in links.stderr


def test_plural_counts_stay_plural(store, db_path):
    for n in range(2):
        create_article(store, title=f"Story {n}", slug=f"story-{n}", summary="S", body="Text.")
    store.close()
    check = cli(db_path, "check")
    assert "2 articles checked, 0 errors." in check.stderr
