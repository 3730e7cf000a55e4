"""Markdown to sanitised HTML, once per body: embeds become placeholders, blocks keep their lines."""

from __future__ import annotations

import json
import re
import secrets
import threading
import xml.etree.ElementTree as etree
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import NamedTuple

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
)
from markdown.preprocessors import NormalizeWhitespace
from markdown.treeprocessors import InlineProcessor, Treeprocessor, UnescapeTreeprocessor
from markdown.util import AtomicString

from digest_desk.render import fragments
from digest_desk.render.chunks import UNPARK, Chunk, has_fence, split_chunks
from digest_desk.render.context import BODY_CONTAINER_ID
from digest_desk.render.embeds import Embed, ImageEmbed, TweetEmbed, YouTubeEmbed, line_embed
from digest_desk.render.fastpath import fast_block, heading_base
from digest_desk.render.nesting import repair
from digest_desk.render.sanitize import clean, id_ok, safe_href
from digest_desk.render.structure import heading_outline, tidy_structure
from digest_desk.render.typography import SmartTypography

MAX_MARKDOWN_CHARS = 500_000  # beyond this the body is shown as plain paragraphs (bounded time)
_STANDALONE_IMAGE = re.compile(r'^!\[([^\]\n]*)\]\(\s*<?([^\s<>()]+)>?(?:\s+"([^"\n]*)")?\s*\)$')
_RAW_TAG = re.compile(r"<[A-Za-z/!?]")
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_EMBED_STARTS = ("![", "http", "<http")  # how a stripped line an embed can come from starts


_LOCK = threading.Lock()  # guards the first nonce and the parse cache
_NONCE: list[str] = []
_LOCAL = threading.local()  # one Markdown instance per thread: renders may run in parallel


def nonce() -> str:
    """Random per-process letters that user text cannot guess, used in placeholders."""
    if not _NONCE:
        with _LOCK:
            if not _NONCE:
                _NONCE.append("dd" + secrets.token_hex(6))
    return _NONCE[0]


def strip_tokens(text: str) -> str:
    """Text meant for an attribute (alt, title, id) without any of our placeholders."""
    if "dd" not in text:
        return text
    return re.sub(rf"{re.escape(nonce())}[bmi]\d+z", "", text)


def marker(i: int) -> str:
    return f"{nonce()}m{i}z"


def block_token(i: int) -> str:
    return f"{nonce()}b{i}z"


def inline_token(i: int) -> str:
    return f"{nonce()}i{i}z"


class ParsedChunk(NamedTuple):  # a tuple: made for every block, faster than a frozen dataclass
    line: int
    html: str  # sanitised, with embed placeholders
    embeds: tuple[int, ...]  # indexes into ParsedBody.embeds


@dataclass(frozen=True, slots=True)
class ParsedBody:
    chunks: tuple[ParsedChunk, ...]
    embeds: tuple[Embed, ...]
    plain: bool = False  # True when the body was too long for markdown


def _unescape_md(text: str) -> str:
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!>\"'|])", r"\1", text)


class _ImageTokens:
    """Mixin: record an image as an embed and leave an inline placeholder."""

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown API
        el, start, end = super().handleMatch(m, data)
        if el is None or isinstance(el, str):
            return el, start, end
        embed = ImageEmbed(
            src=el.get("src", ""), alt=strip_tokens(_unescape_md(el.get("alt", ""))),
            title=strip_tokens(el.get("title", "")), block=False,
        )
        return AtomicString(inline_token(_add_embed(self.md, embed))), start, end


class _InlineImage(_ImageTokens, ImageInlineProcessor):
    pass


class _RefImage(_ImageTokens, ImageReferenceInlineProcessor):
    pass


class _ShortRefImage(_ImageTokens, ShortImageReferenceInlineProcessor):
    pass


def _add_embed(md: markdown.Markdown, embed: Embed) -> int:
    md.dd_embeds.append(embed)
    return len(md.dd_embeds) - 1


