"""Everyday blocks skip Python-Markdown: the result must be exactly what markdown gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest_desk.paths import resource
from digest_desk.render import mdparse
from digest_desk.render.fastpath import fast_block

from .fixtures import DATA

MARK = "@@"


def _both(body: str) -> tuple[mdparse.ParsedBody, mdparse.ParsedBody]:
    return mdparse._parse(body), mdparse._parse(body, fast_path=False)


@pytest.mark.parametrize("block, html", [
    ("The council met on Tuesday. \"It's late,\" she said -- twice...",
     "<p>The council met on Tuesday. \u201cIt\u2019s late,\u201d she said \u2013 twice\u2026</p>"),
    ("Line one\nline two", "<p>Line one\nline two</p>"),
    ("\"Quoted\" at the start", "<p>\u201cQuoted\u201d at the start</p>"),
    ("Prices rose 5% (again); 'the 90s' are back!", "<p>Prices rose 5% (again); \u2018the 90s\u2019 are back!</p>"),
    ("See [the \"report\"](https://example.org/r?x=1) now.",
     '<p>See <a href="https://example.org/r?x=1">the \u201creport\u201d</a> now.</p>'),
    ("- one\n- [two](http://b.example/x_y) 'too'",
     '<ul>\n<li>one</li>\n<li><a href="http://b.example/x_y">two</a> \u2018too\u2019</li>\n</ul>'),
    ("- a\n- b\n\n- c\n- d", "<ul>\n<li>a</li>\n<li>\n<p>b</p>\n</li>\n<li>\n<p>c</p>\n</li>\n<li>d</li>\n</ul>"),
    ("## It's [here](https://a.example)", f'<h2 id="{MARK}h-its-here">It\u2019s <a href="https://a.example">here</a></h2>'),
])
def test_everyday_blocks_are_built_directly(block, html):
    assert fast_block(block, MARK) == html


@pytest.mark.parametrize("block", [
    "# Heading #", "#Heading", "   ## Indented", "Title\n=====", "Title\n---", "- item\ntext", "- item\n\n\n- far",
    "-  two spaces", "- - nested", "- 1. nested", "+ item", "* item", "1. first", "1986) year", "> quote", "    code",
    "~~~\ncode\n~~~", "a *b*", "snake_case", "a `b`", "[ref][id]", "[link](/relative)", "![i](https://a.example/i.png)",
    "[l](https://a.example \"title\")", "[l](https://a.example/a&b)", "a & b", "a < b", "a > b", "a\\b", "x | y",
    "hard break  \nnext", "see https://youtu.be/dQw4w9WgXcQ", "HTTP://EXAMPLE.ORG", "a\tb", "a \n b", "\ue000",
    "\x02x\x03", "x[^1]", "a\u2028b", "# word\u3000", "- item\u3000", "one line ending in a space ",
])
def test_everything_else_is_left_to_markdown(block):
    assert fast_block(block, MARK) is None


@pytest.mark.parametrize("body", [
    "<div>\n\nword\n\n</div>", "<!--\n\nword\n\n-->", "~~~,\n~~~\n\nword\n\n~~~ ", "```\n\nword\n\n```",
])
def test_html_blocks_and_fences_spanning_blocks_match_markdown(body):
    fast, slow = _both(body)
    assert fast == slow


def test_heading_ids_are_numbered_across_both_paths():
    body = "## News\n\ntext\n\n## *News*\n\n## News\n\n## News 2"
    fast, slow = _both(body)
    assert fast == slow
    assert re.findall(r'id="([^"]+)"', "".join(c.html for c in fast.chunks)) == [
        "h-news", "h-news-2", "h-news-3", "h-news-2-2"]


@pytest.mark.parametrize("first", [
    "1. word", "1986) word", "# word", "Title\n===", "Title\n---", "~~~\ncode\n~~~", "a  \nb",
    "https://youtu.be/dQw4w9WgXcQ", "word\nhttps://x.com/someone/status/12345", "> q", "- a\n- b", "    code",
    "[r]: https://r.example\n\n[text][r]", "x[^1]\n\n[^1]: note", "a *b* c", "a &amp; b", "## Heading",
    "[a](https://youtu.be/dQw4w9WgXcQ)", "- [a](https://a.example)\n- b", "[l](https://a.example)[l](https://b.example)",
    "[^x](https://a.example)", "![i](https://a.example/i.png)", "'Tis the season", "- 'a'\n- \"b\"",
    "## 'Quoted' [\"heading\"](https://a.example)", "- a\n\n- b", "- a\n- b\n\n- c\n- d", "- a\n\n\n- b",
    "- a\n\n- b\n\n- c", "- a\n   \n- b", "- a\n\n  - b", "- a\n\nb",
    "no-break\u00a0space", "- no-break\u00a0item", "a = b",
])
def test_blocks_markdown_would_change_match_markdown(first):
    fast, slow = _both(first + "\n\nThe end.")
    assert fast == slow


@pytest.mark.parametrize("name", ["reference", "samples"])
def test_real_articles_render_the_same_with_and_without_the_fast_path(name):
    bodies = [(DATA / "reference.md").read_text("utf-8")] if name == "reference" else [
        path.read_text("utf-8") for path in sorted(resource("samples").rglob("*.md"))
    ]
    assert bodies
    for body in bodies:
        fast, slow = _both(body)
        assert fast == slow


_WORDS = st.sampled_from([
    "word", "The", "news", " ", "  ", "\n", "\n\n", "\n   ", "\n    ", "'", "\"", "--", "---", "...", ".", ",",
    "1.", "2)", "12", "#", "-", "+", "=", "~~~", "```", "*", "_", "`", "[", "]", "(", ")", "!", "<", ">", "&",
    "|", "\\", "\t", ":", "é", "\u00a0", "\u2028", "\x85", "http://a.example/", "https://youtu.be/dQw4w9WgXcQ",
    "[^1]", "[^1]: note", "[r]: https://r.example", "<b>", "&amp;", "\r\n", "\u3000", "\ufeff",
    "<div>", "</div>", "<!--", "-->", "[a link](https://a.example/p)", "[x](http://b.example/q_r)", " [l](https://c.example) ", "![", "[r]",
    # Links and heading ids the sanitiser changes or drops (so those blocks must still go through it).
    "[odd](https://a.example/{x}|^)", "[h](http:///x)", "[i](https://b\u00fccher.example/\u00e9)", "[up](HTTPS://A.EXAMPLE/)",
    "[q](https://a.example/?q=1=2#f)", "[n](https://a.example/\u00a0x)", "\u6771\u4eac", "\u00dcber", "amp", "-amp-",
])
_PREFIX = st.sampled_from([
    "", "", "", "", "# ", "<div>", "</div>", "<!--", "-->", "   ## ", "###### ", "1. ", "2) ", "- ", "- ", "+ ", "* ", "> ", "    ", "   ", "~~~",
    "```", "===", "---", "***", ": ", "\t", "[^1]: ", "[r]: ", "https://youtu.be/dQw4w9WgXcQ\n", "x  \n", "x \n",
])
_LINE = st.tuples(_PREFIX, st.lists(_WORDS | st.just("word "), min_size=1, max_size=8)).map(
    lambda t: t[0] + "".join(t[1]))
_PARAGRAPH = st.lists(_LINE, min_size=1, max_size=3).map("\n".join)


@settings(max_examples=600, deadline=None)
@given(st.lists(_PARAGRAPH, min_size=2, max_size=6))
def test_any_body_renders_the_same_with_and_without_the_fast_path(paragraphs):
    body = "\n\n".join(paragraphs)
    fast, slow = _both(body)
    assert fast == slow


def test_the_sanitiser_returns_plain_text_blocks_unchanged():
    # The fast path skips nh3 for <p>/<ul>/<li> blocks around text without &, <, > or a
    # no-break space (nor the control characters removed before parsing): for every other
    # Unicode character nh3 must give the block back as it was.
    from digest_desk.render.sanitize import clean

    skipped = set("&<>\u00a0")
    chars = [chr(c) for c in range(0x20, 0x110000) if not 0xD800 <= c <= 0xDFFF and chr(c) not in skipped]
    chars += ["\n", "\u2028", "\x85"]
    for start in range(0, len(chars), 4096):
        text = "".join(chars[start:start + 4096])
        for block in (f"<p>{text}</p>", f"<ul>\n<li>{text}</li>\n<li>\n<p>{text}</p>\n</li>\n</ul>"):
            assert clean(block) == block
