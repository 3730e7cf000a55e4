"""Readability: sentences, syllables through pyphen, Flesch reading ease and grade."""

from __future__ import annotations

import pytest

from digest_desk.prose.readability import readability, sentences, syllables


def test_syllables_come_from_pyphen_with_a_vowel_floor():
    assert [syllables(w) for w in ("the", "ferry", "government", "readability", "make")] == [1, 2, 3, 5, 1]


def test_sentences_end_at_punctuation_headings_list_items_and_blank_lines():
    body = ("# Ferry news\n\nThe ferry left. Dr. Smith waved!\nDid it sail?\n\n- one item\n- two items\n\n"
            "```\nCode. Not. Sentences.\n```\nNo full stop at the end")
    found = sentences(body)
    texts = [body[s.start:s.end] for s in found]
    assert texts == ["Ferry news", "The ferry left.", "Dr. Smith waved!", "Did it sail?", "one item",
                     "two items", "No full stop at the end"]
    assert [s.words for s in found] == [2, 3, 3, 3, 2, 2, 6]


def test_a_sentence_runs_over_soft_line_breaks_and_offsets_cover_it():
    body = "Intro.\n\n" + "word " * 20 + "\n" + "word " * 15 + "end."
    long = readability(body).long_sentences
    assert len(long) == 1 and long[0].words == 36
    assert body[long[0].start:long[0].end].startswith("word") and body[long[0].end - 4:long[0].end] == "end."


def test_flesch_scores_simple_text_easier_than_dense_text():
    easy = readability("The cat sat on the mat. The dog ran to the park. We all had fun.")
    hard = readability("Institutional considerations necessitate comprehensive reorganisation of "
                       "administrative responsibilities throughout governmental organisations.")
    assert easy.reading_ease > 90 and easy.grade < 3
    assert hard.reading_ease < 0 and hard.grade > 20
    assert easy.average_sentence == pytest.approx(16 / 3)


def test_the_long_limit_is_a_parameter_and_empty_text_has_no_score():
    body = " ".join(["word"] * 25) + "."
    assert readability(body, long_limit=20).long_sentences and not readability(body).long_sentences
    empty = readability("```\ncode only\n```")
    assert empty.reading_ease is None and empty.sentences == ()


def test_german_uses_amstad_formula():
    text = "Die Fähre fährt heute. Sie kommt morgen zurück."
    assert readability(text, "de").reading_ease != readability(text, "en").reading_ease
