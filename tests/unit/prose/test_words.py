"""The words a spell check looks at: markdown syntax, URLs, addresses and code are left out."""

from __future__ import annotations

from digest_desk.prose.words import body_spell_words, mask, spell_words


def words(line: str) -> list[str]:
    return [word for _start, _end, word in spell_words(line)]


def test_link_text_is_prose_but_its_target_is_not():
    assert words("See [the harbour report](https://example.com/teh-report) now") == \
        ["See", "the", "harbour", "report", "now"]
    assert words("![A ferry at dawn](media/ferri_1.jpg)") == ["ferry", "at", "dawn"]
    assert words('[x]: https://example.org/teh "Title"') == []


def test_urls_addresses_code_tags_and_entities_are_skipped():
    line = ("Mail desk@example.org or visit www.exampel.com and https://exampel.com/a?b=c, "
            "run `teh --fix` in <span class=\"teh\">Harbour</span> &nbsp; example.co.uk/path")
    assert words(line) == ["Mail", "or", "visit", "and", "run", "in", "Harbour"]


def test_words_with_digits_or_underscores_acronyms_and_single_letters_are_skipped():
    assert words("The ferry-2024 slug, file_name, 3rd, NATO, BBC and a I x") == ["The", "slug", "and"]


def test_hyphenated_words_are_checked_part_by_part_and_apostrophes_stay():
    assert words("A well-known don't and rock’n’roll — harbour's") == \
        ["well", "known", "don't", "and", "rock’n’roll", "harbour's"]


def test_offsets_point_into_the_original_line():
    line = "**Bold** _teh_ __strong__ [recieve](http://x)"
    for start, end, word in spell_words(line):
        assert line[start:end] == word
    assert words(line) == ["Bold", "teh", "strong", "recieve"]


def test_heading_markers_and_list_markers_are_not_words():
    assert words("## Teh heading") == ["Teh", "heading"]
    assert words("- [ ] list item") == ["list", "item"]


def test_fenced_and_indented_code_is_left_out_of_a_body():
    body = "Frist line.\n\n```python\nteh_code = 1\nprint(teh)\n```\n\n    indented teh\n\nLast lnie."
    assert list(body_spell_words(body)) == [(1, "Frist"), (1, "line"), (10, "Last"), (10, "lnie")]


def test_mask_keeps_the_length():
    line = "a `code` [t](http://u) <b>x</b> me@x.org"
    assert len(mask(line)) == len(line)
