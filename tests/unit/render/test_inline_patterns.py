"""Only the inline patterns, block processors and preprocessors a body can trigger are run
(and the unescape pass only after a backslash, our whitespace pass instead of markdown's): the
HTML must be what markdown gives with all of them, each its own."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest_desk.render import mdparse

from .article_strategy import body
from .fixtures import DATA

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from export import realistic_body  # noqa: E402  (the export benchmark's realistic corpus)

# Each syntax piece brings a few of the characters patterns look for; words bring none.
SYNTAX = ["*em*", "**strong**", "_under_", "snake_case", "`code`", "\\*", "[l](https://a.example/)",
          "[l](https://a.example/ \"t\")", "![p](media/river.jpg)", "[ref][r]\n\n[r]: https://r.example/",
          "[r]\n\n[r]: https://r.example/", "![a][p] ![p]\n\n[p]: media/river.jpg", "[x]: https://x.example/", "[x] [y]",
          "[^1]\n\n[^1]: note", "<https://auto.example/>", "<me@example.org>", "<b>raw</b>", "&amp;", "&copy;",
          "a & b", "line  \nbreak", "tab\there", "a\t\nb", "> quoted  \n> on", ">  \n> x", "| a | b |\n|---|---|\n| 1 | 2 |",
          "1. one\n2. two", "- x  \n- y", "    indented  ", "```\nfence\n```", "## Head *x*", "x]", "[x", "!x", "^",
          "\\\\`code`", "`a\\`b`", "Head\n===", "Head\n---", "Head\n- x", "* * *", "___", "- - -", "+ plus", "a | b",
          "a|b\n-|-\n1|2", "1) x", "2. two", "&#65; &x &#x41", "a &amp b", "> > deep", "~~~\ncode\n~~~", "```", "  \n  \n",
          "x \n\t\n y", "#x", "[^n]: note", "[r]: https://r.example/", "![p](media/river.jpg)\nafter",
          " https://youtu.be/dQw4w9WgXcQ ", "<https://x.com/someone/status/1>", "text https://youtu.be/dQw4w9WgXcQ", "| a \\| b | c |\n|---|---|\n| 1 | 2 |", "[l](https://a.example/\\_x)", "![a\\*](p.jpg)"]
WORDS = ["council", "it's", "\"quoted\"", "--", "...", "river", "vote", "5%", "(a)", ":", "#", "'90s"]


def _reference() -> markdown.Markdown:
    """A parser as mdparse builds it, running every inline pattern on every text."""
    return mdparse._build()


def _all_patterns(md: markdown.Markdown, text: str) -> tuple[str, list]:
    md.reset()
    md.dd_embeds = []
    return md.convert(text), md.dd_embeds


def _check(md: markdown.Markdown, text: str) -> None:
    assert mdparse._convert(text) == _all_patterns(md, text)


def test_the_realistic_corpus_renders_as_with_every_pattern():
    md = _reference()
    rng = random.Random(17)
    for n in range(150):
        text = realistic_body(rng, n)
        _check(md, text)
        _check(md, "\n\n".join(f"{mdparse.marker(i)}\n\n{part}" for i, part in enumerate(text.split("\n\n"))))


def test_the_reference_article_renders_as_with_every_pattern():
    _check(_reference(), (DATA / "reference.md").read_text("utf-8"))


@pytest.mark.parametrize("piece", SYNTAX)
def test_each_syntax_piece_renders_as_with_every_pattern(piece):
    md = _reference()
    for text in (piece, f"Council {piece} river", f"- {piece}", f"> {piece}", f"| {piece} | b |\n|---|---|\n| 1 | 2 |"):
        _check(md, text)


@st.composite
def sparse_body(draw: st.DrawFn) -> str:
    """Prose with a few syntax pieces, so that most patterns are left out for it."""
    parts = draw(st.lists(st.sampled_from(WORDS) | st.sampled_from(SYNTAX) | st.text(max_size=4), min_size=1, max_size=30))
    seps = draw(st.lists(st.sampled_from([" ", " ", "\n", "\n\n", "  \n", "\t"]), min_size=len(parts), max_size=len(parts)))
    return "".join(s + p for s, p in zip(seps, parts, strict=True))


_MD = _reference()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sparse_body())
def test_sparse_bodies_render_as_with_every_pattern(text):
    _check(_MD, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body())
def test_any_body_renders_as_with_every_pattern(text):
    _check(_MD, text)


LINE_PIECES = ["![", "](", ")", "<", ">", "http", "https://", "youtu.be/", "dQw4w9WgXcQ", "x.com/a/status/1", "media/p.jpg",
               " ", "\t", "\u00a0", "\u2003", "\"t\"", "a"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(LINE_PIECES) | st.text(max_size=3), max_size=10).map("".join))
def test_a_line_is_an_embed_only_when_it_starts_as_one(line):
    """EmbedLines looks at a line only when its stripped text starts as an embed can."""
    if mdparse._block_embed(line) is not None:
        assert line.strip().startswith(mdparse._EMBED_STARTS)


@pytest.mark.parametrize("line", ["![a](media/p.jpg)", "  ![a](p.jpg \"t\")\t", "https://youtu.be/dQw4w9WgXcQ",
                                  "\u00a0<https://x.com/someone/status/1>", "http://www.youtube.com/watch?v=dQw4w9WgXcQ"])
def test_embed_lines_still_found(line):
    assert mdparse._block_embed(line) is not None and line.strip().startswith(mdparse._EMBED_STARTS)


def test_the_per_text_pattern_skip_is_in_use():
    """The installed Python-Markdown has the inline steps _Inline builds on (else the property
    tests above would compare markdown's own loop with itself)."""
    md = mdparse._markdown()
    mdparse._convert("*a* [b](https://b.example/)")
    inline = md.treeprocessors["inline"]
    assert isinstance(inline, mdparse._Inline) and inline.dd_needs is not None


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["p", "P", "div/", "DIV//", "pre", "code", "h1", "li", "span", "em", "table", "hr/", "x", "", "/"])
       | st.text(max_size=6) | st.none() | st.integers())
