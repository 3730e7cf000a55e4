"""Plain paragraphs skip Python-Markdown: the result must be exactly what markdown gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest_desk.paths import resource
from digest_desk.render import mdparse
from digest_desk.render.mdparse import plain_paragraph

from .fixtures import DATA


def _both(body: str) -> tuple[mdparse.ParsedBody, mdparse.ParsedBody]:
    return mdparse._parse(body), mdparse._parse(body, fast_path=False)


@pytest.mark.parametrize("text, plain", [
    ("The council met on Tuesday. \"It's late,\" she said -- twice...", True),
    ("Line one\nline two of the same paragraph", True),
    ("Prices rose 5% (again); 'the 90s' are back!", True),
    ("# Heading", False), ("   ## Heading", False), ("Title\n=====", False), ("Title\n---", False),
    ("- item", False), ("+ item", False), ("1. first", False), ("1986) year", False),
    ("> quote", False), ("    code", False), ("~~~\ncode\n~~~", False), ("a *b*", False),
    ("snake_case", False), ("a `b`", False), ("[link](x)", False), ("a & b", False), ("a < b", False),
    ("a > b", False), ("a\\b", False), ("x | y", False), ("hard break  \nnext", False),
    ("see https://youtu.be/dQw4w9WgXcQ", False), ("HTTP://EXAMPLE.ORG", False), ("a\tb", False),
    ("a \n b", False), ("\ue000", False), ("\x02x\x03", False),
])
def test_plain_paragraph_rule(text, plain):
    assert plain_paragraph(text) is plain


def test_fast_path_is_taken_for_prose_and_matches_markdown():
    body = "First \"quoted\" words -- and 'more'...\n\n" * 5 + "## Heading\n\nLast one."
    fast, slow = _both(body)
    assert fast == slow
    assert len(fast.chunks) == 7 and fast.chunks[0].html == "<p>First \u201cquoted\u201d words \u2013 and \u2018more\u2019\u2026</p>"


@pytest.mark.parametrize("first", [
    "1. word", "1986) word", "# word", "Title\n===", "Title\n---", "~~~\ncode\n~~~", "a  \nb",
    "https://youtu.be/dQw4w9WgXcQ", "word\nhttps://x.com/someone/status/12345", "> q", "- a", "    code",
    "[r]: https://r.example\n\n[text][r]", "x[^1]\n\n[^1]: note", "a *b* c", "a &amp; b",
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
    "|", "\\", "\t", ":", "é", "\u00a0", "\u2028", "http://a.example/", "https://youtu.be/dQw4w9WgXcQ",
    "[^1]", "[^1]: note", "[r]: https://r.example", "<b>", "&amp;", "\r\n", "\u3000", "\ufeff",
])


_PREFIX = st.sampled_from([
    "", "", "", "", "# ", "   ## ", "1. ", "2) ", "- ", "+ ", "* ", "> ", "    ", "   ", "~~~", "```", "===",
    "---", "***", ": ", "\t", "[^1]: ", "[r]: ", "https://youtu.be/dQw4w9WgXcQ\n", "x  \n", "x \n",
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
