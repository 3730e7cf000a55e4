"""Dropping a photo's private metadata (EXIF GPS, owner, serials, XMP, comments) on the way in."""

from __future__ import annotations

import io
import warnings

import PIL.Image
import PIL.ImageOps

# What a picture may carry and keep: colour and display facts, nothing about who, where or with what.
_HARMLESS = frozenset({
    "dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density", "adobe", "adobe_transform",
    "progressive", "progression", "icc_profile", "gamma", "transparency", "srgb", "chromaticity",
    "aspect", "loop", "duration", "background", "timestamp", "interlace", "version",
    "compression", "optimize", "palette",
})
# JPEG segments kept byte for byte: APP0 (JFIF), APP2 (ICC profile), APP14 (Adobe colour transform).
_JPEG_KEPT = frozenset({"APP0", "APP2", "APP14"})
_ORIENTATION = 0x0112


def _is_clean(img: PIL.Image.Image) -> bool:
    if set(img.info) - _HARMLESS:
        return False
    if img.format == "JPEG":
        applist = getattr(img, "applist", [])
        if any(marker not in _JPEG_KEPT for marker, _data in applist):
            return False
        if any(marker == "APP2" and not data.startswith(b"ICC_PROFILE") for marker, data in applist):
            return False
    return not getattr(img, "text", None)


def _save_options(img: PIL.Image.Image, fmt: str, rotated: bool) -> dict[str, object]:
    options: dict[str, object] = {}
    if img.info.get("icc_profile"):
        options["icc_profile"] = img.info["icc_profile"]
    if fmt == "JPEG":
        # Unrotated: the same quantisation tables and subsampling, so no visible loss.
        options.update({"quality": 95, "subsampling": 0} if rotated else {"quality": "keep"})
        if img.info.get("progressive"):
            options["progressive"] = True
    elif fmt == "WEBP":
        options.update({"lossless": True} if img.info.get("lossless") else {"quality": 95})
    elif fmt == "AVIF":
        options["quality"] = 95
    if "transparency" in img.info and fmt in ("PNG", "GIF"):
        options["transparency"] = img.info["transparency"]
    if "dpi" in img.info and fmt in ("JPEG", "PNG"):
        options["dpi"] = img.info["dpi"]
    return options


def strip_metadata(data: bytes, fmt: str) -> bytes:
    """``data`` without private metadata: orientation applied to the pixels, ICC profile kept.

    A picture that carries nothing but colour facts is returned unchanged (no re-encoding); an
    animated picture is returned unchanged too (re-encoding frames could change the animation).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with PIL.Image.open(io.BytesIO(data)) as img:
            if getattr(img, "n_frames", 1) > 1 or _is_clean(img):
                return data
            orientation = img.getexif().get(_ORIENTATION, 1)
            rotated = orientation not in (1, None)
            options = _save_options(img, fmt, rotated)
            if rotated:
                out_img = PIL.ImageOps.exif_transpose(img)
            else:
                img.load()
                out_img = img
            out_img.info = {}  # nothing of the original's info rides along into the encoder
            buf = io.BytesIO()
            out_img.save(buf, fmt, **options)
    return buf.getvalue()
