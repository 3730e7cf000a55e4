"""Photos lose private metadata on the way into the media store; orientation and colour stay."""

from __future__ import annotations

import io

import PIL.Image
import PIL.ImageCms
import PIL.PngImagePlugin
import pytest

from digest_desk.store.media import add_image, get_image_bytes

SECRETS = (b"Alice Owner", b"SN-778812", b"secret desk comment", b"xmp-creator-bob")


def _make_icc() -> bytes:
    return PIL.ImageCms.ImageCmsProfile(PIL.ImageCms.createProfile("sRGB")).tobytes()


ICC = _make_icc()


def _exif(orientation: int) -> PIL.Image.Exif:
    exif = PIL.Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = "Alice Owner"  # Artist
    exif[0xA431] = "SN-778812"  # BodySerialNumber
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 40.0)}  # GPS
    return exif


def _photo(fmt: str, orientation: int = 6) -> bytes:
    img = PIL.Image.new("RGB", (40, 20), "white")
    img.paste((200, 0, 0), (0, 0, 20, 20))  # the left half red: shows where the top went
    buf = io.BytesIO()
    extra: dict[str, object] = {"comment": b"secret desk comment"} if fmt == "JPEG" else {}
    if fmt == "PNG":
        text = PIL.PngImagePlugin.PngInfo()
        text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>xmp-creator-bob</x:xmpmeta>")
        text.add_text("Comment", "secret desk comment")
        extra["pnginfo"] = text
    img.save(buf, fmt, exif=_exif(orientation), icc_profile=ICC,
             xmp=b"<x:xmpmeta>xmp-creator-bob</x:xmpmeta>", **extra)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_gps_owner_serial_xmp_and_comment_are_dropped(store, tmp_path, fmt):
    data = _photo(fmt)
    assert sum(secret in data for secret in SECRETS) >= 3  # the test picture really carries them
    path = tmp_path / f"photo.{fmt.lower()}"
    path.write_bytes(data)
    image = add_image(store, path)
    kept = get_image_bytes(store, image.name)
    for secret in SECRETS:
        assert secret not in kept
    with PIL.Image.open(io.BytesIO(kept)) as img:
        assert dict(img.getexif()) == {}
        assert img.info.get("icc_profile") == ICC
        assert not set(img.info) & {"exif", "xmp", "comment", "XML:com.adobe.xmp"}
        # Orientation 6 (rotate 90° clockwise) is applied to the pixels: 40×20 becomes 20×40,
        # and the red left half is now the top.
        assert img.size == (20, 40) == (image.width, image.height)
        top = img.convert("RGB").getpixel((10, 5))
        bottom = img.convert("RGB").getpixel((10, 35))
    assert top[0] > 150 and top[1] < 80
    assert bottom[1] > 200


def test_jpeg_without_rotation_keeps_its_quantisation(store):
    data = _photo("JPEG", orientation=1)
    image = add_image(store, data, name="plain.jpg")
    kept = get_image_bytes(store, image.name)
    assert b"Alice Owner" not in kept and (image.width, image.height) == (40, 20)
    with PIL.Image.open(io.BytesIO(data)) as before, PIL.Image.open(io.BytesIO(kept)) as after:
        assert before.quantization == after.quantization


def test_a_clean_picture_is_kept_byte_for_byte(store):
    buf = io.BytesIO()
    PIL.Image.new("RGB", (16, 16), "navy").save(buf, "JPEG", icc_profile=ICC)
    image = add_image(store, buf.getvalue(), name="clean.jpg")
    assert get_image_bytes(store, image.name) == buf.getvalue()
