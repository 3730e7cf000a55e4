"""Importing markdown files: each file in its own transaction, pictures into the media store."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from urllib.parse import unquote

from sqlalchemy import select
from sqlmodel import Session

from digest_desk.domain import MISSING_IMAGE_MAX, Article, Image, Status
from digest_desk.domain.slugs import FALLBACK_SLUG, is_reserved, slug_key, slugify
from digest_desk.domain.types import utcnow
from digest_desk.store.articles import _assign_slug, _record_revision, _set_links
from digest_desk.store.engine import Store
from digest_desk.store.errors import DuplicateSlugError
from digest_desk.store.frontmatter import (
    BODY_IMAGE,
    ImageRef,
    ImportFailure,
    ParsedArticle,
    body_images,
)
from digest_desk.store.imports.sites import read_site_file
from digest_desk.store.imports.wxr import HtmlToMarkdown, Skipped, WxrError, is_wxr, read_wxr
from digest_desk.store.media import MediaError, add_image, add_remote_image, safe_name
from digest_desk.store.readfile import UnsafeFileError, inside, open_capped, read_capped

MARKDOWN_SUFFIXES = (".md", ".markdown")
MAX_MARKDOWN_BYTES = 20 * 1024 * 1024
BATCH = 100  # articles per commit in a multi-file import
_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
_SIZED = re.compile(r"-\d+x\d+(\.\w+)$")  # WordPress's resized copies: a-300x200.jpg
_INTERNAL = re.compile(r"^/([a-z0-9]+(?:-[a-z0-9]+)*)/?$")


@dataclass
class ImportResult:
    path: Path
    slug: str
    article_id: int | None
    created: bool
    warnings: list[str] = field(default_factory=list)
    action: str = "imported"  # imported, updated, skipped
    reason: str = ""  # why it was skipped
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or str(self.path)


@dataclass
class ImportOptions:
    """How ``import`` treats what it reads (the command line's options)."""

    source: str = "auto"  # auto, digest, hugo, jekyll, pelican, wordpress
    status: Status | None = None  # overrides the status each source gives
    update: bool = True  # re-import an existing slug in place; False skips it
    dry_run: bool = False  # everything is read and checked, nothing is written
    media: tuple[Path, ...] = ()
    # HTML to markdown for WordPress bodies: the store does not import convert/, the caller
    # passes ``partial(convert.html_to_markdown, pictures=True)``.
    html: HtmlToMarkdown | None = None


EXISTS = "already in the store"


class _Rollback(Exception):
    """Leaves the transaction without writing (a dry run, an unchanged article, a skip)."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(result.slug)
        self.result = result


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
                and not p.name.startswith("_index.")  # a Hugo section page lists, it is no article
            )
        else:
            yield path


class PictureMissing(MediaError):
    """A picture the source names that is not there: the article comes in without it."""


def _picture_path(parsed: ParsedArticle, roots: tuple[Path, ...], src: str) -> Path:
    """The real path of a local picture, when it lies inside the file's folder or a media folder.

    A path from the site root (``/images/a.png``) is looked up in the media folders only.
    """
    rooted = parsed.foreign and src.startswith("/")
    for base in roots if rooted else (parsed.path.parent, *roots):
        candidate = base / (src.lstrip("/") if rooted else src)
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
    raise PictureMissing(f"the picture {src} was not found beside the file"
                         + (" or in the --media folder." if roots else "."))


def _uploads_path(url: str) -> str | None:
    """``wp-content/uploads/2020/01/a.jpg`` as ``2020/01/a.jpg`` (--media points at uploads)."""
    marker = "/wp-content/uploads/"
    if marker not in url:
        return None
    return unquote(url.split(marker, 1)[1].split("?", 1)[0].split("#", 1)[0]) or None


def _local_copy(parsed: ParsedArticle, roots: tuple[Path, ...], url: str) -> Path | None:
    """The file under a --media folder for a WordPress upload URL (or its full-size original)."""
    rel = _uploads_path(url)
    if rel is None or not roots or ".." in rel.split("/"):
        return None
    for name in (rel, _SIZED.sub(r"\1", rel)):
        try:
            return _picture_path(parsed, roots, "/" + name)
        except PictureMissing:
            continue
    return None


def _picture(session: Session, store: Store, parsed: ParsedArticle, src: str, line: int,
             roots: tuple[Path, ...] = (), **meta: object) -> Image:
    """Store a picture named in the file (relative path, URL, or media/NAME already stored)."""
    try:
        if src.startswith(("http://", "https://")):
            local = _local_copy(parsed, roots, src) if parsed.foreign else None
            if local is not None:
                meta.pop("width", None)
                meta.pop("height", None)
                return add_image(store, local, session=session, **meta)  # type: ignore[arg-type]
            if not meta.get("width") or not meta.get("height"):
                error = PictureMissing if parsed.foreign else MediaError
                raise error(f"the remote picture {src} needs width and height.")
            return add_remote_image(store, src, session=session, **meta)  # type: ignore[arg-type]
        if src.startswith("media/"):
            image = session.execute(select(Image).where(Image.name == src[6:])).scalar()
            if image is None:
                raise PictureMissing(f"no picture named “{src[6:]}” in the media store.")
            return image
        meta.pop("width", None)
        meta.pop("height", None)
        path = _picture_path(parsed, roots, src)
        return add_image(store, path, session=session, **meta)  # type: ignore[arg-type]
    except PictureMissing:
        raise
    except MediaError as exc:
        raise ImportFailure(parsed.path, str(exc) if not parsed.label else
                            f"{parsed.label}: {exc}", line=line) from exc


def _featured(session: Session, store: Store, parsed: ParsedArticle, ref: ImageRef,
              roots: tuple[Path, ...]) -> Image | None:
    try:
        return _picture(session, store, parsed, ref.src, ref.line, roots, alt=ref.alt,
                        caption=ref.caption, credit=ref.credit, width=ref.width, height=ref.height)
    except PictureMissing as exc:
        parsed.warnings.append(f"{parsed.name}: featured image left out: {exc}")
        return None


def _shown_name(src: str) -> str:
    """A missing picture's name as the source wrote it, without control characters (PostgreSQL
    refuses NUL) and capped, for the check that names it."""
    return "".join(ch for ch in src if ch.isprintable()).strip()[:MISSING_IMAGE_MAX]


def _missing_name(src: str) -> str:
    """The media name a missing picture is referred to by (adding it under that name mends it)."""
    name = PurePath(src.split("?")[0]).name or "picture.png"
    fmt = _FORMATS.get(PurePath(name).suffix.lower(), "PNG")
    return safe_name(name, fmt)


def _rewrite_body(session: Session, store: Store, parsed: ParsedArticle,
                  roots: tuple[Path, ...]) -> str:
    """Import local body pictures and point the markdown at ``media/NAME``.

    A picture that is missing keeps a ``media/NAME`` reference with no such picture in the media
    library, so ``check`` names it on every run until someone adds it (or deletes the line).
    """
    body = parsed.body
    for body_line, match in reversed(body_images(body, rooted=parsed.foreign)):
        src = match.group("src")
        try:
            name = _picture(session, store, parsed, src, parsed.body_line + body_line, roots,
                            alt=match.group("alt")).name
        except PictureMissing as exc:
            name = _missing_name(src)
            parsed.warnings.append(f"{parsed.name}:{parsed.body_line + body_line}: {exc} The body "
                                   f"points at media/{name} until it is added; check reports it.")
        new = f"![{match.group('alt')}](media/{name}{match.group('rest')})"
        body = body[: match.start()] + new + body[match.end() :]
    return body if not parsed.foreign else _remote_body(session, store, parsed, roots, body)


def _remote_body(session: Session, store: Store, parsed: ParsedArticle, roots: tuple[Path, ...],
                 body: str) -> str:
    """WordPress upload URLs become local pictures when --media has them; others stay remote."""
    for match in reversed(list(BODY_IMAGE.finditer(body))):
        src = match.group("src")
        if not src.startswith(("http://", "https://")):
            continue
        local = _local_copy(parsed, roots, src)
        if local is None:
            if _uploads_path(src) is not None:
                parsed.warnings.append(f"{parsed.name}: picture {src} stays on the old site "
                                       "(not found under --media); check reports its unknown size.")
            continue
        image = add_image(store, local, session=session, alt=match.group("alt"))
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


def _result(parsed: ParsedArticle, article: Article, action: str, reason: str = "") -> ImportResult:
    return ImportResult(parsed.path, article.slug, article.id, action == "imported",
                        parsed.warnings, action, reason, parsed.label)


def _fill(session: Session, store: Store, parsed: ParsedArticle, article: Article,
          options: ImportOptions) -> None:
    article.title = parsed.title
    for name, value in parsed.fields.items():
        setattr(article, name, value)
    if options.status is not None:
        article.status = options.status
    article.body = _rewrite_body(session, store, parsed, options.media)
    image = _featured(session, store, parsed, parsed.image, options.media) if parsed.image else None
    if image is not None:
        # The article's own words (never another article's, kept on the shared library row).
        article.image_id, article.image_alt = image.id, parsed.image.alt  # type: ignore[union-attr]
        article.image_caption = parsed.image.caption  # type: ignore[union-attr]
        article.image_credit = parsed.image.credit  # type: ignore[union-attr]
    else:
        article.image_id, article.image_alt = None, ""
        article.image_caption, article.image_credit = "", ""
    # The picture the source named but we could not find: check names it until one is chosen.
    missing = parsed.image.src if parsed.image is not None and image is None else ""
    article.missing_image = _shown_name(missing)
    _set_links(session, article, _internal_targets(session, parsed.links))


def _write(session: Session, store: Store, parsed: ParsedArticle,
           options: ImportOptions) -> ImportResult:
    slug = _target_slug(parsed)
    # FOR UPDATE: on a server, an editor's save of this article waits for the import (and then
    # sees a newer version) instead of being overwritten by it; SQLite's BEGIN IMMEDIATE already did.
    stmt = select(Article).where(Article.slug_key == slug_key(slug)).with_for_update()
    article = session.execute(stmt).scalar()
    if article is None:
        article = Article(title=parsed.title, slug=slug, slug_key=slug_key(slug))
        _assign_slug(session, article, slug)
        _fill(session, store, parsed, article, options)
        action = "imported"
    elif not options.update:
        raise _Rollback(_result(parsed, article, "skipped",
                                EXISTS))
    else:
        before = (article.snapshot(), article.missing_image)
        _fill(session, store, parsed, article, options)
        session.flush()
        # The missing picture's name is no edit (not in a revision) but a new one is news.
        if (article.snapshot(), article.missing_image) == before:
            raise _Rollback(_result(parsed, article, "skipped", "unchanged"))
        article.version += 1
        article.updated_at = parsed.fields.get("updated_at") or utcnow()
        action = "updated"
    session.add(article)
    session.flush()
    _record_revision(session, article, "import")
    result = _result(parsed, article, action)
    if options.dry_run:
        raise _Rollback(result)
    return result


def _store(store: Store, parsed: ParsedArticle, options: ImportOptions) -> ImportResult:
    """One article in one transaction: on any error nothing of it is written."""
    try:
        with store.write() as session:
            return _write(session, store, parsed, options)
    except _Rollback as done:
        return done.result
    except DuplicateSlugError as exc:
        raise ImportFailure(parsed.path, f"{parsed.label + ': ' if parsed.label else ''}{exc}"
                            ) from exc


def _read(path: Path, source: str) -> ParsedArticle:
    try:
        data = read_capped(path, MAX_MARKDOWN_BYTES)
    except UnsafeFileError as exc:
        raise ImportFailure(path, f"{exc}; a markdown file is imported only when it is a regular "
                                  f"file of at most {MAX_MARKDOWN_BYTES // (1024 * 1024)} MB.") from exc
    return read_site_file(path, data, source)


def import_file(store: Store, path: str | Path, media: Iterable[str | Path] = (),
                options: ImportOptions | None = None) -> ImportResult:
    """Import one markdown file in one transaction: on any error nothing of it is written.

    Pictures are read only from the file's own folder and the ``media`` folders.
    """
    options = options or ImportOptions()
    if media:
        options = replace(options, media=tuple(Path(m) for m in media))
    return _store(store, _read(Path(path), options.source), options)


def _wxr(store: Store, path: Path, options: ImportOptions
         ) -> Iterator[ParsedArticle | ImportResult | ImportFailure]:
    try:
        handle = open_capped(path)
    except UnsafeFileError as exc:
        yield ImportFailure(path, f"{exc}; a WordPress export is read only from a regular file.")
        return
    if options.html is None:
        yield ImportFailure(path, "a WordPress export needs the HTML converter (ImportOptions.html).")
        return
    with handle:
        try:
            for item in read_wxr(path, handle, options.html):
                if isinstance(item, Skipped):
                    yield ImportResult(path, item.slug, None, False, [], "skipped", item.reason,
                                       item.label)
                elif isinstance(item, ImportFailure):
                    yield item
                else:
                    yield item
        except WxrError as exc:
            yield exc


def is_export(path: Path, source: str) -> bool:
    if source in ("wordpress",):
        return True
    if source != "auto" or path.suffix.lower() in MARKDOWN_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            return is_wxr(path, handle.read(8192))
    except OSError:
        return False


class _Batch:
    """Articles written in one transaction of up to BATCH, each inside its own savepoint.

    A failing article rolls back only its savepoint, so it fails alone as before; committing
    every BATCH articles instead of each one saves the disk flush that dominated an import.
    """

    def __init__(self, store: Store) -> None:
        self.store, self.count = store, 0
        self._cm: AbstractContextManager[Session] | None = None
        self._session: Session | None = None

    def write(self, parsed: ParsedArticle, options: ImportOptions) -> ImportResult:
        if self._session is None:
            self._cm = self.store.write()
            self._session = self._cm.__enter__()
        try:
            with self._session.begin_nested():
                result = _write(self._session, self.store, parsed, options)
        except _Rollback as done:
            result = done.result
        except DuplicateSlugError as exc:
            raise ImportFailure(parsed.path, f"{parsed.label + ': ' if parsed.label else ''}{exc}"
                                ) from exc
        self.count += 1
        if self.count % BATCH == 0:
            self.close(None)
        return result

    def close(self, error: BaseException | None) -> None:
        """Commit (or, after ``error``, roll back) what is open."""
        if self._cm is not None:
            cm, self._cm, self._session = self._cm, None, None
            if error is None:
                cm.__exit__(None, None, None)
            else:
                cm.__exit__(type(error), error, error.__traceback__)


def _outcomes(store: Store, path: Path, options: ImportOptions
              ) -> Iterator[ParsedArticle | ImportResult | ImportFailure]:
    """What one path holds: articles to write, or skips and failures to report."""
    if is_export(path, options.source):
        yield from _wxr(store, path, options)
        return
    try:
        yield _read(path, options.source)
    except ImportFailure as exc:
        yield exc
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError) as exc:
        # A file no check foresaw: it is reported like any other bad file, the rest import.
        yield ImportFailure(path, f"cannot be imported ({type(exc).__name__}: {exc}).")


def import_iter(store: Store, paths: Iterable[str | Path], options: ImportOptions
                ) -> Iterator[ImportResult | ImportFailure]:
    """Every article found, one outcome each, as it is imported (the rest go on after a failure)."""
    batch = _Batch(store)
    try:
        for path in markdown_or_exports(paths, options.source):
            for item in _outcomes(store, path, options):
                if not isinstance(item, ParsedArticle):
                    yield item
                    continue
                try:
                    yield batch.write(item, options)
                except ImportFailure as exc:
                    yield exc
                except (RecursionError, MemoryError, ValueError, TypeError, KeyError) as exc:
                    # A file no check foresaw: reported like any other bad file, the rest import.
                    yield ImportFailure(item.path, f"{item.label + ': ' if item.label else ''}"
                                        f"cannot be imported ({type(exc).__name__}: {exc}).")
    except GeneratorExit:
        batch.close(None)  # the caller stopped early: what was imported stays
        raise
    except BaseException as exc:
        batch.close(exc)
        raise
    batch.close(None)


def markdown_or_exports(paths: Iterable[str | Path], source: str) -> Iterator[Path]:
    """Markdown files, and in folders also WordPress exports (``*.xml``) unless a source is named."""
    for raw in paths:
        path = Path(raw)
        yield from markdown_files([path])
        if path.is_dir() and source in ("auto", "wordpress"):
            yield from sorted(p for p in path.rglob("*.xml") if p.is_file() and inside(p, [path]))


def import_paths(
    store: Store, paths: Iterable[str | Path], media: Iterable[str | Path] = (),
    options: ImportOptions | None = None,
) -> tuple[list[ImportResult], list[ImportFailure]]:
    """Import every file; failures are collected so the other files still import."""
    options = options or ImportOptions()
    if media:
        options = replace(options, media=tuple(Path(m) for m in media))
    done: list[ImportResult] = []
    failed: list[ImportFailure] = []
    for outcome in import_iter(store, paths, options):
        (failed if isinstance(outcome, ImportFailure) else done).append(outcome)  # type: ignore[arg-type]
    return done, failed
