"""A published article without an author or a category gets a warning; a draft does not yet."""

from __future__ import annotations

import pytest

from digest_desk.checks import run_checks
from digest_desk.domain import Status

from ..render.fixtures import article, site

BYLINE = {"editorial.author-missing", "editorial.category-missing"}


def byline_problems(**fields):
    return {p.code: p for p in run_checks(article("Text.", **fields), site()) if p.code in BYLINE}


def test_published_without_author_or_category_warns_about_both():
    problems = byline_problems(status=Status.PUBLISHED, author="", category="  ")
    assert set(problems) == BYLINE
    assert all(p.severity == "warning" for p in problems.values())
    assert "author" in problems["editorial.author-missing"].message
    assert "section page" in problems["editorial.category-missing"].message


@pytest.mark.parametrize(("fields", "expected"), [
    ({"author": ""}, {"editorial.author-missing"}),
    ({"category": ""}, {"editorial.category-missing"}),
    ({}, set()),
])
def test_each_missing_field_is_named_on_its_own(fields, expected):
    assert set(byline_problems(status=Status.PUBLISHED, **fields)) == expected


@pytest.mark.parametrize("status", [Status.DRAFT, Status.READY])
def test_unpublished_articles_may_still_lack_them(status):
    assert byline_problems(status=status, author="", category="") == {}