def _block_embed(line: str) -> Embed | None:
    stripped = line.strip()
    m = _STANDALONE_IMAGE.match(stripped)
    if m:
        return ImageEmbed(src=m.group(2), alt=_unescape_md(m.group(1)), title=m.group(3) or "", block=True)
    return line_embed(stripped)


class EmbedLines(BlockProcessor):
    """A line holding only an image, a YouTube URL or a tweet URL becomes a block embed."""

    def test(self, parent, block):
        # Only a line starting with one of these can be an embed (both patterns are anchored).
        return ("http" in block or "![" in block) and any(
            ln.strip().startswith(_EMBED_STARTS) and _block_embed(ln) for ln in block.split("\n"))

    def run(self, parent, blocks):
        lines = blocks.pop(0).split("\n")
        for i, line in enumerate(lines):
            embed = _block_embed(line)
            if embed is None:
                continue
            before, after = "\n".join(lines[:i]), "\n".join(lines[i + 1:])
            if before.strip():
                self.parser.parseBlocks(parent, [before])
            p = etree.SubElement(parent, "p")
            p.text = AtomicString(block_token(_add_embed(self.parser.md, embed)))
            if after.strip():
                blocks.insert(0, after)
            return


class ChunkMarkers(BlockProcessor):
    """Our block markers become a paragraph the inline phase skips (AtomicString)."""

    def __init__(self, parser) -> None:
        super().__init__(parser)
        self.nonce = nonce()

    def test(self, parent, block):
        return block.startswith(self.nonce) and block.endswith("z") and "\n" not in block

    def run(self, parent, blocks):
        etree.SubElement(parent, "p").text = AtomicString(blocks.pop(0))


def heading_mark() -> str:
    """Heading ids are first written as this mark + their base; ``_HeadingNumbers`` then makes
    them unique in document order, over blocks from markdown and from the fast path alike."""
    return f"{nonce()}H"


class HeadingIds(Treeprocessor):
    """Give every heading a readable id (``h-…``) for anchors (numbered later, see above)."""

    def run(self, root):
        mark = heading_mark()
        for el in root.iter():
            if el.tag in _HEADING_TAGS and "id" not in el.attrib:
                text = strip_tokens(re.sub(r"\x02[^\x03]*\x03", "", "".join(el.itertext())))
                el.set("id", mark + heading_base(text))


@cache
def _marked_id() -> re.Pattern[str]:
    return re.compile(rf'id="{re.escape(heading_mark())}([^"]*)"')


class _HeadingNumbers:
    """Turns marked heading ids into unique ones: the first ``h-x``, then ``h-x-2``…"""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.pattern = _marked_id()

    def fill(self, html: str) -> str:
        return self.pattern.sub(self._unique, html) if "id=" in html else html

    def _unique(self, m: re.Match[str]) -> str:
        base = m.group(1)
        ident, n = base.rstrip("-") or "h", 1
        while ident in self.seen:
            n += 1
            ident = f"{base}-{n}"
        self.seen.add(ident)
        return f'id="{ident}"'


class TableAlign(Treeprocessor):
    """Column alignment as classes (``align`` is obsolete HTML, ``style`` is not allowed)."""

    def run(self, root):
        for el in root.iter():
            align = el.attrib.pop("align", None) if el.tag in ("th", "td") else None
            if align in ("left", "right", "center"):
                el.set("class", f"ta-{align}")


class _Unescape(UnescapeTreeprocessor):
    """Markdown's last pass, which puts back characters escaped with a backslash: without a
    backslash in the text nothing was escaped (only the escape pattern, code spans and table
    cells write escapes, all from a backslash), so the walk over the tree is skipped."""

    def run(self, root):
        if self.md.dd_backslash:
            super().run(root)


