"""Smart quotes, dashes and ellipses on text nodes: a cheaper stand-in for the Smarty extension."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

_SKIP = frozenset({"code", "pre", "kbd", "samp", "script", "style"})
_OPENERS = " \t\n([{<\u2014\u2013-/\u00a0"
_PUNCT = re.compile(r"---|--|\.\.\.|[\"']")
_DASHES = {"---": "\u2014", "--": "\u2013", "...": "\u2026"}
_DECADE = re.compile(r"\d\ds")


def smarten(text: str, prev: str) -> str:
    """Curl quotes in ``text``; ``prev`` is the character that came just before it."""
    if "'" not in text and '"' not in text and "--" not in text and "..." not in text:
        return text  # (four substring scans are much faster than one search of _PUNCT)
    out: list[str] = []
    last = 0
    for m in _PUNCT.finditer(text):
        start = m.start()
        before = text[start - 1] if start else prev
        token = m.group()
        if token in _DASHES:
            repl = _DASHES[token]
        elif token == '"':
            repl = "\u201c" if (not before or before in _OPENERS) else "\u201d"
        elif before and before not in _OPENERS:
            repl = "\u2019"
        elif _DECADE.match(text, start + 1):
            repl = "\u2019"
        else:
            repl = "\u2018"
        out.append(text[last:start])
        out.append(repl)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


class SmartTypography(Treeprocessor):
    """Walks the finished inline tree once, in document order, curling quotes."""

    def run(self, root: etree.Element) -> None:
        stack: list[tuple[etree.Element, int]] = [(root, 0)]
        prev = ""
        # Iterative walk: each element is visited for its text, then children, then its tail.
        while stack:
            el, state = stack.pop()
            if state == 0:
                if el.tag in _SKIP:
                    prev = "x"
                else:
                    prev = self._fix(el, "text", prev)
                    stack.append((el, 1))
                    stack.extend((child, 0) for child in reversed(el))
                    continue
            if el is not root:
                prev = self._fix(el, "tail", prev)

    @staticmethod
    def _fix(el: etree.Element, attr: str, prev: str) -> str:
        text = getattr(el, attr)
        if not text:
            return prev
        if not isinstance(text, AtomicString):
            new = smarten(text, prev)
            if new is not text:
                setattr(el, attr, new)
        return text[-1]
