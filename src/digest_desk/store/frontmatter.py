"""Reading a markdown file with YAML front matter into checked article fields (no writing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from digest_desk.domain import LinkKind, Status
from digest_desk.domain.slugs import SlugError, clean_line, clean_text, validate_slug
from digest_desk.store.errors import StoreError

FIELDS = (
    "title", "slug", "date", "updated", "author", "category", "tags", "summary", "status",
    "image", "links",
)
ONE_LINE = ("title", "author", "category", "slug", "status")
IMAGE_FIELDS = ("src", "alt", "width", "height", "caption", "credit")
LINK_FIELDS = ("title", "url", "kind")
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
# ![alt](path "title") with a local path (no scheme, not already media/, not absolute).
_SPACED_OFFSET = re.compile(r"\s+([+-]\d{2}:?\d{2}|Z)$")
BODY_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?P<rest>[^)]*)\)")


class ImportFailure(StoreError):
    """A file that cannot be imported; ``str()`` names the file and the place."""

    def __init__(self, path: Path | str, message: str, line: int | None = None,
                 column: int | None = None, offset: int | None = None) -> None:
        self.path, self.message = Path(path), message
        self.line, self.column, self.offset = line, column, offset
        where = str(path)
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        elif offset is not None:
            where += f": byte {offset}"
        super().__init__(f"{where}: {message}")


@dataclass
class ImageRef:
    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    width: int | None = None
    height: int | None = None
    line: int = 1


@dataclass
class ParsedArticle:
    """Fields read from one file, checked but not yet stored."""

    path: Path
    title: str
    slug: str | None
    body: str
    body_line: int  # file line of the body's first line
    fields: dict[str, Any] = field(default_factory=dict)
    image: ImageRef | None = None
    links: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = "digest"  # digest (our own), hugo, jekyll, pelican or wordpress
    label: str = ""  # how messages name it when not by its file (a WordPress post)
    pictures: list[ImageRef] = field(default_factory=list)  # body pictures named by URL (WordPress)

    @property
    def foreign(self) -> bool:
        """Written by another system: a picture it names but we cannot find is left out, not fatal."""
        return self.source != "digest"

    @property
    def name(self) -> str:
        return self.label or str(self.path)


def decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFailure(
            path, f"not valid UTF-8 at byte {exc.start} (line {line}); save the file as UTF-8.",
            offset=exc.start,
        ) from exc
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split(path: Path, text: str) -> tuple[str, str, int]:
    """Front matter text, body text and the file line where the body starts."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ImportFailure(path, "no front matter: the file must start with a “---” line and a title.",
                            line=1, column=1)
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i]):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]).lstrip("\n"), i + 2
    raise ImportFailure(path, "the front matter is not closed by a “---” line.", line=1, column=1)


MAX_DEPTH = 40  # nesting of lists and mappings in front matter
MAX_NODES = 20_000  # values in one front matter (a real one has a few dozen)
MAX_FRONT_MATTER = 1024 * 1024  # characters; a real front matter is a few kilobytes
# Quoted strings and comments, where brackets are text; and the brackets that nest.
_FLOW = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'|(?<!\S)#[^\n]*|[\[\]{}]')


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, deep nesting and huge documents before building them."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted; write the value out in full", mark)
        self._nodes += 1
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH or self._nodes > MAX_NODES:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels or more than "
                    f"{MAX_NODES:,} values", mark)
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """A YAML date when it is one; otherwise its text (checked, with its line, by the reader)."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    """0-based front matter line of each top-level key (for messages)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line for k, _v in node.value if isinstance(k, yaml.ScalarNode)}


