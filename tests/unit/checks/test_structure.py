"""The heading-level check and its Fix: the markdown is rewritten to the levels the pages show."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from digest_desk import render
from digest_desk.checks import run_checks
from digest_desk.checks.structure import check_structure, consecutive_headings, source_headings

from ..render.fixtures import article, context, site

CODE = "structure.heading-levels"


def _problems(body: str):
    return [p for p in run_checks(article(body), site(), context()) if p.code == CODE]


def test_a_body_starting_at_h3_is_reported_with_a_fix():
    body = "Intro.\n\n### First\n\ntext\n\n##### Deeper\n\n### Second"
    (problem,) = _problems(body)
    assert problem.severity == "warning" and problem.line == 3 and "start at level 3" in problem.message
    assert problem.fix is not None
    fixed = problem.fix.apply(body)
    assert fixed == "Intro.\n\n## First\n\ntext\n\n### Deeper\n\n## Second"
    assert _problems(fixed) == []


def test_a_gap_inside_the_body_is_reported():
    (problem,) = _problems("## One\n\n#### Two")
    assert "skip from level 2 to 4" in problem.message and problem.line == 3
    assert problem.fix.apply("## One\n\n#### Two") == "## One\n\n### Two"


def test_a_level_one_heading_in_the_body_moves_under_the_headline():
    assert consecutive_headings("# Top\n\n## Sub") == "## Top\n\n### Sub"


def test_consecutive_headings_from_h2_are_clean():
    assert _problems("## A\n\n### B\n\n## C\n\nNo headings at all here.") == []
    assert _problems("Just text.") == []


def test_setext_lists_quotes_fences_and_closing_hashes():
    body = "Title\n=====\n\n- ### In a list\n\n> ##### Quoted\n\n```\n# not a heading\n```\n\n    # code\n\n## C# ##"
    assert [(h.line, h.level) for h in source_headings(body)] == [(1, 1), (4, 3), (6, 5), (14, 2)]
    fixed = consecutive_headings(body)
    assert fixed == "## Title\n\n- ### In a list\n\n> #### Quoted\n\n```\n# not a heading\n```\n\n    # code\n\n### C# ##"
    assert list(check_structure(fixed)) == []


_HEADING = st.tuples(st.integers(1, 6), st.sampled_from(["A", "Be", "C d", "E#", "[l](https://a.example/)"]),
                     st.sampled_from(["", "- ", "> ", "1. "]))


@settings(max_examples=80, deadline=None)
@given(st.lists(_HEADING, min_size=1, max_size=8))
def test_after_the_fix_the_source_says_what_the_pages_show(headings):
    body = "\n\n".join(f"{prefix}{'#' * level} {text}\n\nText." for level, text, prefix in headings)
    fixed = consecutive_headings(body)
    assert list(check_structure(fixed)) == []
    page = render.standard(article(fixed), site(), context())
    shown = [int(n) for n in re.findall(r"<h([1-6])\b", page.split('id="dd-body"', 1)[1].split("<footer", 1)[0])]
    assert shown[:len(headings)] == [h.level for h in source_headings(fixed)]
    assert consecutive_headings(fixed) == fixed
