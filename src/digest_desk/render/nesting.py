"""Repair nesting that raw HTML in markdown can leave behind (a <b> around a paragraph, say).

The sanitiser guarantees safety, not conformance: an unclosed inline tag from the editor may
still wrap blocks. Blocks with raw HTML pass through here; inline elements that contain block
elements are unwrapped (their content kept); paragraphs and headings holding blocks become divs.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

PHRASING = frozenset({"strong", "em", "b", "i", "s", "del", "ins", "sub", "sup", "mark", "small", "code",
                      "kbd", "samp", "var", "q", "abbr", "cite", "a", "span"})
FLOW = frozenset({"p", "div", "table", "ul", "ol", "dl", "blockquote", "pre", "h1", "h2", "h3", "h4",
                  "h5", "h6", "hr", "figure"})
PHRASING_ONLY = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dt", "caption"})  # become div
VOID = frozenset({"br", "hr", "img", "wbr"})


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _has_flow(children: list[_Node | str]) -> bool:
    return any(isinstance(c, _Node) and c.tag in FLOW for c in children)


def _blank(item: _Node | str) -> bool:
    """Whitespace, or elements holding only whitespace (no picture, break or rule either)."""
    if isinstance(item, str):
        return not item.strip()
    return item.tag not in VOID and all(_blank(c) for c in item.children)


def _list_items(children: list[_Node | str]) -> list[_Node | str]:
    """Children of ul/ol: stray content between items goes into an item of its own."""
    out: list[_Node | str] = []
    loose: list[_Node | str] = []
    for child in [*children, None]:
        if child is None or (isinstance(child, _Node) and child.tag == "li"):
            if any(not _blank(c) for c in loose):
                item = _Node("li", [])
                item.children = loose
                out.append(item)
            else:
                out.extend(c for c in loose if isinstance(c, str))  # blank elements cannot sit in a list
            loose = []
            if child is not None:
                out.append(child)
        else:
            loose.append(child)
    return out


_DL_GROUPS = re.compile(r"^(?:(?:dt )+(?:dd )+)*$")


def _dl_ok(children: list[_Node | str]) -> bool:
    """A description list is groups of terms then descriptions, and nothing else."""
    if any(isinstance(c, str) and c.strip() for c in children):
        return False
    return _DL_GROUPS.match("".join(f"{c.tag} " for c in children if isinstance(c, _Node))) is not None


def _normalise(node: _Node, parent: str = "") -> list[_Node | str]:
    if node.tag == "dl" and not _dl_ok(node.children):
        node.tag = "div"  # its terms and descriptions become divs below
    if (node.tag == "li" and parent not in ("ul", "ol")) or (node.tag in ("dt", "dd") and parent != "dl"):
        node.tag = "div"  # an item outside its list
    fixed: list[_Node | str] = []
    for child in node.children:
        fixed.extend(_normalise(child, node.tag) if isinstance(child, _Node) else [child])
    if node.tag in ("ul", "ol"):
        fixed = _list_items(fixed)
    if node.tag == "tr" and not any(isinstance(c, _Node) and c.tag in ("td", "th") for c in fixed):
        return []  # a row without cells: the Nu checker refuses it
    node.children = fixed
    if node.tag in PHRASING and _has_flow(fixed):
        return fixed
    if node.tag in PHRASING_ONLY and _has_flow(fixed):
        node.tag = "div"
    return [node]


def _serialise(items: list[_Node | str], out: list[str]) -> None:
    for item in items:
        if isinstance(item, str):
            out.append(escape(item, quote=False).replace("\xa0", "&nbsp;"))  # as nh3 writes it
            continue
        attrs = "".join(f' {k}="{escape(v or "", quote=True).replace(chr(0xA0), "&nbsp;")}"' for k, v in item.attrs)
        out.append(f"<{item.tag}{attrs}>")
        if item.tag not in VOID:
            _serialise(item.children, out)
            out.append(f"</{item.tag}>")


def repair(html: str) -> str:
    """Sanitised HTML with block elements never inside inline ones."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    out: list[str] = []
    _serialise(_normalise(builder.root)[0].children, out)
    return "".join(out)
