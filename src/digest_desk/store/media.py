"""The media store: pictures kept in the database with their pixel size, named for markdown use."""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path, PurePath

import PIL.Image
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from digest_desk.domain import Image
from digest_desk.domain.slugs import slugify
from digest_desk.store.engine import Store
from digest_desk.store.errors import NotFoundError, StoreError
from digest_desk.store.photometa import strip_metadata
from digest_desk.store.readfile import UnsafeFileError, read_capped

MAX_BYTES = 30 * 1024 * 1024
MAX_PIXELS = 60_000_000  # larger pictures are refused as possible decompression bombs
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp", "AVIF": ".avif"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp",
        "AVIF": "image/avif"}


class MediaError(StoreError):
    """A file that cannot be stored as a picture; the message says why."""


def probe(data: bytes, label: str = "the file") -> tuple[str, int, int]:
    """Format, width and height of an image in ``data``; raises MediaError when it is none."""
    if len(data) > MAX_BYTES:
        raise MediaError(f"{label} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
            with PIL.Image.open(io.BytesIO(data)) as img:
                fmt, (width, height) = img.format, img.size
                if width * height > MAX_PIXELS:
                    raise MediaError(
                        f"{label} is {width}×{height} pixels, more than the "
                        f"{MAX_PIXELS:,} allowed (it could be a decompression bomb)."
                    )
                img.verify()
    except (PIL.Image.DecompressionBombError, PIL.Image.DecompressionBombWarning) as exc:
        raise MediaError(f"{label} is refused as a possible decompression bomb ({exc}).") from exc
    except MediaError:
        raise
    except Exception as exc:  # Pillow raises many types for damaged or foreign files
        raise MediaError(f"{label} is not a picture Digest Desk can read ({exc}).") from exc
    if fmt not in EXTENSIONS:
        raise MediaError(f"{label} is a {fmt} picture; use JPEG, PNG, GIF, WebP or AVIF.")
    return fmt, width, height


def safe_name(wanted: str, fmt: str) -> str:
    """A file name of ``a-z0-9-`` with the extension of the format, e.g. ``river-at-dawn.jpg``."""
    stem = slugify(PurePath(wanted).stem) or "image"
    return stem[:60].strip("-") + EXTENSIONS[fmt]


def _free_name(session: Session, name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 2
    while session.exec(select(Image.id).where(Image.name == candidate)).first() is not None:
        candidate = f"{stem}-{n}{dot}{ext}"
        n += 1
    return candidate


def _read(path_or_bytes: str | Path | bytes) -> tuple[bytes, str, str]:
    """Bytes, a name suggestion and a label for messages."""
    if isinstance(path_or_bytes, bytes | bytearray):
        data = bytes(path_or_bytes)
        return data, "image", "the picture"
    path = Path(path_or_bytes)
    try:
        data = read_capped(path, MAX_BYTES)
    except UnsafeFileError as exc:
        raise MediaError(f"{path} {exc}.") from exc
    return data, path.name, str(path)


def _clean(data: bytes, fmt: str, label: str) -> tuple[bytes, int, int]:
    """The picture without private metadata, and its pixel size once orientation is applied."""
    try:
        data = strip_metadata(data, fmt)
    except Exception as exc:  # Pillow raises many types for damaged files
        raise MediaError(f"{label} could not be cleaned of its metadata ({exc}).") from exc
    _fmt, width, height = probe(data, label)
    return data, width, height


def add_image(
    store: Store,
    path_or_bytes: str | Path | bytes,
    *,
    name: str | None = None,
    alt: str = "",
    caption: str = "",
    credit: str = "",
    session: Session | None = None,
) -> Image:
    """Keep a picture in the store and return its row (with bytes).

    Private metadata (EXIF, GPS, XMP, comments) is dropped first, orientation applied and the
    colour profile kept. The same bytes stored before are not stored twice: the existing row
    is returned, with any non-empty ``alt``/``caption``/``credit`` given here written onto it.
    Pass ``session`` to take part in a caller's write transaction.
    """
    data, suggested, label = _read(path_or_bytes)
    fmt, _width, _height = probe(data, label)
    data, width, height = _clean(data, fmt, label)
    if session is None:
        with store.write() as own:
            return _store_image(own, data, fmt, width, height, name or suggested, alt, caption, credit)
    return _store_image(session, data, fmt, width, height, name or suggested, alt, caption, credit)


def _store_image(
    session: Session, data: bytes, fmt: str, width: int, height: int, wanted: str,
    alt: str, caption: str, credit: str,
) -> Image:
    digest = hashlib.sha256(data).hexdigest()
    image = session.exec(select(Image).where(Image.sha256 == digest)).first()
    if image is None:
        image = Image(
            name=_free_name(session, safe_name(wanted, fmt)), mime=MIME[fmt], width=width,
            height=height, sha256=digest, data=data,
        )
    for field, value in (("alt", alt), ("caption", caption), ("credit", credit)):
        if value:
            setattr(image, field, value)
    session.add(image)
    session.flush()
    session.refresh(image)
    return image


def add_remote_image(
    store: Store, url: str, *, width: int, height: int, alt: str = "", caption: str = "",
    credit: str = "", session: Session | None = None,
) -> Image:
    """Record a picture that stays on another server (no bytes kept); its size must be given."""
    if width <= 0 or height <= 0:
        raise MediaError(f"{url}: a remote picture needs a positive width and height.")
    wanted = safe_name(PurePath(url.split("?")[0]).name or "remote", "JPEG").removesuffix(".jpg")

    def put(s: Session) -> Image:
        image = s.exec(select(Image).where(Image.url == url)).first() or Image(
            name=_free_name(s, wanted + PurePath(url.split("?")[0]).suffix.lower()), url=url,
            mime="", width=width, height=height,
        )
        image.width, image.height = width, height
        for field, value in (("alt", alt), ("caption", caption), ("credit", credit)):
            if value:
                setattr(image, field, value)
        s.add(image)
        s.flush()
        s.refresh(image)
        return image

    if session is not None:
        return put(session)
    with store.write() as own:
        return put(own)


def get_image(store: Store, name: str) -> Image:
    """The row of a stored picture, bytes included."""
    with store.read() as session:
        image = session.exec(select(Image).where(Image.name == name)).first()
    if image is None:
        raise NotFoundError(f"No picture named “{name}” in the media store.")
    return image


def get_image_bytes(store: Store, name: str) -> bytes:
    image = get_image(store, name)
    if image.data is None:
        raise NotFoundError(f"The picture “{name}” is remote ({image.url}); no bytes are kept.")
    return image.data


def media_map(store: Store) -> dict[str, Image]:
    """Every picture by name, metadata only: ``data`` is not loaded (reading it raises)."""
    stmt = select(Image).options(defer(Image.data)).order_by(Image.name)
    with store.read() as session:
        return {image.name: image for image in session.exec(stmt)}


def delete_image(store: Store, name: str) -> None:
    """Remove a picture; articles that featured it lose their featured image."""
    with store.write() as session:
        image = session.exec(select(Image).where(Image.name == name)).first()
        if image is None:
            raise NotFoundError(f"No picture named “{name}” in the media store.")
        session.delete(image)
