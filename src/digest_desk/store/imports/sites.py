"""Markdown from static site generators (Hugo, Jekyll, Pelican) mapped onto our own fields."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from digest_desk.domain import Status
from digest_desk.domain.slugs import SlugError, slugify, validate_slug
from digest_desk.store.frontmatter import (
    MAX_DEPTH,
    MAX_FRONT_MATTER,
    ImportFailure,
    ParsedArticle,
    _flow_depth,
    build_article,
    decode,
    load_yaml,
    parse_markdown,
    parse_when,
    split,
)

_TOML_FENCE = re.compile(r"^\+\+\+[ \t]*$")
_JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_PELICAN_KEY = re.compile(r"^([A-Za-z][A-Za-z_ -]*):[ \t]*(.*)$")
_HUGO_KEYS = {"draft", "publishDate", "publishdate", "lastmod", "expiryDate", "expirydate",
              "categories", "images", "description", "url", "aliases", "weight"}
_HUGO_CANON = {"publishdate": "publishDate", "expirydate": "expiryDate", "lastmod": "lastmod"}


def detect(path: Path, text: str) -> str:
    """Which system wrote a markdown file: digest, hugo, jekyll or pelican (by its content)."""
    first = text.split("\n", 1)[0].strip()
    if first == "+++":
        return "hugo"
    if first != "---":
        return "pelican" if _PELICAN_KEY.match(first) else "digest"
    keys = set(re.findall(r"^([A-Za-z_][\w-]*)[ \t]*:", text[: MAX_FRONT_MATTER].split("\n---", 1)[0],
                          re.M))
    if "_posts" in path.parts or "_drafts" in path.parts or keys & {"published", "excerpt", "layout"}:
        return "jekyll"
    if keys & _HUGO_KEYS or path.name == "index.md":
        return "hugo"
    return "digest"


def _lines_of(lines: dict[str, int], mapping: dict[str, str]) -> dict[str, int]:
    """Our field names at the lines of the source's fields (so messages point at the file)."""
    return {ours: lines.get(theirs, 2) for ours, theirs in mapping.items()}


def _words(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [w.strip() for w in value.split(",") if w.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if not isinstance(v, dict | list) and str(v).strip()]
    return [str(value)]


def _categories(values: dict[str, Any], mapped: dict[str, Any], split_spaces: bool = False) -> None:
    """First category is the article's; the others join the tags (we keep one category)."""
    cats = values.get("categories")
    if split_spaces and isinstance(cats, str):
        cats = cats.split()
    cats = _words(cats) or _words(values.get("category"))
    tags = _words(values.get("tags"))
    if cats:
        mapped["category"] = cats[0]
        mapped["tags"] = tags + [c for c in cats[1:] if c not in tags]
    elif tags:
        mapped["tags"] = tags


def _slug_from(text: str) -> str | None:
    """A slug from a name or a URL path (its last part); None when nothing usable is left."""
    part = [p for p in str(text).strip().split("/") if p]
    if not part:
        return None
    try:
        return validate_slug(part[-1])
    except SlugError:
        return slugify(part[-1]) or None


def _status(published: bool, when: datetime | None) -> str:
    """Published with a date still to come is Scheduled (the one publication rule)."""
    if not published:
        return "draft"
    if when is not None and when > datetime.now(when.tzinfo):
        return "scheduled"
    return "published"


def _when(path: Path, values: dict[str, Any], lines: dict[str, int], key: str) -> datetime | None:
    value = values.get(key)
    if value in (None, ""):
        return None
    try:
        return parse_when(value)
    except (ValueError, TypeError) as exc:
        raise ImportFailure(path, f"“{key}: {value}” is not a date.", line=lines.get(key, 2),
                            column=1) from exc


def _image(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and "path" in value and "src" not in value:  # Jekyll SEO style
        value = {"src": value["path"], "alt": value.get("alt", "")}
    return value


def _finish(path: Path, source: str, values: dict, lines: dict, mapping: dict[str, str],
            mapped: dict[str, Any], body: str, body_line: int, used: set[str]) -> ParsedArticle:
    parsed = build_article(path, mapped, _lines_of(lines, mapping), body, body_line)
    parsed.source = source
    unknown = sorted(set(values) - used)
    if unknown:
        parsed.warnings.append(f"{path}: ignored {source} fields: {', '.join(unknown)}")
    return parsed


def _toml(path: Path, front: str) -> dict[str, Any]:
    if len(front) > MAX_FRONT_MATTER or _flow_depth(front) > MAX_DEPTH:
        raise ImportFailure(path, "the TOML front matter is too long or nested too deep.", line=2)
    try:
        return tomllib.loads(front)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise ImportFailure(path, f"broken TOML front matter: {exc}", line=2, column=1) from exc


def _split_toml(path: Path, text: str) -> tuple[str, str, int]:
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if _TOML_FENCE.match(lines[i]):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]).lstrip("\n"), i + 2
    raise ImportFailure(path, "the TOML front matter is not closed by a “+++” line.", line=1)