class _Inline(InlineProcessor):
    """Markdown's inline phase, trying on each text only the patterns whose characters it holds.

    The phase tries its patterns in turn on every text (and on the text of what a pattern
    made); ``dd_needs`` (set per body by _convert, one entry per pattern) names the strings of
    which a match holds at least one. A pattern whose strings are all missing from the text
    it would search cannot match there, and a search without a match has no effect: skipping
    it is what markdown does after that search. The loop is markdown's own otherwise."""

    dd_needs: list[tuple[str, ...] | None] | None = None

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        needs = self.dd_needs
        if needs is None or isinstance(data, AtomicString):
            return super()._InlineProcessor__handleInline(data, patternIndex)
        patterns, start = self.inlinePatterns, 0
        while patternIndex < len(patterns):
            need = needs[patternIndex]
            if need is not None:
                for c in need:
                    if c in data:
                        break
                else:  # as a search without a match: the next pattern from the start
                    patternIndex, start = patternIndex + 1, 0
                    continue
            data, matched, start = self._InlineProcessor__applyPattern(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


# The inline phase's private steps _Inline relies on (Python-Markdown 3.x); without them the
# phase is markdown's own.
_INLINE_HOOKS = all(hasattr(InlineProcessor, f"_InlineProcessor__{name}") for name in ("handleInline", "applyPattern"))


def _build() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["tables", "footnotes", "fenced_code"],
        extension_configs={"tables": {"use_align_attribute": True},
                           "footnotes": {"BACKLINK_TITLE": "%d"}},
        output_format="html",
    )
    md.parser.blockprocessors.register(EmbedLines(md.parser), "dd_embeds", 12)
    md.parser.blockprocessors.register(ChunkMarkers(md.parser), "dd_markers", 110)
    md.inlinePatterns.register(_InlineImage(IMAGE_LINK_RE, md), "image_link", 150)
    md.inlinePatterns.register(_RefImage(IMAGE_REFERENCE_RE, md), "image_reference", 140)
    md.inlinePatterns.register(_ShortRefImage(IMAGE_REFERENCE_RE, md), "short_image_ref", 125)
    if _INLINE_HOOKS:
        md.treeprocessors.register(_Inline(md), "inline", 20)
    md.treeprocessors.register(SmartTypography(md), "dd_typography", 8)
    md.treeprocessors.register(HeadingIds(md), "dd_heading_ids", 7)
    md.treeprocessors.register(TableAlign(md), "dd_table_align", 6)
    md.treeprocessors.register(_Unescape(md), "unescape", 0)  # replaces markdown's own
    # The block parser walks its processors for every block; a registry builds a new sorted
    # list on each walk. The set is complete here, so it is handed over as that list once.
    md.is_block_level = _block_level_test(md)
    md.dd_block_registry = md.parser.blockprocessors
    md.parser.blockprocessors = list(md.parser.blockprocessors)
    md.dd_embeds = []
    md.dd_backslash = True
    md.dd_plain_typography = False
    return md


def _block_level_test(md: markdown.Markdown):  # noqa: ANN202 - a bound test
    """``md.is_block_level`` against a set: markdown looks each tag up in a list of some fifty
    (for every element, several times). The list is complete once the extensions are in."""
    names = frozenset(md.block_level_elements)

    def is_block_level(tag: object) -> bool:
        return isinstance(tag, str) and tag.lower().rstrip("/") in names
    return is_block_level


