"""Clipboard HTML from browsers, word processors and e-mail becomes clean, safe markdown."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from digest_desk.convert import html_to_markdown, html_to_text, one_line
from digest_desk.convert.html_markdown import tidy_link
from digest_desk.render import sanitize

PASTE = Path(__file__).resolve().parents[2] / "data" / "paste"


def fixture(name: str) -> str:
    return (PASTE / f"{name}.html").read_text(encoding="utf-8")


def test_a_news_page_keeps_the_story_and_drops_the_machinery():
    md = html_to_markdown(fixture("news_article"))
    assert md.startswith("# Ferry service to the islands resumes after storm\n")
    assert "## What changes for passengers" in md
    assert "The **morning ferry** left" in md and "*four days*" in md
    assert "[Island Lines](https://operator.example.org/timetable)" in md
    # tracking parameters go, the link stays
    assert "[Ana Ruiz](https://news.example.com/authors/ana-ruiz)" in md
    assert "> “We are relieved to be sailing again,” said captain Jo Berg." in md
    assert "March.  \nTickets bought" in md  # <br> is a markdown line break
    assert "[Picture: The morning ferry leaving the harbour](https://cdn.example.com/img/ferry-1200.jpg)" in md
    for gone in ("gtag", "googletag", "dataLayer", "display:block", "Home", "Sport", "pixel.example",
                 "onclick", "data-track", "<", "ads.example", "StartFragment"):
        assert gone not in md
    assert "Storm closes port" in md and "/news/storm-closes-port" not in md  # relative: text only


def test_relative_links_resolve_when_the_source_page_is_known():
    md = html_to_markdown(fixture("news_article"), base_url="https://news.example.com/2026/ferry")
    assert "[Storm closes port](https://news.example.com/news/storm-closes-port)" in md


def test_google_docs_span_soup_becomes_bold_italic_headings_lists():
    md = html_to_markdown(fixture("google_docs"))
    assert md.split("\n\n") == [
        "**Council approves** the new budget after a *long* debate.",
        "## Where the money goes",
        "Read the [full budget](https://council.example.gov/budget-2027).",  # redirect unwrapped
        "- Schools: 40%\n- **Roads**: 25%",
    ]


def test_word_paste_with_mso_styles_and_office_tags():
    md = html_to_markdown(fixture("word_libreoffice"))
    assert md.split("\n\n") == [
        "# Harbour repairs",
        "The pier will close on **Monday** for *three weeks*, the port authority said.",
        "- Night crossings move to the north quay\n- Cars queue on Dock Road",
        "Details on the [port notice](https://port.example.org/notices/42).",
        "LibreOffice writes **bold as a span style** too.",
    ]


def test_word_numbered_and_nested_list_paragraphs():
    item = ("<p class=MsoListParagraph style='mso-list:l0 level{level} lfo1'><![if !supportLists]>"
            "<span>{mark}<span>&nbsp;&nbsp; </span></span><![endif]>{text}<o:p></o:p></p>")
    html = "".join(item.format(level=lv, mark=mk, text=tx) for lv, mk, tx in (
        (1, "1.", "First"), (2, "a.", "Inner"), (1, "2.", "Second")))
    assert html_to_markdown(html) == "1. First\n   1. Inner\n2. Second"


def test_an_email_laid_out_with_tables_reads_as_paragraphs():
    md = html_to_markdown(fixture("email_tables"))
    assert "|" not in md and "---" not in md
    assert md.split("\n\n")[1:4] == [
        "Dear editor,",
        "The **regional election** results are in. Turnout was *62%*, up from last year.",
        "See the [full results](https://click.example.com/ls/click?upn=abc123).",
    ]
    assert "Best regards,  \nPress Office  \nRegional Council" in md
    assert "open.gif" not in md  # the 1×1 tracking picture


def test_a_data_table_stays_a_table():
    html = "<table><tr><th>Party</th><th>Seats</th></tr><tr><td>Greens</td><td>12</td></tr></table>"
    assert html_to_markdown(html) == "| Party | Seats |\n| --- | --- |\n| Greens | 12 |"


def test_nested_ordered_and_bullet_lists():
    md = html_to_markdown(fixture("lists"))
    assert md.split("\n\n")[:2] == [
        "## Timeline of the strike",
        "1. Monday: unions announce the walkout\n"
        "   - Buses stop at **noon**\n"
        "   - Trains run a reduced service\n"
        "     - every *30 minutes* on the coast line\n"
        "2. Tuesday: talks with the [transport authority](https://transport.example.gov/)\n"
        "3. Wednesday: agreement reached",
    ]
    assert "- Hospitals, with [changed visiting hours](https://health.example.org/visiting)" in md


def test_hostile_html_keeps_text_and_loses_every_script_path():
    md = html_to_markdown(fixture("hostile"))
    assert md.split("\n\n") == [
        "Click here for the prize.",
        "Also this one and that one and another.",
        "A [safe link](https://safe.example.org/page) stays.",
        r"Markdown in text is not markup: \[fake\](javascript:alert(8)) and \*stars\*.",
        "Unknown tag text stays",
    ]
    for bad in ("javascript:alert(d", "data:", "vbscript", "alert(2)", "evil", "typed", "svg text"):
        assert bad not in md


def test_converted_markdown_renders_through_the_sanitiser_unchanged():
    """What the paste produces is already inside what a published page allows."""
    import markdown

    for name in ("news_article", "google_docs", "word_libreoffice", "lists", "hostile"):
        html = markdown.markdown(html_to_markdown(fixture(name)), output_format="html")
        assert sanitize.clean(html) == html, name


def test_text_that_looks_like_html_stays_text():
    import markdown

    md = html_to_markdown("<p>Use &lt;b&gt; for bold</p>")
    assert markdown.markdown(md) == "<p>Use &lt;b&gt; for bold</p>"


@pytest.mark.parametrize(("url", "kept"), [
    ("https://a.example/x?utm_source=n&id=3", "https://a.example/x?id=3"),
    ("javascript:alert(1)", None),
    ("data:text/html,hi", None),
    ("/relative", None),
    ("//protocol.relative/x", None),
    ("mailto:desk@example.org", "mailto:desk@example.org"),
])
def test_links_are_tidied(url, kept):
    assert tidy_link(url) == kept


def test_plain_text_of_html_and_one_line():
    text = html_to_text(fixture("news_article"))
    assert text.startswith("Ferry service to the islands resumes after storm\n\nBy Ana Ruiz")
    assert "gtag" not in text and "<" not in text
    assert one_line("  Ferry\n\tservice \r\n resumes\u2029 ") == "Ferry service resumes"


def test_five_megabytes_fall_back_to_plain_text_quickly():
    page = fixture("news_article")
    big = page * (5_000_000 // len(page))
    start = time.perf_counter()
    text = html_to_text(big)
    assert time.perf_counter() - start < 5  # ~0.4 s on the CI machine
    assert text.count("Harbour master Lena Ott") == big.count("Harbour master")


@pytest.mark.parametrize(("html", "shown"), [
    ("<p>#1 in the charts</p>", "<p>#1 in the charts</p>"),
    ("<p>2026. A year of change</p>", "<p>2026. A year of change</p>"),
    ("<p>- not a list</p>", "<p>- not a list</p>"),
    ("<p>&gt; not a quote</p>", "<p>&gt; not a quote</p>"),
    ("<p>Line<br>3) still text</p>", "<p>Line<br>\n3) still text</p>"),
    ("<p>kept <s>struck</s> words</p>", "<p>kept struck words</p>"),
])
def test_text_that_looks_like_markdown_stays_text(html, shown):
    import markdown

    assert markdown.markdown(html_to_markdown(html), output_format="html") == shown
