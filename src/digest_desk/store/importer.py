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

MARKDOWN_SUFFIXES = (".md", ".markdown")
_INTERNAL = re.compile(r"^/([a-z0-9]+(?:-[a-z0-9]+)*)/?$")


@dataclass
class ImportResult:
    path: Path
    slug: str
    article_id: int
    created: bool
    warnings: list[str] = field(default_factory=list)


def markdown_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, and the markdown files inside named folders (sorted, recursive)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MARKDOWN_SUFFIXES
            )
        else:
            yield path


def _picture(session: Session, store: Store, parsed: ParsedArticle, src: str, line: int,
             **meta: object) -> Image:
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
        return add_image(store, parsed.path.parent / src, session=session, **meta)  # type: ignore[arg-type]
    except MediaError as exc:
        raise ImportFailure(parsed.path, str(exc), line=line) from exc


def _featured(session: Session, store: Store, parsed: ParsedArticle, ref: ImageRef) -> Image:
    return _picture(session, store, parsed, ref.src, ref.line, alt=ref.alt, caption=ref.caption,
                    credit=ref.credit, width=ref.width, height=ref.height)


def _rewrite_body(session: Session, store: Store, parsed: ParsedArticle) -> str:
    """Import local body pictures and point the markdown at ``media/NAME``."""
    body = parsed.body
    for body_line, match in reversed(body_images(body)):
        image = _picture(session, store, parsed, match.group("src"), parsed.body_line + body_line,
                         alt=match.group("alt"))
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


def _write(session: Session, store: Store, parsed: ParsedArticle) -> ImportResult:
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
    article.body = _rewrite_body(session, store, parsed)
    if parsed.image is not None:
        image = _featured(session, store, parsed, parsed.image)
        article.image_id, article.image_alt = image.id, parsed.image.alt or image.alt
    else:
        article.image_id, article.image_alt = None, ""
    _set_links(session, article, _internal_targets(session, parsed.links))
    session.add(article)
    session.flush()
    _record_revision(session, article, "import")
    return ImportResult(parsed.path, article.slug, article.id, created, parsed.warnings)


def import_file(store: Store, path: str | Path) -> ImportResult:
    """Import one file in one transaction: on any error nothing of it is written."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(path, f"cannot be read ({exc.strerror or exc}).") from exc
    parsed = parse_markdown(path, data)
    with store.write() as session:
        return _write(session, store, parsed)


def import_paths(
    store: Store, paths: Iterable[str | Path]
) -> tuple[list[ImportResult], list[ImportFailure]]:
    """Import every file; failures are collected so the other files still import."""
    done: list[ImportResult] = []
    failed: list[ImportFailure] = []
    for path in markdown_files(paths):
        try:
            done.append(import_file(store, path))
        except ImportFailure as exc:
            failed.append(exc)
    return done, failed
