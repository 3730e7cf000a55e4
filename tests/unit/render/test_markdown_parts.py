"""The pieces under the pages: block splitting, typography, URL rules, sanitising."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest_desk import render
from digest_desk.render.chunks import _split_paragraphs, defuse, split_chunks, split_lines
from digest_desk.render.context import is_safe_url
from digest_desk.render.sanitize import clean
from digest_desk.render.typography import smarten

from .article_strategy import body as article_body
from .fixtures import article, context, site
from .safety import audit


def test_chunks_keep_fences_lists_and_quotes_whole():
    body = "# T\n\npara\nmore\n\n- a\n\n- b\n\n    indented\n\n1. one\n\n2. two\n\n> q\n\n> q2\n\n```\nx\n\n\ny\n```\n\nend"
    chunks = split_chunks(body)
    assert [c.line for c in chunks] == [1, 3, 6, 12, 16, 20, 27]
    assert chunks[2].text == "- a\n\n- b\n\n    indented"
    assert chunks[5].text == "```\nx\n\n\ny\n```"


_LINE_PIECES = st.sampled_from(["a", "b c", "\n", "\n\n", "  ", "\t", " \n", "\u2028", "\u00a0", "\x85", "\u3000", "- x",
                                "* y", "1. z", "2) w", ">", "> q", "    code", "\tcode", "#", "x  "])


@settings(max_examples=600, deadline=None)
@given(st.lists(_LINE_PIECES | st.text(max_size=3), max_size=24).map("".join))
def test_blocks_found_a_run_at_a_time_are_those_found_line_by_line(body):
    """Bodies without fences are split a run of lines at a time: the same blocks, text and lines."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("```", "").replace("~~~", "")
    assert _split_paragraphs(body) == split_lines(body)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(article_body())
def test_generated_articles_split_the_same_a_run_at_a_time(body):
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("```", "").replace("~~~", "")
    assert _split_paragraphs(body) == split_lines(body)


_STORM_PIECES = st.sampled_from(["[" * 120, "(" * 90, "[a](b)", "> " * 9, ">" * 20, "> q", "\n\n", "\n", "x", "```",
                                 "    [[[", "-"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_STORM_PIECES | _LINE_PIECES, max_size=30).map("".join))
def test_blocks_are_defused_only_where_defusing_changes_them(body):
    """split_chunks calls defuse only on blocks it can change (judged on the whole body):
    the blocks come out as defusing every block would make them."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    whole = split_lines(body) if "```" in body or "~~~" in body else _split_paragraphs(body)
    assert split_chunks(body) == [defuse(c) for c in whole]


def test_windows_line_endings_keep_line_numbers():
    assert [c.line for c in split_chunks("a\r\n\r\nb\r\n\r\n\r\nc")] == [1, 3, 6]


@pytest.mark.parametrize("text, prev, expected", [
    ('"Hi," she said', "", "\u201cHi,\u201d she said"),
    ("it's", "", "it\u2019s"),
    ("'quoted'", " ", "\u2018quoted\u2019"),
    ("the '90s", "", "the \u201990s"),
    ('" after em', "o", "\u201d after em"),
    ("a -- b --- c...", "", "a \u2013 b \u2014 c\u2026"),
    ("(\"x\")", "", "(\u201cx\u201d)"),
    ("no punctuation", "", "no punctuation"),
])
def test_smart_typography(text, prev, expected):
    assert smarten(text, prev) == expected


def _smarten_one_by_one(text: str, prev: str) -> str:
    """The rule read literally: each mark in turn, by the character before it in the text as written."""
    openers = " \t\n([{<\u2014\u2013-/\u00a0"
    out, last = [], 0
    for m in re.finditer(r"---|--|\.\.\.|[\"']", text):
        start, token = m.start(), m.group()
        before = text[start - 1] if start else prev
        if token in ("---", "--", "..."):
            repl = {"---": "\u2014", "--": "\u2013", "...": "\u2026"}[token]
        elif token == '"':
            repl = "\u201c" if (not before or before in openers) else "\u201d"
        elif before and before not in openers:
            repl = "\u2019"
        else:
            repl = "\u2019" if re.match(r"\d\ds", text[start + 1:]) else "\u2018"
        out += [text[last:start], repl]
        last = m.end()
    return "".join(out) + text[last:]


_MARKS = st.sampled_from(["'", '"', "-", "--", "---", ".", "...", " ", "\t", "\n", "(", "[", "{", "<", "/", "\u00a0",
                          "\u2014", "\u2013", "a", "9", "90s", "s", "x", "\u0669", "\u00b2"])


@settings(max_examples=800, deadline=None)
@given(st.lists(_MARKS | st.text(max_size=2), max_size=14).map("".join), _MARKS | st.just(""))
def test_smarten_passes_equal_the_rule_mark_by_mark(text, prev):
    assert smarten(text, prev[-1:]) == _smarten_one_by_one(text, prev[-1:])


def test_typography_skips_code_and_spans_inline_markup():
    html = render.render_blocks('"*stress*" and `"code"`\n\n```\n"fenced" -- x\n```', "standard")
    joined = "".join(b.html for b in html)
    assert "\u201c<em>stress</em>\u201d" in joined
    assert "<code>&#34;code&#34;</code>" in joined or '<code>"code"</code>' in joined
    assert '"fenced" -- x' in joined


@pytest.mark.parametrize("url, ok", [
    ("https://a.example/x", True), ("http://a.example", True), ("mailto:a@b.example", True),
    ("/relative/path", True), ("#anchor", True), ("page.html", True), ("?q=1", True),
    ("javascript:alert(1)", False), ("JAVASCRIPT:x", False), ("java\nscript:x", False),
    ("\x01javascript:x", False), ("data:text/html,x", False), ("vbscript:x", False),
    ("//evil.example", False), ("\\\\evil.example", False), ("/\\evil.example", False),
    ("https:evil", False), ("ftp://files.example", False), ("", False),
])
def test_url_rules(url, ok):
    assert is_safe_url(url) is ok


def test_sanitiser_keeps_structure_and_drops_danger():
    out = clean('<h2 id="h-a" onclick="x">T</h2><table><tr><td class="ta-left evil">1</td></tr></table>'
                '<a href="https://ok.example" target="_top" style="x">ok</a><code class="language-py">c</code>')
    assert '<h2 id="h-a">T</h2>' in out and '<td class="ta-left">1</td>' in out
    assert '<a href="https://ok.example">ok</a>' in out and '<code class="language-py">' in out


_PIECES = st.sampled_from([
    "text", "*em*", "**strong**", "`code`", "[l](https://a.example/)", "[j](javascript:x)", "<b>",
    "</p>", "<script>", "<!--", "-->", "\"", "'", "&", "&#106;", "![i](media/river.jpg)", "![r](http://x.example/a.png)",
    "\n", "\n\n", "- ", "1. ", "> ", "# ", "```", "|a|b|\n|-|-|\n|1|2|", "[^1]", "[^1]: n", "<svg onload=x>",
    "https://youtu.be/dQw4w9WgXcQ", "\n\nhttps://x.com/a/status/1\n\n", "<a href='javascript:x'>", "    ",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_mix_of_constructs_renders_safely_in_both_renditions(body):
    a, s, ctx = article(body), site(), context()
    for page in (render.standard(a, s, ctx), render.simplified(a, s, ctx)):
        assert audit(page).problems == []


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_publishable_text_is_the_translated_text(text):
    """The quick check for ASCII bodies drops exactly what the translate table drops."""
    from digest_desk.render import mdparse

    assert mdparse.publishable(text) == text.translate(mdparse.UNPUBLISHABLE)
