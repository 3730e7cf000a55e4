"""The one HTML sanitiser of rendered markdown: nh3 with a tight allowlist."""

from __future__ import annotations

import re
from functools import cache

import nh3

from digest_desk.render.context import clean_mailto, is_safe_url, tidy_url, url_scheme

TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "s", "del",
    "ins", "sub", "sup", "mark", "small", "code", "pre", "kbd", "samp", "var", "blockquote", "q",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "abbr", "cite", "table", "thead", "tbody", "tfoot",
    "tr", "th", "td", "caption", "div", "span",
})
ATTRIBUTES = {
    "a": {"href", "title", "class", "id"},
    "abbr": {"title"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "code": {"class"},
    "th": {"class"}, "td": {"class"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
_CLASS_OK = re.compile(r"^(?:footnote|footnote-ref|footnote-backref|ta-left|ta-right|ta-center|language-[A-Za-z0-9_+-]{1,40})$")
ID_OK = re.compile(r"^(?!-?amp-|i-amp-)[A-Za-z][A-Za-z0-9_:.-]{0,80}$")


def _filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "href":
        if url_scheme(value) == "mailto":
            value = clean_mailto(value)  # subject and body only: never cc, bcc or attach=
        return tidy_url(value) if is_safe_url(value) else None
    if attr == "class":
        kept = [c for c in value.split() if _CLASS_OK.match(c)]
        return " ".join(kept) or None
    if attr == "id":
        return value if ID_OK.match(value) else None
    if attr == "start":
        return value if value.isdigit() and len(value) < 10 else None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script", "style", "iframe", "object", "embed", "svg", "math",
                            "template", "noscript", "textarea", "title", "xmp", "noembed",
                            "noframes", "frameset", "form", "select"},
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        attribute_filter=_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


def clean(html: str) -> str:
    """Markup safe to embed in both renditions: no scripts, handlers, styles or unsafe URLs."""
    return _cleaner().clean(html)
