"""Body headings sit under the page's h1 with no gaps, in both renditions, the preview and the fast path."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest_desk import render
from digest_desk.render import mdparse
from digest_desk.render.structure import level_map, tidy_structure

from .fixtures import article, context, site

_LEVELS = re.compile(r"<h([1-6])\b")


def _body_levels(page: str) -> list[int]:
    body = page.split('id="dd-body"', 1)[1].split('class="dd-tags"', 1)[0]
    return [int(n) for n in _LEVELS.findall(body.split("<footer", 1)[0])]


@pytest.mark.parametrize("levels, shown", [
    ([3, 4, 4, 3], [2, 3, 3, 2]),
    ([1, 2, 3], [2, 3, 4]),
    ([1, 3, 6], [2, 3, 4]),
    ([2, 5, 3, 2], [2, 3, 3, 2]),  # ### after ##### is the child of the ## like the #####
    ([4, 2, 3], [2, 2, 3]),
    ([1, 2, 3, 4, 5, 6], [2, 3, 4, 5, 6, 6]),
    ([], []),
])
def test_level_map_closes_gaps_and_keeps_siblings(levels, shown):
    assert level_map(levels) == shown


@given(st.lists(st.integers(1, 6), max_size=30))
def test_level_map_never_skips_down(levels):
    shown = level_map(levels)
    assert all(2 <= n <= 6 for n in shown)
    for before, after in zip([1, *shown], shown, strict=False):
        assert after <= before + 1


@pytest.mark.parametrize("rendition", [render.standard, render.simplified, render.preview_standard,
                                       render.preview_simplified])
def test_a_body_starting_at_h3_renders_h2_in_every_rendition(rendition):
    page = rendition(article("### First\n\ntext\n\n#### Inner\n\ntext\n\n# Top\n\ntext"), site(), context())
    assert _body_levels(page) == [2, 3, 2]
    assert '<h2 id="h-first">First</h2>' in page and '<h2 id="h-top">Top</h2>' in page


def test_the_fast_path_and_markdown_agree_after_levelling():
    body = "### Plain heading\n\nProse with [a link](https://a.example/).\n\n##### Deep\n\n- one\n- two"
    fast, slow = mdparse._parse(body), mdparse._parse(body, fast_path=False)
    assert fast == slow
    assert [c.html[:3] for c in fast.chunks] == ["<h2", "<p>", "<h3", "<ul"]


def test_preview_blocks_carry_levels_that_depend_on_earlier_blocks():
    body = "### A\n\ntext\n\n#### B"
    blocks = render.render_blocks(body, "standard", context())
    assert '<h3 id="h-b">B</h3>' in blocks[-1].html
    shallower = render.render_blocks("## A\n\ntext\n\n#### B", "standard", context())
    assert '<h3 id="h-b">B</h3>' in shallower[-1].html  # same gap closed the same way
    deeper = render.render_blocks("#### B", "standard", context())
    assert '<h2 id="h-b">B</h2>' in deeper[-1].html
    assert deeper[-1].key != blocks[-1].key  # the preview patches the block whose level changed


def test_raw_html_headings_and_headings_in_lists_and_quotes_are_levelled():
    page = render.standard(article("<h5>Raw</h5>\n\n> #### Quoted\n\n- ###### Listed"), site(), context())
    assert _body_levels(page) == [2, 2, 3]  # the #### is not under the h5: it pops it


def test_empty_headings_are_dropped_and_ids_made_unique():
    body = '##\n\n## **  **\n\nText <a id="h-a">anchor</a> and <a id="dd-body">x</a> <a id="q">1</a><a id="q">2</a>\n\n## A'
    page = render.standard(article(body), site(), context())
    ids = re.findall(r' id="([^"]*)"', page)
    assert len(ids) == len(set(ids))
    assert '<h2 id="h-a-2">A</h2>' in page and 'id="dd-body-2"' in page and 'id="q-2"' in page
    assert "<h2 id=\"h\"></h2>" not in page and "<strong>" not in page.split("dd-body")[1].split("</h2>")[0]


def test_a_heading_holding_only_a_picture_is_not_empty():
    page = render.standard(article("## ![River](media/river.jpg)\n\ntext"), site(), context())
    assert re.search(r"<h2[^>]*><img", page)


def test_tidy_structure_leaves_attribute_text_alone():
    pieces = ['<p><abbr title="&lt;h3&gt; id=x">a</abbr> id="x" as text</p>', '<h4 id="x">T</h4>']
    assert tidy_structure(pieces) == [pieces[0], '<h2 id="x">T</h2>']


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from(["Alpha", "Beta", "It's", "C#", "x [l](https://a.example/)"])),
                min_size=1, max_size=8))
def test_generated_heading_sequences_render_without_gaps(headings):
    body = "\n\n".join(f"{'#' * level} {text}\n\nParagraph." for level, text in headings)
    fast, slow = mdparse._parse(body), mdparse._parse(body, fast_path=False)
    assert fast == slow
    levels = _body_levels(render.standard(article(body), site(), context()))
    assert levels == level_map([level for level, _ in headings])


def _tidy_every_piece(pieces, reserved=frozenset(), keep=""):
    """tidy_structure's rule applied to every piece in turn (the reference for its skips)."""
    from functools import partial

    from digest_desk.render import structure

    found = [[(int(m.group(1)), structure._is_empty(m.group(3), keep)) for m in structure._HEADING.finditer(p)]
             for p in pieces]
    shown = iter(level_map([level for heads in found for level, empty in heads if not empty]))
    seen, out = set(reserved), []
    for piece, heads in zip(pieces, found, strict=True):
        if heads:
            new = [None if empty else next(shown) for _, empty in heads]
            piece = structure._HEADING.sub(partial(structure._relevelled, iter(new)), piece)
        out.append(structure._unique_ids(piece, seen))
    return out


_PIECES = ["<p>words</p>", '<h2 id="h-a">A</h2>', '<h3 id="h-a">A</h3>', "<h4></h4>", '<h1 id="x">X</h1>',
           '<p id="x">p</p>', '<p><a href="https://a.example/?id=1">l</a></p>', '<p title="a id=b">t</p>',
           '<h2 id="top">T</h2><p id="h-a">q</p>', "<h5>deep</h5>", '<p>x = y</p>', "<hr>", '<h6 id="">e</h6>']


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.lists(st.sampled_from(_PIECES), max_size=3).map("\n".join), max_size=12),
       st.sampled_from([frozenset(), frozenset({"x", "h-a"})]))
def test_pieces_without_a_heading_or_id_are_skipped_as_they_would_stay(pieces, reserved):
    assert tidy_structure(pieces, reserved) == _tidy_every_piece(pieces, reserved)
