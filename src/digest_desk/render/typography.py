"""Smart quotes, dashes and ellipses on text nodes: a cheaper stand-in for the Smarty extension."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

_SKIP = frozenset({"code", "pre", "kbd", "samp", "script", "style"})
_OPENERS = " \t\n([{<\u2014\u2013-/\u00a0"  # after one of these a quote opens
_QUOTES = re.compile(r"(['\"])")


def smarten(text: str, prev: str) -> str:
    """Curl quotes in ``text``; ``prev`` is the character that came just before it.

    Dashes and ellipses are replaced first (one pass in C each), then each quote by the
    character before it: a replaced character counts as what it replaced (a dash stays an
    opener, a curled quote or an ellipsis does not), so the order changes no quote."""
    single, double = "'" in text, '"' in text
    # (substring scans are much faster than one search; a one-character scan, a memchr, is
    # faster still, so each longer one waits for its character)
    dashes, dots = "-" in text and "--" in text, "." in text and "..." in text
    if not single and not double and not dashes and not dots:
        return text
    if dashes:
        text = text.replace("---", "\u2014").replace("--", "\u2013")
    if dots:
        text = text.replace("...", "\u2026")
    if not single and not double:
        return text
    if single and double:
        pieces = _QUOTES.split(text)
    else:  # the pieces between the quotes, each after its quote: as the split above gives them
        quote = "'" if single else '"'
        pieces = [quote] * (2 * text.count(quote) + 1)
        pieces[::2] = text.split(quote)
    return "".join(_curled(pieces, prev))


def _curled(pieces: list[str], prev: str) -> list[str]:
    """Text, quote, text, quote, text… with each quote curled by the character before it."""
    first = pieces[0]
    before = first[-1] if first else prev
    for k in range(1, len(pieces), 2):
        after = pieces[k + 1]
        if pieces[k] == '"':
            pieces[k] = "\u201c" if (not before or before in _OPENERS) else "\u201d"
        elif (before and before not in _OPENERS) or (after[2:3] == "s" and after[:2].isdecimal()):
            pieces[k] = "\u2019"  # an apostrophe, a closing quote, or the '90s
        else:
            pieces[k] = "\u2018"
        before = after[-1] if after else "'"  # (any quote: none is an opener)
    return pieces


class SmartTypography(Treeprocessor):
    """Walks the finished inline tree once, in document order, curling quotes."""

    def run(self, root: etree.Element) -> None:
        if getattr(self.md, "dd_plain_typography", False):
            return  # the text has no quote, dash or ellipsis (see mdparse._convert)
        _walk(root, _fix(root, "text", ""))


def _walk(parent: etree.Element, prev: str) -> str:
    """Each child's text, its children, then its tail, in document order; returns the last
    character seen (``x`` for the text of code, which is left as it is). (_fix's steps are
    written out here: this runs for every text of every body.)"""
    for el in parent:
        if el.tag in _SKIP:
            prev = "x"
        else:
            text = el.text
            if text:
                if not isinstance(text, AtomicString) and (new := smarten(text, prev)) is not text:
                    el.text = new
                prev = text[-1]
            if len(el):
                prev = _walk(el, prev)
        tail = el.tail
        if tail:
            if not isinstance(tail, AtomicString) and (new := smarten(tail, prev)) is not tail:
                el.tail = new
            prev = tail[-1]
    return prev


def _fix(el: etree.Element, attr: str, prev: str) -> str:
    text = getattr(el, attr)
    if not text:
        return prev
    if not isinstance(text, AtomicString):
        new = smarten(text, prev)
        if new is not text:
            setattr(el, attr, new)
    return text[-1]