class _QuickWhitespace(NormalizeWhitespace):
    """Markdown's first pass, each of its steps only when the text has what the step changes."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "\x02" in source or "\x03" in source or "\r" in source:
            return super().run(lines)
        source += "\n\n"
        if "\t" in source:
            source = source.expandtabs(self.md.tab_length)
        if " \n" in source:
            source = _SPACES_LINE.sub("\n", source)
        return source.split("\n")


_SPACES_LINE = re.compile(r"(?<=\n) +\n")  # NormalizeWhitespace's: a line of spaces is emptied

# What the text must hold for a block processor (by its registry name) to claim a block, as
# in _NEEDS below: any one of the first strings and all of the second. Blocks are the text's
# lines with parts taken out (list and quote markers, indents, raw HTML and fences, which
# become placeholders of letters, digits and ":"); tabs become spaces. A processor that cannot
# claim any block of this text changes nothing when it is left out of the walk, which tries
# each processor on every block in turn. One missing here (added later) is always kept.
_BLOCK_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "table": (("|",), ()), "hashheader": (("#",), ()), "setextheader": (("=", "-"), ()),
    "hr": (("-", "_", "*"), ()), "olist": (tuple("0123456789"), (".",)), "ulist": (("-", "*", "+"), ()),
    "quote": ((">",), ()), "footnote": (("[^",), ("]:",)), "reference": (("]:",), ()),
    "dd_embeds": (("http", "!["), ()),
}


def _can(need: tuple[tuple[str, ...], tuple[str, ...]] | None, holds: _Holds) -> bool:
    if need is None:
        return True
    for c in need[0]:
        if holds[c]:
            break
    else:
        return False
    for c in need[1]:
        if not holds[c]:
            return False
    return True


# Characters by how often prose holds them, most often first (any other is rarer still).
_COMMON = " \netaoinshrdlcumwfgypbvk.,-'\"[]():/"


class _Holds(dict):
    """Whether one text holds each string asked about (``holds[s]``), each looked up once. A
    string of several characters is searched for only when its rarest character is in the
    text: a search for one character is a memchr, some twenty times quicker than a search
    for two or three, and the rare character is usually missing."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def __missing__(self, s: str) -> bool:
        text = self.text
        found = s in text if len(s) == 1 else (_rarest(s) in text and s in text)
        self[s] = found
        return found


@cache
def _rarest(s: str) -> str:
    return max(s, key=lambda c: _COMMON.find(c) if c in _COMMON else len(_COMMON))


