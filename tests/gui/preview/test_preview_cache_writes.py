"""The previews read the fragment cache on every render but write only the version typing settles on."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest_desk.render import fragments

PARAS = [f"Paragraph {n} of the ferry story, with a few words of its own." for n in range(12)]


def entries(folder: Path) -> list[Path]:
    """The cache's entry files (not its compiled templates)."""
    return [p for p in folder.rglob("*") if p.is_file() and len(p.parent.name) == 2
            and "templates" not in p.parts]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "fragments"
    monkeypatch.setenv(fragments.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def pane(cache_dir, pane):
    """conftest's pane, made once the cache folder is this test's."""
    return pane


def test_typing_twenty_keys_writes_only_the_settled_body(qtbot, pane, cache_dir, site, make_article):
    article = make_article("\n\n".join(PARAS))
    with qtbot.waitSignal(pane.settled, timeout=15000):
        pane.show_article(article, site)
    shown: list[str] = []
    pane.settled.connect(lambda _ms: shown.append(pane.shown_body))
    typed = "typed words"
    for n in range(1, 21):  # one key at a time, each rendered and shown before the next
        body = "\n\n".join(PARAS[:6] + [PARAS[6] + " " + (typed * 2)[:n]] + PARAS[7:])
        article.body = body
        with qtbot.waitSignal(pane.settled, timeout=15000):
            pane.show_article(article, site)
    assert len(set(shown)) >= 15  # the previews did follow the keys
    store = fragments.shared()
    assert store is not None and store.root == cache_dir
    qtbot.waitUntil(lambda: store.get(body) is not None, timeout=5000)  # the settled body is written
    files = entries(cache_dir)
    assert 1 <= len(files) <= 2, files  # the opened body and the settled one, not one per key


def test_a_version_replaced_before_it_settles_is_not_written(qtbot, pane, cache_dir, site, make_article):
    article = make_article("First version of the story.")
    with qtbot.waitSignal(pane.settled, timeout=15000):
        pane.show_article(article, site)
    article.body = "Second version of the story."
    with qtbot.waitSignal(pane.settled, timeout=15000):
        pane.show_article(article, site)
    store = fragments.shared()
    qtbot.waitUntil(lambda: store.get("Second version of the story.") is not None, timeout=5000)
    assert store.get("First version of the story.") is None


def test_closing_the_article_writes_what_it_showed(qtbot, pane, cache_dir, site, make_article):
    article = make_article("The story as it stood when the editor moved on.")
    with qtbot.waitSignal(pane.settled, timeout=15000):
        pane.show_article(article, site)
    pane.clear()  # before the version had settled
    store = fragments.shared()
    qtbot.waitUntil(lambda: store.get(article.body) is not None, timeout=5000)


def test_export_and_checks_still_write_at_once(cache_dir):
    from digest_desk.render.mdparse import parse_body

    parse_body("A body parsed outside the previews, as the export and the checks do.")
    store = fragments.shared()
    assert store.get("A body parsed outside the previews, as the export and the checks do.") is not None
