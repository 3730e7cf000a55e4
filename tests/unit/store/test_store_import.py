"""Importing markdown with front matter: fields, pictures, updates, and errors that name the place."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import PIL.Image
import pytest

from digest_desk.domain import LinkKind, Status
from digest_desk.store.articles import count_articles, get_by_slug, revisions
from digest_desk.store.frontmatter import ImportFailure
from digest_desk.store.importer import import_file, import_paths
from digest_desk.store.media import get_image_bytes, media_map

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL

GOOD = """---
title: Harbour cranes return to work
slug: harbour-cranes
date: 2026-03-01T09:30:00+02:00
updated: 2026-03-02
author: Ana Ruiz
category: Economy
tags: [port, jobs]
summary: Four cranes are back after the strike.
status: published
image:
  src: pics/crane.png
  alt: A crane at dusk
  caption: The north quay
  credit: Desk photo
links:
  - {title: Port authority notice, url: "https://port.example.org/n", kind: source}
  - {title: Background, url: "https://partner.example.net/b"}
---
The quay was busy again.

![Unloading](pics/unload.png "Unloading at noon")

https://www.youtube.com/watch?v=dQw4w9WgXcQ
"""


def _png(path, size=(32, 24), colour="navy"):
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    PIL.Image.new("RGB", size, colour).save(buf, "PNG")
    path.write_bytes(buf.getvalue())


@pytest.fixture
def article_dir(tmp_path):
    folder = tmp_path / "in"
    _png(folder / "pics" / "crane.png", (64, 48))
    _png(folder / "pics" / "unload.png", (30, 20), "red")
    (folder / "cranes.md").write_text(GOOD, encoding="utf-8")
    return folder


def test_every_front_matter_field_is_stored(store, article_dir):
    result = import_file(store, article_dir / "cranes.md")
    assert result.created and result.slug == "harbour-cranes"
    a = get_by_slug(store, "harbour-cranes")
    assert (a.title, a.author, a.category, a.summary) == (
        "Harbour cranes return to work", "Ana Ruiz", "Economy", "Four cranes are back after the strike.",
    )
    assert a.tags == ["port", "jobs"] and a.status == Status.PUBLISHED
    assert a.published_at == datetime(2026, 3, 1, 7, 30, tzinfo=UTC)
    assert a.published_at.utcoffset() == timedelta(0)  # kept in UTC since migration 0005
    assert a.updated_at == datetime(2026, 3, 2, tzinfo=UTC)
    assert (a.image.name, a.image.width, a.image.height, a.image_alt) == (
        "crane.png", 64, 48, "A crane at dusk",
    )
    assert (a.image.caption, a.image.credit) == ("The north quay", "Desk photo")
    assert [(link.title, link.kind) for link in a.links] == [
        ("Port authority notice", LinkKind.SOURCE), ("Background", LinkKind.READ_MORE),
    ]
    assert '![Unloading](media/unload.png "Unloading at noon")' in a.body
    assert a.body.startswith("The quay was busy again.")
    assert "youtube.com/watch" in a.body
    assert media_map(store)["unload.png"].width == 30
    assert get_image_bytes(store, "unload.png") == (article_dir / "pics" / "unload.png").read_bytes()
    assert [r.reason for r in revisions(store, a.id)] == ["import"]


def test_reimport_updates_the_article_and_records_a_revision(store, article_dir):
    first = import_file(store, article_dir / "cranes.md")
    path = article_dir / "cranes.md"
    path.write_text(GOOD.replace("busy again", "quiet again"), encoding="utf-8")
    second = import_file(store, path)
    assert not second.created and second.article_id == first.article_id
    a = get_by_slug(store, "harbour-cranes")
    assert "quiet again" in a.body and a.version == 2
    assert [r.reason for r in revisions(store, a.id)] == ["import", "import"]
    assert len(media_map(store)) == 2  # same pictures, not stored twice
    assert count_articles(store) == 1


def test_slug_comes_from_the_title_when_absent(store, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Índex of prices\n---\nBody\n", encoding="utf-8")
    assert import_file(store, path).slug == "index-of-prices"
    assert get_by_slug(store, "index-of-prices").status == Status.DRAFT


def _failure(store, tmp_path, data: bytes) -> ImportFailure:
    path = tmp_path / "bad.md"
    path.write_bytes(data)
    with pytest.raises(ImportFailure) as info:
        import_file(store, path)
    assert str(info.value).startswith(str(path))
    assert count_articles(store) == 0 and media_map(store) == {}
    return info.value


def test_invalid_utf8_names_the_byte(store, tmp_path):
    data = "---\ntitle: Café\n---\n".encode() + b"caf\xe9 au lait\n"
    failure = _failure(store, tmp_path, data)
    assert failure.offset == data.index(b"\xe9") and "UTF-8" in str(failure)


def test_broken_yaml_names_line_and_column(store, tmp_path):
    failure = _failure(store, tmp_path, b"---\ntitle: ok\ntags: [a, b\nauthor: x\n---\nbody\n")
    assert failure.line == 4 and failure.column is not None
    assert "YAML" in str(failure)


def test_missing_title_names_the_problem(store, tmp_path):
    failure = _failure(store, tmp_path, b"---\nauthor: Ana\n---\nbody\n")
    assert "title" in str(failure)


def test_bad_date_names_its_line(store, tmp_path):
    failure = _failure(store, tmp_path, b"---\ntitle: T\nauthor: A\ndate: next tuesday\n---\nx\n")
    assert failure.line == 4 and "not a date" in str(failure)


@pytest.mark.parametrize(
    ("front", "words"),
    [
        ("status: live", "draft, ready, scheduled or published"),
        ("slug: index", "reserved"),
        ("links:\n  - {title: x}", "url"),
        ("links:\n  - {url: 'https://x.org', kind: other}", "kind"),
        ("image: {src: 'https://cdn.example.org/a.jpg'}", "width and height"),
    ],
)
def test_bad_fields_are_refused(store, tmp_path, front, words):
    failure = _failure(store, tmp_path, f"---\ntitle: T\n{front}\n---\nx\n".encode())
    assert words in str(failure) and failure.line is not None


def test_missing_body_picture_names_its_line_and_the_rest_comes_in(store, tmp_path):
    _png(tmp_path / "ok.png")
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\nimage: ok.png\n---\nline one\n\n![x](gone.png)\n")
    result = import_file(store, path)
    assert [w for w in result.warnings if f"{path}:7: the picture gone.png was not found" in w]
    assert get_by_slug(store, "t").image.name == "ok.png"


def test_one_bad_file_does_not_stop_the_others(store, tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: Alpha\n---\nA\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: [unclosed\n---\nB\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.markdown").write_text("---\ntitle: Gamma\n---\nC\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not markdown", encoding="utf-8")
    done, failed = import_paths(store, [tmp_path])
    assert [r.slug for r in done] == ["alpha", "gamma"]
    assert [f.path.name for f in failed] == ["b.md"]


def test_site_relative_links_to_existing_articles_become_internal(store, tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: First story\n---\nA\n", encoding="utf-8")
    (tmp_path / "b.md").write_text(
        "---\ntitle: Second story\nlinks:\n  - {title: First, url: /first-story/, kind: related}\n"
        "  - {title: Nowhere, url: /no-such-story/, kind: related}\n---\nB\n", encoding="utf-8",
    )
    done, failed = import_paths(store, [tmp_path])
    assert not failed
    links = get_by_slug(store, "second-story").links
    assert links[0].target_article_id == done[0].article_id
    assert links[1].target_article_id is None and links[1].url == "/no-such-story/"


def test_a_missing_picture_leaves_the_article_in_with_a_warning(store, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\nimage: {src: nowhere.png}\n---\nx\n\n![Gone](pics/gone.jpeg)\n",
                    encoding="utf-8")
    result = import_file(store, path)
    a = get_by_slug(store, "t")
    assert a.image is None and "![Gone](media/gone.jpg)" in a.body
    assert any("featured image left out" in w and "nowhere.png" in w for w in result.warnings)
    assert any("pics/gone.jpeg was not found" in w for w in result.warnings)
