"""A parser-based audit of a rendered page: anything that could run script is reported."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SCRIPT_SOURCES = ("https://cdn.ampproject.org/", "https://platform.twitter.com/widgets.js")
FRAME_SOURCES = ("https://www.youtube-nocookie.com/embed/",)
FORBIDDEN = {"object", "embed", "base", "form", "svg", "math", "applet", "frame", "frameset", "img-src", "template"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite"}
_SAFE = re.compile(r"^(?:https?://[^/\\]|mailto:|#|/(?![/\\])|\?|[a-z0-9_.~-]+(?:/|$))", re.I)


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        if tag == "script":
            if attrs_d.get("type") == "application/ld+json":
                self._in_jsonld = True
            elif not (attrs_d.get("src") or "").startswith(SCRIPT_SOURCES):
                self.problems.append(f"script {attrs_d}")
        if tag == "iframe" and not (attrs_d.get("src") or "").startswith(FRAME_SOURCES):
            self.problems.append(f"iframe {attrs_d}")
        if tag in FORBIDDEN:
            self.problems.append(f"forbidden <{tag}>")
        if tag == "meta" and "http-equiv" in attrs_d:
            self.problems.append("meta http-equiv")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRS and not _SAFE.match(re.sub(r"[\x00-\x20]", "", value)):
                self.problems.append(f"unsafe url <{tag} {name}={value!r}>")
            if name in {"id", "class"} and re.search(r"(^|\s)(-amp-|i-amp-)", value):
                self.problems.append(f"amp-reserved {name}={value!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)


def audit(html: str) -> Audit:
    parser = Audit()
    parser.feed(html)
    parser.close()
    return parser
