"""The media store: pixel sizes from Pillow, safe unique names, refusals, metadata-only maps."""

from __future__ import annotations

import io
import struct
import zlib

import PIL.Image
import pytest
from sqlalchemy.orm.exc import DetachedInstanceError

from digest_desk.store.articles import create_article, get_article
from digest_desk.store.media import (
    MediaError,
    add_image,
    add_remote_image,
    delete_image,
    get_image_bytes,
    media_map,
)

pytestmark = pytest.mark.both_engines  # each test runs on SQLite and on PostgreSQL


def _picture(fmt: str = "PNG", size: tuple[int, int] = (40, 30), colour: str = "teal") -> bytes:
    buf = io.BytesIO()
    PIL.Image.new("RGB", size, colour).save(buf, fmt)
    return buf.getvalue()


def _png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size (what a decompression bomb looks like to Pillow)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = b""
    for kind, body in ((b"IHDR", ihdr), (b"IDAT", zlib.compress(b"")), (b"IEND", b"")):
        chunks += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return b"\x89PNG\r\n\x1a\n" + chunks


def test_image_round_trip_keeps_bytes_size_and_metadata(store, tmp_path):
    path = tmp_path / "River At Dawn!.JPG"
    data = _picture("JPEG", (64, 48))
    path.write_bytes(data)
    image = add_image(store, path, alt="A river", caption="Dawn", credit="Desk")
    assert (image.name, image.mime, image.width, image.height) == (
        "river-at-dawn.jpg", "image/jpeg", 64, 48,
    )
    assert get_image_bytes(store, "river-at-dawn.jpg") == data
    meta = media_map(store)["river-at-dawn.jpg"]
    assert (meta.alt, meta.caption, meta.credit, meta.width) == ("A river", "Dawn", "Desk", 64)


def test_names_are_unique_and_same_bytes_are_stored_once(store):
    first = add_image(store, _picture(colour="red"), name="chart.png")
    second = add_image(store, _picture(colour="blue"), name="chart.png")
    again = add_image(store, _picture(colour="red"), name="other.png", alt="now with alt")
    assert (first.name, second.name) == ("chart.png", "chart-2.png")
    assert again.id == first.id and again.alt == "now with alt"
    assert sorted(media_map(store)) == ["chart-2.png", "chart.png"]


def test_extension_follows_the_real_format(store):
    image = add_image(store, _picture("GIF"), name="looks-like.jpeg")
    assert image.name == "looks-like.gif" and image.mime == "image/gif"


def test_media_map_does_not_load_bytes(store):
    add_image(store, _picture(), name="a.png")
    meta = media_map(store)["a.png"]
    with pytest.raises(DetachedInstanceError):
        _ = meta.data


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"just some text, not a picture", "not a picture"),
        (b"", "not a picture"),
        (_png_header_claiming(100_000, 100_000), "decompression bomb"),
        (_png_header_claiming(9_000, 9_000), "decompression bomb"),
    ],
)
def test_non_images_and_bombs_are_refused_with_nothing_stored(store, data, words):
    with pytest.raises(MediaError, match=words):
        add_image(store, data, name="bad.png")
    assert media_map(store) == {}


def test_truncated_picture_is_refused(store):
    data = _picture(size=(200, 200))
    with pytest.raises(MediaError):
        add_image(store, data[: len(data) // 2])


def test_unreadable_path_names_the_file(store, tmp_path):
    with pytest.raises(MediaError, match="missing.png"):
        add_image(store, tmp_path / "missing.png")


def test_remote_picture_needs_a_size(store):
    image = add_remote_image(store, "https://cdn.example.org/p/Photo.JPG?x=1", width=800, height=600)
    assert (image.name, image.data, image.width) == ("photo.jpg", None, 800)
    with pytest.raises(MediaError, match="width and height"):
        add_remote_image(store, "https://cdn.example.org/q.png", width=0, height=10)


def test_featured_image_loads_with_the_article_and_survives_image_deletion(store):
    image = add_image(store, _picture(), name="lead.png", alt="Lead")
    article = create_article(store, title="With picture", image_id=image.id, image_alt="Lead")
    loaded = get_article(store, article.id)
    assert loaded.image.name == "lead.png" and loaded.image.width == 40
    delete_image(store, "lead.png")
    assert get_article(store, article.id).image_id is None