def test_block_level_tags_are_markdowns(tag):
    """Our set-based block-level test answers as markdown's own list-based one."""
    md = mdparse._build()
    assert md.is_block_level(tag) is markdown.Markdown.is_block_level(md, tag)


def _markdown_pieces(text: str) -> list[str]:
    """The blocks of ``text`` as markdown renders them between our markers, before sanitising."""
    source = "\n\n".join(f"{mdparse.marker(i)}\n\n{part}" for i, part in enumerate(text.split("\n\n")))
    parts = mdparse._token_patterns()[0].split(mdparse._convert(source)[0])
    return [piece.strip() for piece in parts[2::2] if piece.strip()]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body())
def test_blocks_without_raw_html_sanitise_together_as_one_by_one(text):
    """A body without raw HTML has its blocks sanitised in one call: each comes back as alone."""
    text = text.translate(mdparse.UNPUBLISHABLE).replace("<", "")
    pieces = _markdown_pieces(text)
    assert mdparse._clean_together(pieces) == [mdparse.clean(p) for p in pieces]


def test_the_realistic_corpus_sanitises_together_as_one_by_one():
    rng = random.Random(23)
    for n in range(100):
        pieces = _markdown_pieces(realistic_body(rng, n))
        assert len(pieces) > 1 and mdparse._clean_together(pieces) == [mdparse.clean(p) for p in pieces]


_NEEDLES = sorted({s for table in (mdparse._NEEDS, mdparse._BLOCK_NEEDS, mdparse._PRE_NEEDS)
                   for need in table.values() for part in need for s in part} | {"--", "...", "'", '"', "\\"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NEEDLES) | st.sampled_from(WORDS) | st.text(max_size=3), max_size=12).map("".join),
       st.lists(st.sampled_from(_NEEDLES), min_size=1, max_size=8))
def test_what_a_text_holds_is_what_a_search_finds(text, needles):
    """The gated, remembered look-ups answer as ``in`` does, asked once or again."""
    holds = mdparse._Holds(text)
    for needle in needles + needles:
        assert holds[needle] is (needle in text)
