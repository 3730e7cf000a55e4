"""Placeholders in parsed bodies replaced by each rendition's own template per construct."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape

from digest_desk.domain import Image
from digest_desk.paths import templates_dir
from digest_desk.render.context import is_absolute_web_url, tidy_url
from digest_desk.render.embeds import Embed, ImageEmbed, TweetEmbed, YouTubeEmbed
from digest_desk.render.fragments import template_cache
from digest_desk.render.mdparse import ParsedChunk, nonce
from digest_desk.render.sanitize import safe_href

DEFAULT_WIDTH, DEFAULT_HEIGHT = 1600, 900  # AMP needs a size: 16:9 when the real one is unknown
PARTIALS = {ImageEmbed: "image.html", YouTubeEmbed: "youtube.html", TweetEmbed: "tweet.html"}


@cache
def environment() -> Environment:
    """The one Jinja2 environment (autoescaping on), built on first use."""
    return Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        bytecode_cache=template_cache(),
    )


@dataclass(frozen=True, slots=True)
class ResolvedImage:
    src: str
    alt: str
    width: int
    height: int
    known_size: bool
    caption: str = ""
    credit: str = ""


def resolve_image(embed: ImageEmbed, prefix: str, media: Mapping[str, Image]) -> ResolvedImage | None:
    """Where an image comes from and how big it is; None when its URL is not allowed. The
    words (alt, caption, credit) are the article's own, from the markdown: never the library's."""
    name = embed.media_name
    if name is not None:
        image = media.get(name)
        if image is None:
            return ResolvedImage(prefix + name, embed.alt, DEFAULT_WIDTH, DEFAULT_HEIGHT, False,
                                 embed.caption, embed.credit)
        return _from_image(image, prefix, embed.alt, embed.caption, embed.credit)
    src = _web_src(embed.src)
    if src is None:
        return None
    return ResolvedImage(src, embed.alt, DEFAULT_WIDTH, DEFAULT_HEIGHT, False, embed.caption, embed.credit)


@lru_cache(maxsize=1024)
def _web_src(src: str) -> str | None:
    """A picture's web address as published, or None when it is not an allowed absolute one
    (kept for a while: both renditions of a page, and the preview's renders, ask again)."""
    checked = safe_href(src)  # checked first: it also refuses what urlsplit cannot read
    return checked if checked is not None and is_absolute_web_url(checked) else None


def image_url(image: Image, prefix: str) -> str:
    if image.url and (src := safe_href(image.url)) is not None and is_absolute_web_url(src):
        return src
    return prefix + tidy_url(image.name)


def _from_image(image: Image, prefix: str, alt: str, caption: str, credit: str) -> ResolvedImage:
    known = bool(image.width and image.height and image.width > 0 and image.height > 0)
    return ResolvedImage(
        image_url(image, prefix), alt,
        image.width if known else DEFAULT_WIDTH, image.height if known else DEFAULT_HEIGHT,
        known, caption, credit,
    )


def featured_image(image: Image | None, alt: str, prefix: str, caption: str = "",
                   credit: str = "") -> ResolvedImage | None:
    """The featured picture with the article's own words (Article.image_alt/_caption/_credit)."""
    return None if image is None else _from_image(image, prefix, alt, caption, credit)


@dataclass(frozen=True)
class EmbedRenderer:
    """Renders embeds for one rendition ("standard" or "amp"), optionally as an offline preview."""

    rendition: str
    preview: bool
    prefix: str
    media: Mapping[str, Image]

    def render(self, embed: Embed) -> str:
        template = _partial(self.rendition, type(embed))
        image = resolve_image(embed, self.prefix, self.media) if isinstance(embed, ImageEmbed) else None
        if isinstance(embed, ImageEmbed) and image is None:
            return ""
        # As Template.render, but with these values as the whole context: Jinja's globals are
        # not copied in for every embed (the partials use none).
        values = {"embed": embed, "image": image, "preview": self.preview}
        return "".join(template.root_render_func(template.new_context(values, shared=True))).strip()

    def fingerprint(self, embeds: tuple[Embed, ...]) -> tuple:
        """What the HTML of these embeds depends on, for the per-block cache key: the
        rendition, the embeds themselves (equal when their fields are) and the library's facts
        on each picture they name."""
        facts = []
        for embed in embeds:
            name = embed.media_name if isinstance(embed, ImageEmbed) else None
            image = self.media.get(name) if name else None
            if image is not None:
                facts.append((image.name, image.width, image.height, image.url))
        return self.rendition, self.preview, self.prefix, embeds, tuple(facts)

    def fill(self, chunk: ParsedChunk, embeds: tuple[Embed, ...]) -> str:
        """The chunk's HTML with every placeholder replaced by its rendered embed."""
        if not chunk.embeds:
            return chunk.html

        def embed(m: re.Match[str]) -> str:
            return self.render(embeds[int(m.group(1) or m.group(2))])

        # One pass: text produced by a replacement is never scanned again.
        return _placeholders().sub(embed, chunk.html)


@cache
def _placeholders() -> re.Pattern[str]:
    """A block embed alone in its paragraph, or any embed placeholder (the process's nonce)."""
    n = re.escape(nonce())
    return re.compile(rf"<p>{n}b(\d+)z</p>|{n}[bi](\d+)z")


@cache
def _partial(rendition: str, kind: type) -> Template:
    """The template of one construct in one rendition (looked up once, not per embed)."""
    return environment().get_template(f"{rendition}/{PARTIALS[kind]}")
