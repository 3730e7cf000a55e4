"""AMP checks over the real rendered simplified page: what our own renderer could still get wrong."""

from __future__ import annotations

import re
from collections.abc import Iterator

from digest_desk.checks.pagefacts import PageFacts
from digest_desk.checks.problems import Problem
from digest_desk.checks.source import SourceRef
from digest_desk.domain import Article
from digest_desk.render import AMP_CSS_BUDGET, RenderContext
from digest_desk.render.context import url_scheme
from digest_desk.render.embeds import line_embed

FORBIDDEN = frozenset({"base", "frame", "frameset", "object", "param", "applet", "embed", "picture",
                       "iframe", "video", "audio", "form", "input", "textarea", "select", "svg", "math"})
RUNTIME = "https://cdn.ampproject.org/v0.js"
EMBED_HOSTS = re.compile(r"^https?://(?:www\.|m\.)?(youtube\.com|youtu\.be|twitter\.com|x\.com|vimeo\.com|instagram\.com|facebook\.com|tiktok\.com)/", re.I)
_URL_ATTRS = ("href", "src")
_NO_SCRIPT_TAGS = frozenset({"amp-img", "amp-layout", "amp-pixel"})  # built into the runtime


def check_amp(facts: PageFacts, css_bytes: int) -> Iterator[Problem]:
    yield from _markup(facts)
    yield from _extensions(facts)
    if css_bytes > AMP_CSS_BUDGET:
        yield Problem("error", "amp.css-budget",
                      f"The page style uses {css_bytes:,} bytes; AMP allows {AMP_CSS_BUDGET:,}.")
    else:
        yield Problem("info", "amp.css-budget",
                      f"The page style uses {css_bytes:,} of {AMP_CSS_BUDGET:,} bytes allowed by AMP.")


def _markup(facts: PageFacts) -> Iterator[Problem]:
    for tag, attrs in facts.elements:
        if tag in FORBIDDEN:
            yield Problem("error", "amp.forbidden-element", f"The simplified page contains a <{tag}> element, which AMP forbids.")
        for name, value in attrs.items():
            if name.startswith("on"):
                yield Problem("error", "amp.event-handler", f"A <{tag}> element carries a script handler ({name}).")
            elif name == "style":
                yield Problem("error", "amp.inline-style", f"A <{tag}> element carries an inline style.")
            elif name in _URL_ATTRS and url_scheme(value) in {"javascript", "vbscript", "data"}:
                yield Problem("error", "amp.unsafe-url", f"A <{tag}> element links to a {url_scheme(value)}: address.")
        if tag == "amp-img" and not (attrs.get("width") and attrs.get("height")) and attrs.get("layout") != "fill":
            yield Problem("error", "amp.image-size-missing", f"The picture “{attrs.get('src', '')}” has no width and height.")
    for attrs in facts.scripts:
        src = attrs.get("src", "")
        if attrs.get("type") == "application/ld+json":
            continue
        if not src.startswith("https://cdn.ampproject.org/"):
            yield Problem("error", "amp.custom-script", "The simplified page contains a script AMP does not allow.")
    if facts.inline_scripts:
        yield Problem("error", "amp.custom-script", "The simplified page contains inline JavaScript.")


def _extensions(facts: PageFacts) -> Iterator[Problem]:
    declared = [a.get("custom-element") for a in facts.scripts if a.get("custom-element")]
    if not any(a.get("src") == RUNTIME for a in facts.scripts):
        yield Problem("error", "amp.runtime-missing", "The AMP runtime script (v0.js) is missing.")
    used = {tag for tag, _ in facts.elements if tag.startswith("amp-") and tag not in _NO_SCRIPT_TAGS}
    for tag in sorted(used - set(declared)):
        yield Problem("error", "amp.extension-missing", f"<{tag}> is used but its script is not loaded.")
    for tag in sorted(set(declared) - used):
        yield Problem("warning", "amp.extension-unused", f"The script for <{tag}> is loaded but never used.")
    for tag in sorted({t for t in declared if declared.count(t) > 1}):
        yield Problem("error", "amp.extension-duplicate", f"The script for <{tag}> is loaded more than once.")


def check_embeds(article: Article, ctx: RenderContext, refs: list[SourceRef]) -> Iterator[Problem]:
    """Source-level AMP concerns: pictures without a known size, embeds we cannot render."""
    for ref in refs:
        if ref.kind == "image":
            name = ref.url[6:] if ref.url.startswith("media/") else None
            image = ctx.media.get(name) if name else None
            known = image is not None and image.width > 0 and image.height > 0
            if not known and (name is None and url_scheme(ref.url) in {"http", "https"} or name in ctx.media or not ctx.media):
                yield Problem("warning", "amp.image-size-unknown",
                              f"The size of the picture “{ref.url}” is unknown; the simplified page assumes 16:9. "
                              "Add it to the media library to keep its real shape.", ref.line)
        elif ref.kind == "bare" and line_embed(ref.raw_line) is None and EMBED_HOSTS.match(ref.url):
            yield Problem("warning", "amp.unknown-embed",
                          f"“{ref.url}” is not an embed we can show (YouTube videos and tweets are); it appears as a plain link.",
                          ref.line)
    if article.image is not None and not (article.image.width > 0 and article.image.height > 0):
        yield Problem("warning", "amp.image-size-unknown", "The size of the featured image is unknown.")
