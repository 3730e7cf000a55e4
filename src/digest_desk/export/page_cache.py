"""Finished pages by everything they are made from: an export after an earlier one copies bytes.

An article's two pages (standard and AMP) follow from: every stored column of the article, of
its lead picture and of its links (with their targets' slugs, titles and whether those are on
the site); the site profile, the stored pictures and the sections the renderer was given; and
the code that renders (every source file of the package, the templates and stylesheets, the
versions of Python and of the rendering libraries). The key of an entry hashes all of these, so
an entry is only ever found for the same inputs; anything else is a miss and renders as usual.

Entries live beside the fragment cache (``<fragment folder>-pages``: its own size cap, so pages
never push the parsed bodies out; off when that cache is off, or with DIGEST_DESK_PAGE_CACHE=off),
in one SQLite file per code key that replaces the others. Each holds both pages, LZ4-compressed (a
fifth of zlib's time both ways for a quarter more bytes: the first export, which writes the
entries, must not pay much for them), with their sha256 (the manifest's): a hit costs a read
and an unpack instead of a database load, two template renders and two hashes.

The site units (listing pages, feed, sitemaps, About and Contact) are kept the same way, under
their plan key (which holds every row they show and the site, see sitedata) with the code key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import sys
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import lz4.block

from digest_desk import __version__
from digest_desk.domain import Image, Site
from digest_desk.paths import resources_dir
from digest_desk.render import fragments
from digest_desk.render.fragments import FragmentCache
from digest_desk.store.blob_cache import BlobCache

FORMAT = b"DDP2"  # an article's two pages
FILES_FORMAT = b"DDF2"  # the files of a site unit
MAX_ENTRY = 256 * 1024 * 1024  # bytes an entry may unpack to (a damaged size never allocates more)
PAGE_CACHE_ENV = "DIGEST_DESK_PAGE_CACHE"  # "off", or a folder instead of the one beside the fragments
DEFAULT_CAP = 1024 * 1024 * 1024  # bytes on disk: about 140,000 articles at 7.5 KB an entry (pages of an
# archive larger than the cap would push each other out before an export comes back to them)
_LIBRARIES = ("markdown", "nh3", "jinja2", "markupsafe", "sqlalchemy", "sqlmodel", "psycopg", "tzdata", "lz4")


@cache
def code_key() -> str:
    """What decides a page besides the stored data: our code, templates, CSS, the libraries and
    the time zone rules."""
    h = hashlib.blake2b(FORMAT + sys.version.encode() + __version__.encode(), digest_size=20)
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?;".encode())
    for folder in zoneinfo.TZPATH:  # the time zone rules dates are shown by (tzdata's version line)
        with contextlib.suppress(OSError), open(os.path.join(folder, "tzdata.zi"), "rb") as zones:
            h.update(zones.readline())
    package = Path(__file__).resolve().parent.parent
    resources = resources_dir()
    for root in (package, resources / "templates", resources / "css"):
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            if path.is_file() and path.suffix not in (".pyc", ".pyo"):
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def _values(obj: Any) -> tuple:
    """A model's field values in field order (the same object always gives the same tuple)."""
    return tuple(getattr(obj, name) for name in type(obj).model_fields)


def _digest(*parts: Any) -> bytes:
    try:
        data = marshal.dumps(parts, 2)  # the driver's plain values: str, int, float, bytes, None
    except ValueError:  # other values (datetimes from PostgreSQL, enums): their repr is exact
        data = repr(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=20).digest()


def base_key(site: Site, media: Mapping[str, Image], categories: Iterable[str], *roots: str) -> bytes:
    """The inputs every page of a renderer shares, from the very objects it renders with."""
    pictures = tuple((name, repr(_values(img))) for name, img in sorted(media.items()))
    return _digest(code_key(), repr(_values(site)), pictures, tuple(categories), roots)


def page_key(base: bytes, row: tuple, links: list[tuple], targets: Mapping[int, str]) -> str:
    """The key of one article's pages: the shared inputs, its rows, and the slugs its renderer
    knows for its link targets (``targets``: the render context's published slugs)."""
    ids = sorted({r[1] for r in links if r[1] is not None})  # link rows: article id, target id, ...
    shown = tuple((tid, targets.get(tid)) for tid in ids)
    return _digest(base, row, tuple(links), shown).hex()


class Pages(NamedTuple):
    standard: bytes
    amp: bytes
    standard_sha: str
    amp_sha: str


def _pack(data: bytes) -> bytes:
    return lz4.block.compress(data, mode="fast", store_size=False)


