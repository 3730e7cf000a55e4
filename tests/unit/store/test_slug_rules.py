"""Slug rules: derived, ASCII, short, unique after folding, never empty or reserved."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest_desk.domain.slugs import (
    MAX_SLUG,
    SlugError,
    clean_text,
    slugify,
    unique_slug,
    validate_slug,
)
from digest_desk.store import DuplicateSlugError
from digest_desk.store.articles import create_article, get_by_slug, save_article

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _never_taken(_key: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Rivers Rise in the North", "rivers-rise-in-the-north"),
        ("Zürich café reopens", "zurich-cafe-reopens"),
        ("Москва: новости дня", "moskva-novosti-dnya"),
        ("  --Hello,   World!--  ", "hello-world"),
        ("Price 4.5% up", "price-4-5-up"),
    ],
)
def test_slug_is_derived_from_the_title(title, expected):
    assert unique_slug(title, _never_taken) == expected


@pytest.mark.parametrize("title", ["..", "🎉🎉🎉", "", "   ", "/\\?*", "\u200b\u202e"])
def test_titles_without_letters_still_get_a_slug(title):
    assert unique_slug(title, _never_taken) == "article"


@pytest.mark.parametrize("title", ["CON", "index", "INDEX", "Amp", "feed", "LPT1", "nul", "about"])
def test_reserved_names_are_never_used(title):
    slug = unique_slug(title, _never_taken)
    assert slug == slugify(title) + "-article"
    with pytest.raises(SlugError, match="reserved"):
        validate_slug(title)


def test_three_hundred_character_title_is_cut_at_a_word():
    title = " ".join(["newsroom"] * 40)[:300]
    slug = unique_slug(title, _never_taken)
    assert len(slug) <= MAX_SLUG and SLUG.match(slug)
    assert slug.endswith("newsroom")


def test_bidi_and_zero_width_characters_are_removed():
    title = "Sa\u200bfe\u202e \u2066title\u2069\ufeff"
    assert clean_text(title) == "Safe title"
    assert slugify(title) == "safe-title"


def test_hand_typed_slugs_are_checked():
    assert validate_slug("good-slug-2") == "good-slug-2"
    with pytest.raises(SlugError, match="try “bad-slug”"):
        validate_slug("Bad Slug")
    with pytest.raises(SlugError, match="at least one"):
        validate_slug("..")


def test_uniqueness_folds_case_and_look_alikes(store):
    latin = create_article(store, title="Safari season opens")
    cyrillic = create_article(store, title="Сафари season opens")  # Cyrillic С, а, ф, р, и
    assert latin.slug == "safari-season-opens"
    assert cyrillic.slug == "safari-season-opens-2"
    with pytest.raises(SlugError):  # a hand-typed look-alike is not a valid slug at all
        create_article(store, title="x", slug="sаfari")  # Cyrillic а
    with pytest.raises(DuplicateSlugError):
        save_article(store, cyrillic, slug="safari-season-opens")
    assert get_by_slug(store, "SAFARI-SEASON-OPENS").id == latin.id


def test_same_title_twice_gets_numbered_slugs(store):
    slugs = [create_article(store, title="Weather").slug for _ in range(3)]
    assert slugs == ["weather", "weather-2", "weather-3"]


def test_numbered_suffix_keeps_long_slugs_within_the_limit(store):
    title = "x" * 300
    first = create_article(store, title=title).slug
    second = create_article(store, title=title).slug
    assert len(first) == MAX_SLUG and len(second) == MAX_SLUG and second.endswith("-2")


@given(st.text(max_size=400))
def test_any_title_gives_a_valid_slug(title):
    slug = unique_slug(title, _never_taken)
    assert SLUG.match(slug), slug
    assert len(slug) <= MAX_SLUG
    assert validate_slug(slug) == slug


def test_titles_are_one_line_without_control_characters(store):
    a = create_article(store, title="  Storm\nwarning\x00 for\t\u2028the coast\u200b  ")
    assert a.title == "Storm warning for the coast"
    assert a.slug == "storm-warning-for-the-coast"
