"""The markdown form of a picture's own words: written, found again and read back unchanged."""

from __future__ import annotations

import pytest

from digest_desk.render.mdparse import parse_body
from digest_desk.render.picture_markdown import (
    PictureWords,
    picture_at,
    picture_markdown,
    pictures_in,
    split_title,
    suggested_alt,
)


@pytest.mark.parametrize("words", [
    PictureWords("Ferry at dawn", "Leaving Kirkwall", "Jane Doe"),
    PictureWords("Ferry", "", "Jane Doe"),
    PictureWords("Ferry", "A | B in the caption", ""),
    PictureWords("Ferry", 'The "Orcadia" leaves', "J. Doe"),
    PictureWords("A [bracketed] alt", "", ""),
    PictureWords("", "", ""),
])
def test_words_survive_writing_finding_and_parsing(words):
    text = picture_markdown("media/ferry.jpg", words)
    span = picture_at(f"Before {text} after", 9)
    assert span is not None and span.media_name == "ferry.jpg"
    expected = PictureWords(words.alt.replace("[", "(").replace("]", ")"),
                            words.caption.replace('"Orcadia"', "“Orcadia”"), words.credit)
    assert span.words == expected
    (embed,) = parse_body(text).embeds  # the renderer reads the same words
    assert (embed.alt, embed.caption, embed.credit) == (expected.alt, expected.caption, expected.credit)
    assert embed.block


def test_title_without_a_bar_is_all_caption():
    assert split_title("Just a caption") == ("Just a caption", "")
    assert split_title("Caption | Credit") == ("Caption", "Credit")
    assert split_title("| Credit") == ("", "Credit")


def test_pictures_are_found_per_line_and_only_under_the_cursor():
    body = 'Text\n\n![a](media/a.jpg) and ![b](media/b.jpg "B | Bo")\n\nEnd'
    assert [(line, s.src) for line, s in pictures_in(body)] == [(3, "media/a.jpg"), (3, "media/b.jpg")]
    line = body.split("\n")[2]
    assert picture_at(line, line.index("b.jpg")).words.credit == "Bo"
    assert picture_at(line, line.index(" and ") + 2) is None  # two on the line, neither under the cursor
    assert picture_at("no picture here", 3) is None


def test_the_suggestion_is_never_the_file_name():
    assert suggested_alt("Ferry Photo", "ferry-photo-2.jpg") == ""
    assert suggested_alt(" The ferry at the pier ", "ferry-photo.jpg") == "The ferry at the pier"
