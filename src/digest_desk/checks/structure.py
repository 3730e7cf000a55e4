"""Structure checks: heading levels that skip or start below ##, characters no page can carry."""

from __future__ import annotations

import re
from collections.abc import Iterator

from digest_desk.checks.problems import Fix, Problem
from digest_desk.domain import Article
from digest_desk.render.mdparse import UNPUBLISHABLE
from digest_desk.render.structure import TOP_LEVEL, SourceHeading, level_map, source_headings


def consecutive_headings(body: str) -> str:
    """The body with its headings rewritten to the levels the pages show (from ## down, no
    gaps): the Fix of ``structure.heading-levels``. Text and everything else stay as they are."""
    headings = source_headings(body)
    shown = level_map([h.level for h in headings], TOP_LEVEL)
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for heading, level in reversed(list(zip(headings, shown, strict=True))):
        index = heading.line - 1
        if heading.level == level:
            continue
        if heading.setext:
            lines[index:index + 2] = ["#" * level + " " + heading.text]
        else:
            lines[index] = re.sub(r"#{1,6}", "#" * level, lines[index], count=1)
    return "\n".join(lines)


def check_structure(body: str) -> Iterator[Problem]:
    headings = source_headings(body)
    shown = level_map([h.level for h in headings], TOP_LEVEL)
    moved = [(h, level) for h, level in zip(headings, shown, strict=True) if h.level != level]
    if not moved:
        return
    first, level = moved[0]
    what = f"start at level {first.level}" if first is headings[0] else f"skip from level {_before(headings, first)} to {first.level}"
    yield Problem(
        "warning", "structure.heading-levels",
        f"The headings {what} (“{_short(first.text)}”); under the page's headline they must go "
        f"## then ### without gaps. The pages show {len(moved)} of them at another level; "
        "Fix rewrites the markdown to match.",
        first.line, Fix("Renumber the headings", consecutive_headings),
    )


def _before(headings: list[SourceHeading], heading: SourceHeading) -> int:
    index = headings.index(heading)
    return headings[index - 1].level


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FIELDS = {"title": "headline", "summary": "summary", "author": "author", "category": "category",
           "image_alt": "featured image's alternative text", "image_caption": "featured image's caption",
           "image_credit": "featured image's credit"}


def check_characters(article: Article) -> Iterator[Problem]:
    """Control characters, lone surrogates or noncharacters in the fields shown on the pages
    (the body drops them when it renders; these fields are shown as they are)."""
    values = [(label, getattr(article, name, "") or "") for name, label in _FIELDS.items()]
    values += [("tags", tag) for tag in article.tags or [] if isinstance(tag, str)]
    for label, value in values:
        bad = next((ch for ch in value if ord(ch) in UNPUBLISHABLE), None)
        if bad is not None:
            yield Problem("error", "structure.bad-character",
                          f"The {label} contains an invisible control character (U+{ord(bad):04X}) that pages "
                          "cannot carry; retype the text around it.")
