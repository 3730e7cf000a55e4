"""The media library as an editor manages it: where each picture is used, replacing its bytes,
removing a picture no article uses."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import PIL.Image
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from digest_desk.domain import Article, Image
from digest_desk.store.engine import Store
from digest_desk.store.errors import NotFoundError, StoreError
from digest_desk.store.media import EXTENSIONS, MAX_BYTES, MediaError, _clean, probe
from digest_desk.store.readfile import UnsafeFileError, read_capped

# A body names a stored picture as ``(media/NAME`` (image or link), as the renderer reads it.
_MEDIA_REF = re.compile(r"\(\s*<?media/([^\s<>()\"]+)")
_FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP", "AVIF": "AVIF"}


class PictureInUseError(StoreError):
    """A picture an article still shows cannot be removed; the message names the articles."""


@dataclass(frozen=True, slots=True)
class PictureUse:
    """One article showing a picture: as its featured image, in its body, or both."""

    article_id: int
    slug: str
    title: str
    featured: bool
    in_body: bool


@dataclass(frozen=True, slots=True)
class LibraryPicture:
    """A stored picture's facts for the library dialog (no bytes)."""

    name: str
    width: int
    height: int
    mime: str
    size: int  # bytes kept, 0 for a remote picture
    url: str
    alt: str  # the library's suggestions for a new use
    credit: str
    uses: tuple[PictureUse, ...]


def media_names_in(body: str) -> set[str]:
    """The media names a body refers to (``media/NAME``)."""
    return set(_MEDIA_REF.findall(body)) if "media/" in body else set()


def _uses(session: Session, name: str | None = None) -> dict[str, list[PictureUse]]:
    names_by_id = dict(session.exec(select(Image.id, Image.name)).all())
    stmt = select(Article.id, Article.slug, Article.title, Article.image_id, Article.body).where(
        or_(col(Article.image_id).is_not(None), col(Article.body).contains("media/")))
    found: dict[str, list[PictureUse]] = {}
    for article_id, slug, title, image_id, body in session.exec(stmt.order_by(Article.id)):
        featured = names_by_id.get(image_id) if image_id is not None else None
        in_body = media_names_in(body or "")
        for picture in in_body | ({featured} if featured else set()):
            if name is None or picture == name:
                found.setdefault(picture, []).append(
                    PictureUse(article_id, slug, title, picture == featured, picture in in_body))
    return found


def picture_uses(store: Store) -> dict[str, list[PictureUse]]:
    """For every picture some article shows: which articles, featured or in the body."""
    with store.read() as session:
        return _uses(session)


def library(store: Store) -> list[LibraryPicture]:
    """Every stored picture by name, with its size in bytes and where it is used."""
    stmt = select(Image.name, Image.width, Image.height, Image.mime, func.length(Image.data),
                  Image.url, Image.alt, Image.credit).order_by(Image.name)
    with store.read() as session:
        rows = session.exec(stmt).all()
        uses = _uses(session)
    return [LibraryPicture(name, width, height, mime, size or 0, url, alt, credit,
                           tuple(uses.get(name, ())))
            for name, width, height, mime, size, url, alt, credit in rows]


def _read_picture(path: Path) -> tuple[bytes, str, int, int]:
    """Bytes (without private metadata), format and size of a picture file, read safely."""
    label = path.name
    try:
        data = read_capped(path, MAX_BYTES)
    except UnsafeFileError as exc:
        raise MediaError(f"{label} {exc}.") from exc
    fmt, _w, _h = probe(data, label)
    data, width, height = _clean(data, fmt, label)
    return data, fmt, width, height


def replace_image(store: Store, name: str, path: str | Path) -> Image:
    """New bytes for a stored picture from a file, under the same name (every article showing it
    shows the new one). The file must hold a picture of the same format as the name says."""
    data, fmt, width, height = _read_picture(Path(path))
    with store.write() as session:
        image = session.exec(select(Image).where(Image.name == name)).first()
        if image is None:
            raise NotFoundError(f"No picture named “{name}” in the media library.")
        if not name.lower().endswith(EXTENSIONS[fmt]) and not (
                fmt == "JPEG" and name.lower().endswith(".jpeg")):
            raise MediaError(f"{Path(path).name} is a {_FORMAT_NAMES[fmt]} picture; “{name}” needs "
                             "a picture of its own format. Nothing was changed.")
        image.data, image.width, image.height = data, width, height
        image.sha256, image.url = hashlib.sha256(data).hexdigest(), ""
        session.add(image)
        session.flush()
        session.refresh(image)
        return image


def remove_unused_image(store: Store, name: str) -> None:
    """Remove a picture no article shows; PictureInUseError (naming them) when some do."""
    with store.write() as session:
        image = session.exec(select(Image).where(Image.name == name)).first()
        if image is None:
            raise NotFoundError(f"No picture named “{name}” in the media library.")
        uses = _uses(session, name).get(name, [])
        if uses:
            titles = ", ".join(f"“{u.title or u.slug}”" for u in uses[:3])
            more = f" and {len(uses) - 3} more" if len(uses) > 3 else ""
            raise PictureInUseError(
                f"“{name}” is still shown by {titles}{more}; take it out of "
                f"{'that article' if len(uses) == 1 else 'those articles'} first. Nothing was removed.")
        session.delete(image)


def thumbnails(store: Store, names: list[str], box: tuple[int, int] = (96, 72),
               progress: Callable[[tuple[str, bytes]], None] | None = None) -> dict[str, bytes]:
    """Small PNG previews of stored pictures (remote or unreadable ones are left out). Runs in
    the background; ``progress`` gets each ``(name, png)`` as it is made."""
    made: dict[str, bytes] = {}
    for name in names:
        with store.read() as session:
            data = session.exec(select(Image.data).where(Image.name == name)).first()
        if not data:
            continue
        try:
            with PIL.Image.open(io.BytesIO(data)) as img:
                img.thumbnail(box)
                out = io.BytesIO()
                img.convert("RGBA").save(out, "PNG")
        except Exception:  # noqa: BLE001 - a damaged stored picture simply gets no preview
            continue
        made[name] = out.getvalue()
        if progress is not None:
            progress((name, made[name]))
    return made
