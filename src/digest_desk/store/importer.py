"""Importing markdown files: each file in its own transaction, pictures into the media store."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from digest_desk.domain import Article, Image
from digest_desk.domain.slugs import FALLBACK_SLUG, is_reserved, slug_key, slugify
from digest_desk.domain.types import utcnow
from digest_desk.store.articles import _assign_slug, _record_revision, _set_links
from digest_desk.store.engine import Store
from digest_desk.store.frontmatter import (
    ImageRef,
    ImportFailure,
    ParsedArticle,
    body_images,
    parse_markdown,
)
from digest_desk.store.media import MediaError, add_image, add_remote_image
from digest_desk.store.readfile import UnsafeFileError, inside, read_capped

MARKDOWN_SUFFIXES = (".md", ".markdown")
MAX_MARKDOWN_BYTES = 20 * 1024 * 1024
_INTERNAL = re.compile(r"^/([a-z0-9]+(?:-[a-z0-9]+)*)/?$")


@dataclass
class ImportResult:
    path: Path
    slug: str
    article_id: int
    created: bool
    warnings: list[str] = field(default_factory=list)


def markdown_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, and the markdown files inside named folders (sorted, recursive).

    A file found in a folder is skipped when a symlink leads it out of that folder.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file() and inside(p, [path])
            )
        else:
            yield path


def _picture_path(parsed: ParsedArticle, roots: tuple[Path, ...], src: str) -> Path:
    """The real path of a local picture, when it lies inside the file's folder or a media folder."""
    for base in (parsed.path.parent, *roots):
        candidate = base / src
        try:
            present = candidate.exists() or candidate.is_symlink()
        except (OSError, ValueError) as exc:  # a NUL byte, a name too long for the system
            raise MediaError(f"the picture path {src!r} cannot be used ({exc}).") from exc
        if present:
            real = inside(candidate, [parsed.path.parent, *roots])
            if real is None:
                raise MediaError(
                    f"the picture {src} lies outside the file's folder; pictures are read only "
                    "beside the markdown or from a folder named with --media.")
            return real
    raise MediaError(f"the picture {src} was not found beside the file"
                     + (" or in the --media folder." if roots else "."))


def _picture(session: Session, store: Store, parsed: ParsedArticle, src: str, line: int,
             roots: tuple[Path, ...] = (), **meta: object) -> Image:
    """Store a picture named in the file (relative path, URL, or media/NAME already stored)."""
    try:
        if src.startswith(("http://", "https://")):
            if not meta.get("width") or not meta.get("height"):
                raise MediaError(f"the remote picture {src} needs width and height.")
            return add_remote_image(store, src, session=session, **meta)  # type: ignore[arg-type]
        if src.startswith("media/"):
            image = session.execute(select(Image).where(Image.name == src[6:])).scalar()
            if image is None:
                raise MediaError(f"no picture named “{src[6:]}” in the media store.")
            return image
        meta.pop("width", None)
        meta.pop("height", None)
        path = _picture_path(parsed, roots, src)
        return add_image(store, path, session=session, **meta)  # type: ignore[arg-type]
    except MediaError as exc:
        raise ImportFailure(parsed.path, str(exc), line=line) from exc


def _featured(session: Session, store: Store, parsed: ParsedArticle, ref: ImageRef,
              roots: tuple[Path, ...]) -> Image:
    return _picture(session, store, parsed, ref.src, ref.line, roots, alt=ref.alt,
                    caption=ref.caption, credit=ref.credit, width=ref.width, height=ref.height)


def _rewrite_body(session: Session, store: Store, parsed: ParsedArticle,
                  roots: tuple[Path, ...]) -> str:
    """Import local body pictures and point the markdown at ``media/NAME``."""
    body = parsed.body
    for body_line, match in reversed(body_images(body)):
        image = _picture(session, store, parsed, match.group("src"), parsed.body_line + body_line,
                         roots, alt=match.group("alt"))
        new = f"![{match.group('alt')}](media/{image.name}{match.group('rest')})"
        body = body[: match.start()] + new + body[match.end() :]
    return body


def _internal_targets(session: Session, links: list[dict]) -> list[dict]:
    """Links written as ``/other-slug/`` point at that article when it exists."""
    resolved = []
    for link in links:
        match = _INTERNAL.match(link["url"])
        if match:
            target = session.execute(
                select(Article.id).where(Article.slug_key == slug_key(match[1]))
            ).scalar()
            if target is not None:
                link = {**link, "target_article_id": target}
        resolved.append(link)
    return resolved


def _target_slug(parsed: ParsedArticle) -> str:
    if parsed.slug:
        return parsed.slug
    slug = slugify(parsed.title) or FALLBACK_SLUG
    return f"{slug}-article" if is_reserved(slug) else slug


def _write(session: Session, store: Store, parsed: ParsedArticle,
           roots: tuple[Path, ...]) -> ImportResult:
    slug = _target_slug(parsed)
    article = session.execute(select(Article).where(Article.slug_key == slug_key(slug))).scalar()
    created = article is None
    if article is None:
        article = Article(title=parsed.title, slug=slug, slug_key=slug_key(slug))
        _assign_slug(session, article, slug)
    else:
        article.version += 1
        article.updated_at = utcnow()
    article.title = parsed.title
    for name, value in parsed.fields.items():
        setattr(article, name, value)
    article.body = _rewrite_body(session, store, parsed, roots)
    if parsed.image is not None:
        image = _featured(session, store, parsed, parsed.image, roots)
        # The article's own words (never another article's, kept on the shared library row).
        article.image_id, article.image_alt = image.id, parsed.image.alt
        article.image_caption, article.image_credit = parsed.image.caption, parsed.image.credit
    else:
        article.image_id, article.image_alt = None, ""
        article.image_caption, article.image_credit = "", ""
    _set_links(session, article, _internal_targets(session, parsed.links))
    session.add(article)
    session.flush()
    _record_revision(session, article, "import")
    return ImportResult(parsed.path, article.slug, article.id, created, parsed.warnings)


def import_file(store: Store, path: str | Path, media: Iterable[str | Path] = ()) -> ImportResult:
    """Import one file in one transaction: on any error nothing of it is written.

    Pictures are read only from the file's own folder and the ``media`` folders.
    """
    path = Path(path)
    try:
        data = read_capped(path, MAX_MARKDOWN_BYTES)
    except UnsafeFileError as exc:
        raise ImportFailure(path, f"{exc}; a markdown file is imported only when it is a regular "
                                  f"file of at most {MAX_MARKDOWN_BYTES // (1024 * 1024)} MB.") from exc
    parsed = parse_markdown(path, data)
    roots = tuple(Path(folder) for folder in media)
    with store.write() as session:
        return _write(session, store, parsed, roots)


def import_paths(
    store: Store, paths: Iterable[str | Path], media: Iterable[str | Path] = ()
) -> tuple[list[ImportResult], list[ImportFailure]]:
    """Import every file; failures are collected so the other files still import."""
    done: list[ImportResult] = []
    failed: list[ImportFailure] = []
    folders = list(media)
    for path in markdown_files(paths):
        try:
            done.append(import_file(store, path, folders))
        except ImportFailure as exc:
            failed.append(exc)
        except (RecursionError, MemoryError, ValueError, TypeError, KeyError) as exc:
            # A file no check foresaw: it is reported like any other bad file, the rest import.
            failed.append(ImportFailure(path, f"cannot be imported ({type(exc).__name__}: {exc})."))
    return done, failed
