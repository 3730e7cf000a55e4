"""Spelling and sentence-length checks: grouped advice, never errors, also from `digest-desk check`."""

from __future__ import annotations

import pytest

from digest_desk.checks import run_checks
from digest_desk.checks.language import check_sentence_length, check_spelling
from digest_desk.cli import main
from digest_desk.domain import Article, Site
from digest_desk.prose.speller import dictionary_tag
from digest_desk.render import RenderContext
from digest_desk.store.articles import create_article
from digest_desk.store.dictionary import add_site_word

needs_en = pytest.mark.skipif(
    dictionary_tag("en") is None,
    reason="no English Hunspell dictionary through enchant here (apt-get install libenchant-2-2 hunspell-en-us)")
BODY = "Teh port opened.\n\nThe goverment will recieve [teh](https://teh.example/teh) `teh` teh.\n"


def _article(body: str = BODY, title: str = "Ferry resumes", summary: str = "") -> Article:
    return Article(title=title, slug="ferry", summary=summary, body=body)


@needs_en
def test_misspellings_are_one_info_problem_in_order_at_the_first_line():
    problems = check_spelling(_article(), Site())
    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "info" and problem.code == "editorial.spelling" and problem.line == 1
    assert problem.message.startswith("4 possible misspellings: Teh, goverment, recieve, teh.")


@needs_en
def test_site_words_from_the_render_context_are_accepted():
    ctx = RenderContext(site_words=frozenset({"Teh", "teh", "goverment"}))
    spelling = [p for p in run_checks(_article(), Site(), ctx) if p.code == "editorial.spelling"]
    assert [p.message.split(".")[0] for p in spelling] == ["1 possible misspelling: recieve"]


@needs_en
def test_headline_and_summary_are_checked_too_and_long_lists_are_cut():
    problems = check_spelling(_article(body="Fine text.", title="Ferri resumes", summary="Summry"), Site())
    assert problems[0].message.startswith("2 possible misspellings: Ferri, Summry") and problems[0].line is None
    many = " ".join(f"qq{chr(97 + i)}zx" for i in range(15))
    assert "and 3 more" in check_spelling(_article(body=many), Site())[0].message


def test_no_dictionary_means_no_spelling_problem():
    assert check_spelling(_article(), Site(language="xx")) == []


def test_long_sentences_warn_with_the_site_limit():
    body = "Short one.\n\n" + " ".join(["word"] * 31) + ".\n"
    problems = check_sentence_length(_article(body), Site())
    assert [(p.severity, p.code, p.line) for p in problems] == [("warning", "editorial.long-sentences", 3)]
    assert problems[0].message.startswith("1 sentence has more than 30 words (the longest 31)")
    assert check_sentence_length(_article(body), Site(long_sentence_words=40)) == []
    assert "2 sentences" in check_sentence_length(_article(body + body), Site())[0].message


@needs_en
def test_cli_check_reports_misspellings_with_the_site_dictionary(store, db_path, capsys):
    create_article(store, title="Ferry resumes", body="The Kowalczyk goverment spoke.\n")
    assert main(["--db", str(db_path), "check", "ferry-resumes"]) == 0
    assert "info: 2 possible misspellings: Kowalczyk, goverment" in capsys.readouterr().out
    add_site_word(store, "Kowalczyk")
    assert main(["--db", str(db_path), "check", "ferry-resumes"]) == 0
    assert "info: 1 possible misspelling: goverment" in capsys.readouterr().out


def test_cli_sets_the_long_sentence_limit(store, db_path, capsys):
    create_article(store, title="Ferry resumes", body=" ".join(["word"] * 35) + ".\n")
    assert main(["--db", str(db_path), "check", "ferry-resumes"]) == 0
    assert "[editorial.long-sentences]" in capsys.readouterr().out
    assert main(["--db", str(db_path), "site", "set", "long_sentence_words", "40"]) == 0
    assert "long_sentence_words = 40" in capsys.readouterr().out
    assert main(["--db", str(db_path), "check", "ferry-resumes"]) == 0
    assert "[editorial.long-sentences]" not in capsys.readouterr().out
    assert main(["--db", str(db_path), "site", "set", "long_sentence_words", "lots"]) != 0
