"""Facts gathered from a rendered page with html.parser: tags, scripts, body text, images, links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from digest_desk.render import BODY_CONTAINER_ID

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_SPACE = re.compile(r"\s+")


@dataclass
class PageFacts:
    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    scripts: list[dict[str, str]] = field(default_factory=list)  # attributes of each script
    inline_scripts: list[str] = field(default_factory=list)  # text of scripts that are not ld+json
    custom_css: str = ""
    paragraphs: list[str] = field(default_factory=list)  # text of <p> inside the body container
    images: list[str] = field(default_factory=list)  # img/amp-img src inside the body container
    body_links: list[str] = field(default_factory=list)
    article_links: list[str] = field(default_factory=list)  # every href inside <article>


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self.stack: list[str] = []
        self.body_depth: int | None = None
        self.article_depth: int | None = None
        self.para: list[str] | None = None
        self.script: dict[str, str] | None = None
        self.style_custom = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.facts.elements.append((tag, a))
        if tag == "script":
            self.facts.scripts.append(a)
            self.script = a
        if tag == "style" and "amp-custom" in a:
            self.style_custom = True
        in_body = self.body_depth is not None
        if a.get("id") == BODY_CONTAINER_ID and not in_body:
            self.body_depth = len(self.stack)
        if tag == "article" and self.article_depth is None:
            self.article_depth = len(self.stack)
        if in_body and tag == "p" and self.para is None and not _inside_embed(self.stack):
            self.para = []
        if in_body and tag in ("img", "amp-img") and "placeholder" not in a:
            self.facts.images.append(a.get("src", ""))
        if tag == "a" and "href" in a:
            if in_body:
                self.facts.body_links.append(a["href"])
            if self.article_depth is not None:
                self.facts.article_links.append(a["href"])
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top == "p" and self.para is not None:
                self.facts.paragraphs.append(_SPACE.sub(" ", "".join(self.para)).strip())
                self.para = None
            if top == tag:
                break
        if self.body_depth is not None and len(self.stack) <= self.body_depth:
            self.body_depth = None
        if self.article_depth is not None and len(self.stack) <= self.article_depth:
            self.article_depth = None
        if tag == "script":
            self.script = None
        if tag == "style":
            self.style_custom = False

    def handle_data(self, data):
        if self.para is not None:
            self.para.append(data)
        if self.script is not None and self.script.get("type") != "application/ld+json" and data.strip():
            self.facts.inline_scripts.append(data)
        if self.style_custom:
            self.facts.custom_css += data


def _inside_embed(stack: list[str]) -> bool:
    return any(t in ("amp-twitter", "blockquote", "figure") for t in stack[-4:])


def page_facts(html: str) -> PageFacts:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.facts
