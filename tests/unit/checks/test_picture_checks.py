"""Checks of the pictures' own words: missing, a file name, too long; the featured credit."""

from __future__ import annotations

import pytest

from digest_desk.checks import run_checks
from digest_desk.domain import Image
from digest_desk.render.picture_markdown import is_file_name

from ..render.fixtures import article, context, site


def _codes(problems, prefix="editorial.image-alt"):
    return [(p.code, p.line) for p in problems if p.code.startswith(prefix)]


@pytest.mark.parametrize("alt", ["ferry photo", "Ferry-Photo", "ferry_photo.jpg", "FERRY PHOTO", "ferry-photo-2"])
def test_file_name_alt_texts_are_recognised(alt):
    assert is_file_name(alt, "ferry-photo.jpg")
    assert is_file_name(alt, "ferry-photo-3.jpg")  # the library's name for a second ferry-photo


@pytest.mark.parametrize("alt", ["The ferry leaves Kirkwall at dawn", "ferry", "photo of a ferry", ""])
def test_real_descriptions_are_not_file_names(alt):
    assert not is_file_name(alt, "ferry-photo.jpg")


def test_body_pictures_missing_file_name_and_long_alt_texts():
    long_alt = "A " + "very " * 30 + "long description"
    body = ("![](media/river.jpg)\n\n![River](media/river.jpg)\n\n"
            "![Ferry Photo](https://img.example.org/photos/ferry-photo.jpg)\n\n"
            f"![{long_alt}](media/river.jpg)\n\n![Fine words](media/river.jpg \"Cap | Credit\")")
    problems = run_checks(article(body), site(), context())
    assert _codes(problems) == [
        ("editorial.image-alt-missing", 1), ("editorial.image-alt-file-name", 3),
        ("editorial.image-alt-file-name", 5), ("editorial.image-alt-too-long", 7)]
    too_long = next(p for p in problems if p.code == "editorial.image-alt-too-long")
    assert str(len(long_alt)) in too_long.message and "125" in too_long.message


def test_exactly_125_characters_pass():
    body = f"![{'x' * 125}](media/river.jpg)\n\n![{'y' * 126}](media/river.jpg)"
    assert _codes(run_checks(article(body), site(), context())) == [("editorial.image-alt-too-long", 3)]


def test_featured_picture_words_come_from_the_article_not_the_library():
    a = article("Text.")
    a.image = Image(name="council-hall.jpg", width=1200, height=800, alt="Council hall", credit="Old Site")
    problems = run_checks(a, site(), context())
    assert _codes(problems) == [("editorial.image-alt-missing", None)]
    (credit,) = [p for p in problems if p.code == "editorial.featured-credit-missing"]
    assert credit.severity == "warning"
    a.image_alt = "Council Hall"
    assert _codes(run_checks(a, site(), context())) == [("editorial.image-alt-file-name", None)]
    a.image_alt, a.image_credit = "The council hall's front steps at night", "Jane Doe"
    problems = run_checks(a, site(), context())
    assert _codes(problems) == [] and not [p for p in problems if "credit" in p.code]
