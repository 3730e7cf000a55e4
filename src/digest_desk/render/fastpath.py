"""The everyday blocks of news prose, rendered without Python-Markdown.

Python-Markdown spends ~0.3 ms on any document and 0.1–0.3 ms on each block with a link or
a list, which made it most of an export's time. Most blocks of an article are prose with
plain inline links, bullet lists of such lines, or one-line headings. For those blocks this
module builds exactly the HTML Python-Markdown builds (before sanitising), curled quotes
included; every other block returns None and goes through markdown as before. Tests compare
both paths on real articles, on one example per rule below and on generated bodies.
"""

from __future__ import annotations

import re

from digest_desk.render.typography import smarten

# Rules on the block's lines: nothing that opens a heading, list, quote, code block, rule,
# setext underline or fence, no indented or blank line, no hard break (trailing spaces), no
# tab, no placeholder or parking character of the parser.
# (Several simple searches: one regex with all the alternatives is five times slower. A
# character-class search costs ~10 ns per character; ``in`` on one character a fraction.)
_BAD_CHARS = re.compile(r"[\t\x02\x03\x85\u2028\u2029\ue000-\ue003]")  # all but the first three are not ASCII
_BAD_START = re.compile(r" {0,3}(?:[#=:+~\-]|\d+[.)])| {4}")
# Rules on the text between links and on link labels: no inline syntax at all, and no URL
# outside a link (a line holding only a URL can become an embed).
_INLINE_CHARS = "*`\\[]<>&_|^"  # emphasis first: the most common reason a block needs markdown
# An inline link in its plainest form: [label](http(s) URL) with no title, space or markup,
# not after ! or \ (checked after the bracket, so the search can jump from bracket to bracket).
_LINK = re.compile(r"\[(?<![!\\]\[)([^\[\]\n]+)\]\((https?://[^\s()<>\"'\\&`*\[\]]+)\)")
_ITEM = re.compile(r"- (\S.*)")
_HEADING = re.compile(r"(#{1,6}) (\S[^#\n]*)")

HEADING_ID_CHARS = re.compile(r"[^\w\- ]+")


def _block_ok(text: str) -> bool:
    if "\t" in text or "\x02" in text or "\x03" in text:
        return False
    if not text.isascii() and _BAD_CHARS.search(text) is not None:
        return False
    if "\n" not in text:  # one line (most blocks): as the loop below
        return bool(text) and not text.endswith(" ") and _BAD_START.match(text) is None
    for line in text.split("\n"):
        if line.endswith(" ") or not line or _BAD_START.match(line) is not None:
            return False
    return True


def _inline_ok(text: str) -> bool:
    for char in _INLINE_CHARS:
        if char in text:
            return False
    return "http" not in text.lower()


def heading_base(text: str) -> str:
    """The id a heading with this text gets before duplicates are numbered."""
    return "h-" + "-".join(HEADING_ID_CHARS.sub("", text).lower().split())[:60].strip("-")


def _inline(text: str) -> tuple[str, str] | None:
    """(HTML, text as a reader sees it) of one line's inline content, or None when markdown
    is needed. The character before the text is a newline (it starts its element)."""
    if "[" not in text:  # no link: one run of words (most lines)
        if not _inline_ok(text):
            return None
        shown = smarten(text, "\n")
        return shown, shown
    parts = _LINK.split(text)
    for k, part in enumerate(parts):
        if k % 3 != 2 and not _inline_ok(part):
            return None
    html: list[str] = []
    seen: list[str] = []
    prev = "\n"
    for k in range(0, len(parts), 3):
        words = parts[k]
        html.append(smarten(words, prev))
        seen.append(html[-1])
        prev = words[-1] if words else prev
        if k + 2 < len(parts):
            label, url = parts[k + 1], parts[k + 2]
            shown = smarten(label, prev)
            html.append(f'<a href="{url}">{shown}</a>')
            seen.append(shown)
            prev = label[-1]
    return "".join(html), "".join(seen)


def fast_block(text: str, heading_mark: str) -> str | None:
    """Python-Markdown's HTML for one block, when the block is everyday prose; else None.

    Heading ids are written as ``heading_mark`` + base; the caller numbers duplicates in
    document order, as it does for the headings markdown renders.
    """
    if _block_ok(text):
        inline = _inline(text.lstrip())
        return None if inline is None else f"<p>{inline[0]}</p>"
    if text.startswith("- "):
        return _bullets(text)
    m = _HEADING.fullmatch(text)
    if m is not None and _block_ok(m.group(2)) and m.group(2) == m.group(2).strip():  # markdown strips it
        inline = _inline(m.group(2))
        if inline is None:
            return None
        level = len(m.group(1))
        return f'<h{level} id="{heading_mark}{heading_base(inline[1])}">{inline[0]}</h{level}>'
    return None


def _bullets(text: str) -> str | None:
    """A bullet list of one-line items. Markdown makes an item next to a blank line "loose"
    (its text in a paragraph); the others stay tight."""
    items: list[list] = []  # [inline HTML, loose]
    blank = False
    for line in text.split("\n"):
        if not line:
            if blank or not items:
                return None  # two blank lines in a row may end the list
            blank = items[-1][1] = True
            continue
        m = _ITEM.fullmatch(line)
        if m is None or not _block_ok(m.group(1)) or m.group(1) != m.group(1).strip():
            return None
        inline = _inline(m.group(1))
        if inline is None:
            return None
        items.append([inline[0], blank])
        blank = False
    if blank:
        return None
    body = "".join(f"<li>\n<p>{html}</p>\n</li>\n" if loose else f"<li>{html}</li>\n" for html, loose in items)
    return f"<ul>\n{body}</ul>"