def read_hugo(path: Path, text: str) -> ParsedArticle:
    if text.startswith("+++"):
        front, body, body_line = _split_toml(path, text)
        values, lines = _toml(path, front), {}
    else:
        front, body, body_line = split(path, text)
        values, lines = load_yaml(path, front)
    values = {_HUGO_CANON.get(k.lower(), k): v for k, v in values.items()}
    lines = {_HUGO_CANON.get(k.lower(), k): n for k, n in lines.items()}
    published_at = _when(path, values, lines, "publishDate") or _when(path, values, lines, "date")
    expiry = _when(path, values, lines, "expiryDate")
    draft = values.get("draft") in (True, "true", "yes")
    status = _status(not draft, published_at)
    mapping = {"title": "title", "slug": "slug", "date": "publishDate" if "publishDate" in values
               else "date", "updated": "lastmod", "author": "author", "summary": "description",
               "image": "images", "category": "categories", "tags": "tags"}
    slug = values.get("slug") or (values.get("url") and _slug_from(str(values["url"])))
    if not slug and path.name in ("index.md", "index.markdown"):
        slug = _slug_from(path.parent.name)  # a page bundle: the folder names the page
    author = values.get("author") or (_words(values.get("authors")) or [""])[0]
    mapped: dict[str, Any] = {
        "title": values.get("title"), "slug": slug, "date": published_at,
        "updated": values.get("lastmod"), "author": author,
        "summary": values.get("description") or values.get("summary"),
        "image": _image(values.get("images") or values.get("image")), "status": status,
    }
    _categories(values, mapped)
    used = {"title", "slug", "url", "date", "publishDate", "lastmod", "expiryDate", "draft",
            "author", "authors", "description", "summary", "images", "image", "categories",
            "category", "tags"}
    parsed = _finish(path, "hugo", values, lines, mapping, mapped, body, body_line, used)
    if expiry is not None and expiry <= datetime.now(expiry.tzinfo):
        parsed.fields["status"] = Status.DRAFT
        parsed.warnings.append(f"{path}: expired on {expiry.date().isoformat()} (expiryDate): "
                               "imported as a draft.")
    return parsed


def read_jekyll(path: Path, text: str) -> ParsedArticle:
    front, body, body_line = split(path, text)
    values, lines = load_yaml(path, front)
    name = _JEKYLL_NAME.match(path.stem)
    when = _when(path, values, lines, "date")
    if when is None and name:
        try:
            when = parse_when(date(int(name[1]), int(name[2]), int(name[3])))
        except ValueError as exc:
            raise ImportFailure(path, f"the file name's date {name[1]}-{name[2]}-{name[3]} is not "
                                      "a date.") from exc
    slug = values.get("slug") or (_slug_from(name[4]) if name else None)
    if not slug and values.get("permalink"):
        slug = _slug_from(str(values["permalink"]))
    published = values.get("published") not in (False, "false", "no") and "_drafts" not in path.parts
    mapping = {"title": "title", "slug": "slug", "date": "date", "updated": "last_modified_at",
               "author": "author", "summary": "excerpt", "image": "image", "category": "categories",
               "tags": "tags"}
    mapped: dict[str, Any] = {
        "title": values.get("title") or (name[4].replace("-", " ").capitalize() if name else None),
        "slug": slug, "date": when, "updated": values.get("last_modified_at"),
        "author": values.get("author"), "summary": values.get("excerpt") or values.get("description"),
        "image": _image(values.get("image")), "status": _status(published, when),
    }
    _categories(values, mapped, split_spaces=True)
    used = {"title", "slug", "date", "last_modified_at", "author", "excerpt", "description",
            "image", "categories", "category", "tags", "published", "layout", "permalink"}
    return _finish(path, "jekyll", values, lines, mapping, mapped, body, body_line, used)


def read_pelican(path: Path, text: str) -> ParsedArticle:
    lines = text.split("\n")
    values: dict[str, Any] = {}
    where: dict[str, int] = {}
    n = 0
    for n, line in enumerate(lines):
        match = _PELICAN_KEY.match(line)
        if not match:
            break
        key = match[1].strip().lower()
        values[key], where[key] = match[2].strip(), n + 1
    body = "\n".join(lines[n:]).lstrip("\n")
    status = values.get("status", "published").lower()
    when = _when(path, values, where, "date")
    if status not in ("draft", "published", "hidden"):
        raise ImportFailure(path, f"“Status: {status}” is unknown; Pelican writes draft, "
                                  "published or hidden.", line=where.get("status"), column=1)
    mapped: dict[str, Any] = {
        "title": values.get("title"), "slug": values.get("slug"), "date": when,
        "updated": values.get("modified"),
        "author": (_words(values.get("authors")) or _words(values.get("author")) or [""])[0],
        "summary": values.get("summary"), "category": values.get("category"),
        "tags": _words(values.get("tags")), "status": _status(status == "published", when),
    }
    mapping = {"title": "title", "slug": "slug", "date": "date", "updated": "modified",
               "author": "author", "summary": "summary", "category": "category", "tags": "tags",
               "status": "status"}
    used = {"title", "slug", "date", "modified", "author", "authors", "summary", "category",
            "tags", "status"}
    parsed = _finish(path, "pelican", values, where, mapping, mapped, _pelican_links(body),
                     len(lines) - len(body.split("\n")) + 1, used)
    if status == "hidden":
        parsed.warnings.append(f"{path}: “Status: hidden” (reachable but unlisted) has no "
                               "equivalent here: imported as a draft.")
    return parsed


def _pelican_links(body: str) -> str:
    """``{static}`` and ``{attach}`` picture paths are relative to the content folder."""
    return re.sub(r"\((?:\{static\}|\{attach\}|\{filename\})/?", "(/", body)


def read_site_file(path: Path, data: bytes, source: str = "auto") -> ParsedArticle:
    """One markdown file read as ``source`` (or recognised from its content when auto)."""
    text = decode(path, data)
    kind = detect(path, text) if source == "auto" else source
    if kind == "hugo":
        return read_hugo(path, text)
    if kind == "jekyll":
        return read_jekyll(path, text)
    if kind == "pelican":
        return read_pelican(path, text)
    return parse_markdown(path, data)