def _compose(front: str) -> tuple[Any, yaml.Node | None]:
    loader = _FrontMatterLoader(front)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _flow_depth(front: str) -> int:
    """How deep ``[`` and ``{`` nest outside quotes and comments (PyYAML's scanner slows down
    with every open level, so a deep file is refused before it is scanned)."""
    depth = deepest = 0
    for match in _FLOW.finditer(front):
        char = match.group()
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def load_yaml(path: Path, front: str) -> tuple[dict[str, Any], dict[str, int]]:
    if len(front) > MAX_FRONT_MATTER:
        raise ImportFailure(path, f"the front matter is longer than {MAX_FRONT_MATTER // 1024} KB; "
                                  "is its closing “---” line missing?", line=1, column=1)
    if _flow_depth(front) > MAX_DEPTH:
        raise ImportFailure(path, f"broken YAML front matter: nested deeper than {MAX_DEPTH} levels.",
                            line=2, column=1)
    try:
        data, node = _compose(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is not None:
            raise ImportFailure(path, f"broken YAML front matter: {problem}",
                                line=mark.line + 2, column=mark.column + 1) from exc
        raise ImportFailure(path, f"broken YAML front matter: {problem}") from exc
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise ImportFailure(path, f"the front matter has a value that cannot be read ({exc}).",
                            line=2, column=1) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ImportFailure(path, "the front matter must be “key: value” lines.", line=2, column=1)
    data = {str(key): value for key, value in data.items()}
    return data, {key: line + 2 for key, line in _key_lines(node).items()}


def parse_when(value: Any) -> datetime:
    """A date or time from YAML (already parsed or text) as an aware datetime (naive = UTC)."""
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime.combine(value, time(0, 0))
    elif isinstance(value, str) and value.strip():
        text = _SPACED_OFFSET.sub(r"\1", value.strip())  # Jekyll: 2022-01-15 08:00:00 +0100
        when = datetime.fromisoformat(text.replace(" ", "T", 1))
    else:
        raise ValueError(value)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class _Reader:
    """Checks one front matter mapping, raising ImportFailure at the offending key."""

    def __init__(self, path: Path, data: dict[str, Any], lines: dict[str, int]) -> None:
        self.path, self.data, self.lines = path, data, lines

    def fail(self, key: str, message: str) -> ImportFailure:
        return ImportFailure(self.path, message, line=self.lines.get(key, 2), column=1)

    def text(self, key: str, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(key, f"“{key}” is missing; every article needs one.")
            return ""
        if isinstance(value, dict | list):
            raise self.fail(key, f"“{key}” must be text.")
        result = clean_line(str(value)) if key in ONE_LINE else clean_text(str(value)).strip()
        if required and not result:
            raise self.fail(key, f"“{key}” is empty; every article needs one.")
        return result

    def when(self, key: str) -> datetime | None:
        if self.data.get(key) in (None, ""):
            return None
        try:
            return parse_when(self.data[key])
        except (ValueError, TypeError) as exc:
            raise self.fail(key, f"“{key}: {self.data[key]}” is not a date; write 2026-03-01 or "
                                 "2026-03-01T09:30:00+02:00.") from exc

    def tags(self) -> list[str]:
        value = self.data.get("tags")
        if value is None:
            return []
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or any(isinstance(v, dict | list) for v in value):
            raise self.fail("tags", "“tags” must be a list of words or comma-separated text.")
        return [t for t in (clean_text(str(v)).strip() for v in value) if t]

    def status(self) -> Status:
        value = self.text("status") or Status.DRAFT.value
        try:
            return Status(value.lower())
        except ValueError as exc:
            raise self.fail("status", f"“status: {value}” is unknown; use draft, ready, scheduled or published."
                            ) from exc

    def slug(self) -> str | None:
        value = self.text("slug")
        if not value:
            return None
        try:
            return validate_slug(value)
        except SlugError as exc:
            raise self.fail("slug", str(exc)) from exc

    def image(self) -> ImageRef | None:
        value = self.data.get("image")
        if value in (None, ""):
            return None
        if isinstance(value, str):
            value = {"src": value}
        if not isinstance(value, dict) or not value.get("src"):
            raise self.fail("image", "“image” needs at least “src” (a file beside the markdown).")
        ref = ImageRef(src=str(value["src"]), line=self.lines.get("image", 2))
        for key in ("alt", "caption", "credit"):
            setattr(ref, key, clean_text(str(value.get(key) or "")).strip())
        for key in ("width", "height"):
            if value.get(key) is not None:
                if not isinstance(value[key], int) or value[key] <= 0:
                    raise self.fail("image", f"image {key} must be a positive number of pixels.")
                setattr(ref, key, value[key])
        return ref

    def links(self) -> list[dict[str, Any]]:
        value = self.data.get("links") or []
        if not isinstance(value, list):
            raise self.fail("links", "“links” must be a list of entries with title, url and kind.")
        links = []
        for n, item in enumerate(value, 1):
            if not isinstance(item, dict) or not str(item.get("url") or "").strip():
                raise self.fail("links", f"link {n} needs a “url”.")
            kind = str(item.get("kind") or LinkKind.READ_MORE.value)
            if kind not in {k.value for k in LinkKind}:
                raise self.fail("links", f"link {n}: kind “{kind}” is unknown; use read-more, "
                                         "related or source.")
            title = clean_line(str(item.get("title") or "")) or str(item["url"]).strip()
            links.append({"title": title, "url": str(item["url"]).strip(), "kind": kind})
        return links


def parse_markdown(path: Path, data: bytes) -> ParsedArticle:
    """Check a whole file; raises ImportFailure naming the file and the place."""
    text = decode(path, data)
    front, body, body_line = split(path, text)
    values, lines = load_yaml(path, front)
    parsed = build_article(path, values, lines, body, body_line)
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        parsed.warnings.append(f"{path}: ignored unknown front matter fields: {', '.join(unknown)}")
    return parsed


def build_article(path: Path, values: dict[str, Any], lines: dict[str, int], body: str,
                  body_line: int) -> ParsedArticle:
    """Check fields already named in our own terms (FIELDS) and build the article from them."""
    reader = _Reader(path, values, lines)
    published = reader.when("date")
    parsed = ParsedArticle(
        path=path, title=reader.text("title", required=True), slug=reader.slug(), body=body,
        body_line=body_line, image=reader.image(), links=reader.links(),
        fields={
            "summary": reader.text("summary"), "author": reader.text("author"),
            "category": reader.text("category"), "tags": reader.tags(), "status": reader.status(),
            "published_at": published,
        },
    )
    updated = reader.when("updated")
    if updated is not None:
        parsed.fields["updated_at"] = updated
    return parsed


def body_images(body: str, rooted: bool = False) -> list[tuple[int, re.Match[str]]]:
    """Local pictures referenced in the body, with their 0-based line in the body.

    ``rooted``: paths from the site root (``/images/a.png``, Hugo's static folder) count too.
    """
    found = []
    skip = ("media/", "#", "//") if rooted else ("/", "media/", "#")
    for match in BODY_IMAGE.finditer(body):
        src = match.group("src")
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) or src.startswith(skip):
            continue
        found.append((body.count("\n", 0, match.start()), match))
    return found