# The same for the preprocessors (they run on the whole text, one after the other): the fence
# pass needs a fence; the raw HTML pass changes nothing without a tag or an entity (it writes
# back every other character as it read it). The whitespace pass is our quicker equivalent.
_PRE_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fenced_code_block": (("```", "~~~"), ()), "html_block": (("<", "&"), ()),
}


def _walks(md: markdown.Markdown) -> tuple[list, list]:
    """(block processors, preprocessors) of ``md``, in order, each with what its text must hold."""
    walks = getattr(md, "dd_walks", None)
    if walks is None:
        registry = md.dd_block_registry  # md.parser.blockprocessors is its list since _build
        names = {id(registry[name]): name for name in _BLOCK_NEEDS if name in registry}
        block_walk = [(_BLOCK_NEEDS.get(names.get(id(p), "")), p) for p in registry]
        pre = md.preprocessors
        pre_names = {id(pre[name]): name for name in (*_PRE_NEEDS, "normalize_whitespace") if name in pre}
        pre_walk = []
        for p in pre:
            name = pre_names.get(id(p))
            if name == "normalize_whitespace" and type(p) is NormalizeWhitespace:
                p = _QuickWhitespace(md)
            pre_walk.append((_PRE_NEEDS.get(name), p))
        walks = md.dd_walks = (block_walk, pre_walk)
    return walks


def _markdown() -> markdown.Markdown:
    md = getattr(_LOCAL, "md", None)
    if md is None:
        md = _LOCAL.md = _build()
    return md


# What the text must hold for an inline pattern to change anything. The inline phase tries
# every pattern on every text node (most of a convert's time); a pattern that cannot match in
# this body changes nothing when it is left out, so only the patterns that can are handed to
# it (in their order). Each entry: any one of the first strings, and all of the second. Text
# nodes are the body's text with parts taken out (markers, indents) and placeholders put in
# that hold none of these characters; a tab becomes spaces, so a tab keeps the hard line
# break. The reference patterns find nothing without a definition (``[id]: url``), so they
# also need "]:". A pattern missing here (an extension added later) is always kept.
_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "backtick": (("`",), ()), "escape": (("\\",), ()), "footnote": (("[^",), ()), "link": (("[",), ()),
    "reference": (("[",), ("]:",)), "short_reference": (("[",), ("]:",)),
    "image_link": (("![",), ()), "image_reference": (("![",), ("]:",)), "short_image_ref": (("![",), ("]:",)),
    "autolink": (("<",), ()), "automail": (("<",), ()), "linebreak": ((" \n", "\t"), ()), "html": (("<",), ()),
    "entity": (("&",), ()), "em_strong": (("*", "_"), ()),
}


def _patterns_for(md: markdown.Markdown, holds: _Holds) -> list:
    """The inline patterns that can match somewhere in the text, in the registry's order, each
    with what it needs (None: unknown)."""
    named = getattr(md, "dd_needs", None)
    if named is None:
        registry = md.inlinePatterns
        needs = {id(registry[name]): need for name, need in _NEEDS.items() if name in registry}
        named = md.dd_needs = [(needs.get(id(pattern)), pattern) for pattern in registry]  # by priority
    return [(need, pattern) for need, pattern in named if _can(need, holds)]


def _convert(text: str) -> tuple[str, list[Embed]]:
    md = _markdown()
    md.reset()
    md.dd_embeds = []
    # The inline processor only indexes and counts its patterns: a plain list serves.
    inline = md.treeprocessors["inline"]
    holds = _Holds(text)
    patterns = _patterns_for(md, holds)
    inline.inlinePatterns = [pattern for _, pattern in patterns]
    if isinstance(inline, _Inline):  # per text, the strings a match needs one of (not the body's all-of)
        inline.dd_needs = [need[0] if need is not None else None for need, _ in patterns]
    blocks, pre = _walks(md)
    md.parser.blockprocessors = [p for need, p in blocks if need is None or _can(need, holds)]
    md.preprocessors = [p for need, p in pre if need is None or _can(need, holds)]
    md.dd_backslash = holds["\\"]
    md.dd_plain_typography = not (holds["'"] or holds['"'] or holds["--"] or holds["..."])
    html = md.convert(text)
    return html, md.dd_embeds


_CACHE: OrderedDict[str, ParsedBody] = OrderedDict()
_CACHE_SIZE = 8


def parse_body(body: str) -> ParsedBody:
    """Parse the sanitised, placeholder-carrying body, or fetch it from a small cache in memory
    or from the fragment cache on disk (render/fragments.py), which it then fills."""
    with _LOCK:
        hit = _CACHE.get(body)
        if hit is not None:
            _CACHE.move_to_end(body)
            return hit
    store = fragments.shared()
    data = store.get(body) if store is not None else None
    parsed = from_record(data) if data is not None else None
    if parsed is None:
        parsed = _parse_plain(body) if len(body) > MAX_MARKDOWN_CHARS else _parse(body)
        if store is not None and (record := to_record(parsed)) is not None:
            store.put(body, record)
    with _LOCK:
        _CACHE[body] = parsed
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return parsed


# An entry of the fragment cache: a short JSON head (the chunks' lines and embed numbers, the
# embeds, the plain flag), then each chunk's HTML, the parts separated by SOH. Neither SOH nor
# NUL can come from a body (UNPUBLISHABLE drops both); a chunk holding one is not cached. The
# process's nonce is written as NUL and restored as the reading process's own nonce, so
# placeholders stay unguessable in every process. No JSON escaping of the HTML and no compression
# of the usual entry (a few KB): writing and reading an entry costs a tenth of what a
# JSON document through zlib did; an entry above COMPRESS_FROM bytes (some 25,000 words) is
# compressed (first byte z).
_HOLE = "\x00"
_SEP = "\x01"
COMPRESS_FROM = 256 * 1024


def to_record(parsed: ParsedBody) -> bytes | None:
    """``parsed`` as a cache entry; None when it cannot be one (a NUL or SOH in its HTML)."""
    parts = [c.html for c in parsed.chunks]
    if any(_HOLE in html or _SEP in html for html in parts):
        return None
    head = json.dumps([[[c.line, list(c.embeds)] for c in parsed.chunks],
                       [_embed_fields(e) for e in parsed.embeds], parsed.plain],
                      ensure_ascii=True, separators=(",", ":"))
    parts.insert(0, head)
    data = _SEP.join(parts).replace(nonce(), _HOLE).encode("utf-8", "surrogatepass")
    return b"z" + zlib.compress(data, 1) if len(data) > COMPRESS_FROM else b"u" + data


def _embed_fields(embed: Embed) -> list:
    if isinstance(embed, ImageEmbed):
        return ["i", embed.src, embed.alt, embed.title, embed.block]
    if isinstance(embed, YouTubeEmbed):
        return ["y", embed.url, embed.video_id, embed.block]
    return ["t", embed.url, embed.tweet_id, embed.user, embed.block]


_EMBED_TYPES = {"i": ImageEmbed, "y": YouTubeEmbed, "t": TweetEmbed}


def from_record(data: bytes) -> ParsedBody | None:
    """The parsed body of a cache entry; None for anything that is not a well-formed entry."""
    try:
        kind, payload = data[:1], data[1:]
        if kind == b"z":
            payload = zlib.decompress(payload)
        elif kind != b"u":
            return None
        head, *parts = payload.decode("utf-8", "surrogatepass").replace(_HOLE, nonce()).split(_SEP)
        lines, fields, plain = json.loads(head)
        if len(lines) != len(parts) or type(plain) is not bool:
            return None
        if not all(type(f) in (str, bool) for _, *rest in fields for f in rest):
            return None
        embeds = tuple(_EMBED_TYPES[kind](*rest) for kind, *rest in fields)
        chunks = tuple(ParsedChunk(int(line), html, tuple(ids) if ids else ())
                       for (line, ids), html in zip(lines, parts, strict=True))
        if not all(type(i) is int and 0 <= i < len(embeds) for c in chunks for i in c.embeds):
            return None
        return ParsedBody(chunks, embeds, plain)
    except (ValueError, TypeError, KeyError, zlib.error, UnicodeDecodeError):
        return None


def parse_region(body: str, before: str) -> ParsedBody:
    """A part of a longer body (the preview's quick update of the blocks around an edit), its
    headings levelled and their ids numbered as in the whole body, given the text ``before`` it."""
    outline = heading_outline(before)
    if not outline:
        return parse_body(body)
    offset = outline.count("\n") + 2  # the outline's lines and the blank line after it
    whole = parse_body(f"{outline}\n\n{body}")
    chunks = tuple(c._replace(line=c.line - offset) for c in whole.chunks if c.line > offset)
    return ParsedBody(chunks, whole.embeds, whole.plain)


# Characters no page may carry: C0 controls but tab and line ends, DEL, C1 controls, lone
# surrogates (they cannot be written as UTF-8) and noncharacters (the Nu checker refuses them).
UNPUBLISHABLE = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
UNPUBLISHABLE.update(dict.fromkeys(range(0x7F, 0xA0)))
UNPUBLISHABLE.update(dict.fromkeys(range(0xD800, 0xE000)))
UNPUBLISHABLE.update(dict.fromkeys(range(0xFDD0, 0xFDF0)))
UNPUBLISHABLE.update(dict.fromkeys(plane + end for plane in range(0, 0x110000, 0x10000) for end in (0xFFFE, 0xFFFF)))
_ASCII_UNPUBLISHABLE = bytes(c for c in UNPUBLISHABLE if c < 128)


def publishable(text: str) -> str:
    """``text`` without the characters no page may carry (``text.translate(UNPUBLISHABLE)``).
    Most bodies are ASCII without a control character: deleting bytes finds that in a
    fraction of the time a translate takes, and the text is then returned as it is."""
    if text.isascii():
        data = text.encode("ascii")
        if len(data.translate(None, _ASCII_UNPUBLISHABLE)) == len(data):
            return text
    return text.translate(UNPUBLISHABLE)


_LEFTOVER = re.compile(r"\x02?(?:klzzwxh|wzxhzdk):\d+\x03|\x02[^\x02\x03]{0,40}\x03|[\x02\x03]")


# Markdown reads raw HTML blocks and fences across blank lines, so blocks between them are
# not on their own: with either in the body every block goes through markdown.
def _spans_blocks(body: str) -> bool:
    return "<" in body or has_fence(body)


def _parse(body: str, fast_path: bool = True) -> ParsedBody:
    chunks = split_chunks(publishable(body))
    # Footnotes are appended to the last block, so with any footnote syntax it stays with markdown.
    last = len(chunks) - 1 if "^" in body and "[^" in body else len(chunks)
    fast: dict[int, str] = {}
    if fast_path and not _spans_blocks(body):
        mark = heading_mark()
        for i, c in enumerate(chunks):
            if i != last and (block := fast_block(c.text, mark)) is not None:
                fast[i] = block
    html, embeds = "", []
    if len(fast) < len(chunks):
        source = "\n\n".join(f"{marker(i)}\n\n{c.text}" for i, c in enumerate(chunks) if i not in fast)
        html, embeds = _convert(source)
    if "\x02" in html or "\x03" in html:  # placeholders Python-Markdown failed to restore
        html = _LEFTOVER.sub("", html)
    if "\ue000" in html or "\ue002" in html:
        html = html.translate(UNPARK)
    return ParsedBody(tuple(_split(html, chunks, fast)), tuple(embeds))


@cache
def _token_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Our marker paragraphs (capturing the block number), any marker, and the embed tokens
    (capturing the embed number): the nonce is the process's, so they are compiled once."""
    n = re.escape(nonce())
    return re.compile(rf"<p>{n}m(\d+)z</p>"), re.compile(rf"{n}m\d+z"), re.compile(rf"{n}[bi](\d+)z")


def _split(html: str, chunks: list[Chunk], fast: dict[int, str]) -> list[ParsedChunk]:
    """Cut the document at our markers and sanitise each block on its own, so an unclosed
    tag in one block cannot wrap the blocks after it. ``fast`` holds the blocks rendered
    without markdown, by index."""
    markers, stray, token = _token_patterns()
    parts = markers.split(html)
    pieces_by_index = dict(fast)
    pieces_by_index.update((int(i), piece) for i, piece in zip(parts[1::2], parts[2::2], strict=True))
    numbers = _HeadingNumbers()
    # The blocks with raw HTML (a tag needs a "<": a memchr spares most blocks the search).
    with_raw = frozenset(i for i, c in enumerate(chunks) if "<" in c.text and _RAW_TAG.search(c.text) is not None)
    order = sorted(pieces_by_index)
    filled = {number: numbers.fill(piece) if "id=" in (piece := pieces_by_index[number]) else piece
              for number in order}  # ids in document order
    cleaned = dict(zip(fast, _clean_blocks([filled[i] for i in fast]), strict=True))
    # A fence or HTML block markdown reads past our marker carries later blocks (their marker
    # is then stray), and footnotes come from definitions anywhere in the body: raw HTML from
    # other blocks may then be in a piece.
    cut: dict[int, tuple[bool, int, list[str]]] = {}
    for index in order:
        if index not in fast:
            crossed = stray.search(filled[index]) is not None
            piece = stray.sub("", filled[index]).strip() if crossed else filled[index].strip()
            footnotes = piece.find('<div class="footnote">') if index == len(chunks) - 1 else -1
            cut[index] = (crossed, footnotes, [piece[:footnotes], piece[footnotes:]] if footnotes > 0 else [piece])
    raws = [raw for _, _, pieces in cut.values() for raw in pieces if raw.strip()]
    # Without raw HTML in the body each piece is whole markup markdown made: sanitised together
    # (one call) they come back as each does alone (see _clean_together).
    done = iter(_clean_together(raws) if not with_raw else [clean(piece) for piece in raws])
    out: list[ParsedChunk] = []
    for index in order:
        if index in fast:  # built from plain text and checked links: no tokens, no raw HTML
            if (text := cleaned[index].strip()) and text != "<p></p>":
                out.append(ParsedChunk(chunks[index].line, text, ()))
            continue
        crossed, footnotes, pieces = cut[index]
        raw_html = index in with_raw
        for k, piece in enumerate(pieces):
            text = next(done).strip() if piece.strip() else ""
            if text and (raw_html or ((crossed or k == 1 or footnotes == 0) and with_raw)):
                text = repair(text)
            if not text or text == "<p></p>":
                continue
            if "footnote-backref" in text and token.search(text):
                text = _own_paragraphs(text)
            line = chunks[index].line if k == 0 else _footnote_line(chunks)
            ids = tuple(int(i) for i in token.findall(text))
            out.append(ParsedChunk(line, text, ids))
    return _tidy(out)


def _own_paragraphs(html: str) -> str:
    """Block embeds (a figure) alone in their paragraph: a footnote's back link is appended
    to the last paragraph of the note, which may hold a video or a tweet."""
    n = re.escape(nonce())
    html = re.sub(rf"<p>({n}b\d+z)(?!</p>)", r"<p>\1</p>\n<p>", html)
    return re.sub(rf"(?<!<p>)({n}b\d+z)</p>", r"</p>\n<p>\1</p>", html)


def _tidy(chunks: list[ParsedChunk]) -> list[ParsedChunk]:
    """Headings levelled under the page's h1 and ids unique, over the whole body at once."""
    tidied = tidy_structure([c.html for c in chunks], frozenset({BODY_CONTAINER_ID}), nonce())
    return [c if html is c.html else c._replace(html=html) for c, html in zip(chunks, tidied, strict=True)
            if html is c.html or html.strip()]


_FAST_ATTR = re.compile(r' (href|id)="([^"]*)"')


def _needs_cleaning(block: str) -> bool:
    """Whether nh3 could change a fast-path block. It cannot change bare <p>/<ul>/<li>/<a>/<hN>
    around text without &, < or > (a test runs every Unicode character through it), nor a
    link or heading id its own attribute filter keeps as it is; a no-break space it writes as
    an entity."""
    if "\u00a0" in block:
        return True
    if "=" not in block:
        return False
    for name, value in _FAST_ATTR.findall(block):
        if name == "href" and safe_href(value) != value:
            return True
        if name == "id" and not id_ok(value):
            return True
    return False


def _clean_blocks(blocks: list[str]) -> list[str]:
    """Sanitise the fast path's blocks that nh3 could change. The others nh3 would return as
    they are, so they are not sent."""
    out = list(blocks)
    marked = [i for i, b in enumerate(blocks) if _needs_cleaning(b)]
    for i, text in zip(marked, _clean_together([blocks[i] for i in marked]), strict=True):
        out[i] = text
    return out


def _clean_together(blocks: list[str]) -> list[str]:
    """``[clean(b) for b in blocks]`` in one call (each call has a fixed cost), cut apart again
    at a separator no text can hold; one by one if the count does not come back the same. For
    blocks of whole markup (every element closed in its block, no raw HTML): the parser then
    leaves each block as it leaves it alone, and all of the text is sanitised either way."""
    if len(blocks) < 2:
        return [clean(b) for b in blocks]
    separator = f"{nonce()}s"
    cleaned = clean(separator.join(blocks)).split(separator)
    return cleaned if len(cleaned) == len(blocks) else [clean(b) for b in blocks]


def _footnote_line(chunks: list[Chunk]) -> int:
    return next((c.line for c in chunks if c.text.startswith("[^")), chunks[-1].line)


def _parse_plain(body: str) -> ParsedBody:
    """Very long bodies: escaped paragraphs, no markdown (keeps render time bounded)."""
    out = []
    for chunk in split_chunks(publishable(body)):
        text = escape(chunk.text).replace("\n", "<br>\n")
        out.append(ParsedChunk(chunk.line, f"<p>{text}</p>", ()))
    return ParsedBody(tuple(out), (), plain=True)