def _unpack(packed: bytes, size: int) -> bytes:
    """``packed`` inflated to exactly ``size`` bytes; ValueError when it is not that."""
    if not 0 <= size <= MAX_ENTRY:
        raise ValueError("entry size out of range")
    try:
        data = lz4.block.decompress(packed, uncompressed_size=size)
    except lz4.block.LZ4BlockError as exc:
        raise ValueError(str(exc)) from None
    if len(data) != size:
        raise ValueError("short entry")
    return data


def encode(pages: Pages) -> bytes:
    both = pages.standard + pages.amp
    head = f"{len(pages.standard)} {len(both)} {pages.standard_sha} {pages.amp_sha}\n".encode()
    return FORMAT + head + _pack(both)


def decode(data: bytes) -> Pages | None:
    """The pages of an entry; None for anything that is not a whole entry of this format."""
    if not data.startswith(FORMAT):
        return None
    head, _, packed = data[len(FORMAT):].partition(b"\n")
    try:
        cut, size, std_sha, amp_sha = head.decode("ascii").split(" ")
        both = _unpack(packed, int(size))
        cut_at = int(cut)
    except (ValueError, UnicodeDecodeError):
        return None
    if not (0 <= cut_at <= len(both)) or len(std_sha) != 64 or len(amp_sha) != 64:
        return None
    return Pages(both[:cut_at], both[cut_at:], std_sha, amp_sha)


def encode_files(files: Mapping[str, bytes]) -> bytes:
    """Several files of one unit (a listing page, the feed, a sitemap) as one entry."""
    head = json.dumps([[rel, len(data)] for rel, data in files.items()]).encode()
    return FILES_FORMAT + head + b"\n" + _pack(b"".join(files.values()))


def decode_files(data: bytes) -> dict[str, bytes] | None:
    if not data.startswith(FILES_FORMAT):
        return None
    head, _, packed = data[len(FILES_FORMAT):].partition(b"\n")
    try:
        sizes = json.loads(head)
        if not all(isinstance(rel, str) and isinstance(size, int) and size >= 0 for rel, size in sizes):
            return None
        body = _unpack(packed, sum(size for _, size in sizes))
    except (ValueError, TypeError):
        return None
    files, at = {}, 0
    for rel, size in sizes:
        files[rel], at = body[at : at + size], at + size
    return files


def unit_key(uid: str, key: str) -> str:
    """A site unit's entry: its plan key holds every row it shows and the site (see sitedata),
    the code key the rest of the code."""
    return _digest(code_key(), "unit", uid, key).hex()


class PageCache(BlobCache):
    """The entries by ``page_key``: both pages of an article, or the files of a site unit."""

    def __init__(self, root: Path, engine: str, cap: int = DEFAULT_CAP) -> None:
        super().__init__(root, engine, cap)

    def find(self, key: str) -> Pages | None:
        data = self.get(key)
        return decode(data) if data is not None else None

    def keep(self, entries: list[tuple[str, Pages]]) -> None:
        self.write_many([(key, encode(pages)) for key, pages in entries])

    def find_files(self, key: str) -> dict[str, bytes] | None:
        data = self.get(key)
        return decode_files(data) if data is not None else None

    def keep_files(self, key: str, files: Mapping[str, bytes]) -> None:
        self.write(key, encode_files(files))


def cached_unit(uid: str, key: str, build: Callable[[], dict[str, bytes]]) -> Callable[[], dict[str, bytes]]:
    """``build`` of a site unit, through the page cache when it is on."""

    def cached() -> dict[str, bytes]:
        cache = shared()
        if cache is None:
            return build()
        entry = unit_key(uid, key)
        files = cache.find_files(entry)
        if files is None:
            files = build()
            cache.keep_files(entry, files)
        return files

    return cached


_SHARED: dict[tuple[str | None, str | None], PageCache | None] = {}


def shared() -> PageCache | None:
    """This process's page cache: None when it or the fragment cache is off."""
    store = fragments.shared()
    setting = os.environ.get(PAGE_CACHE_ENV)
    root = None if store is None else str(store.root)
    if (root, setting) not in _SHARED:
        _SHARED.clear()
        _SHARED[root, setting] = _make(store, setting)
    cache = _SHARED[root, setting]
    if cache is not None:
        cache.revalidate()
    return cache


def _make(store: FragmentCache | None, setting: str | None) -> PageCache | None:
    if store is None or (setting or "").strip().lower() in ("off", "0", "no", "false"):
        return None
    folder = Path(setting) if setting else store.root.with_name(store.root.name + "-pages")
    return PageCache(folder, code_key(), DEFAULT_CAP)
