"""run_checks: editorial, AMP and parity problems with stable codes, lines and safe fixes."""

from __future__ import annotations

import pytest

from digest_desk import render
from digest_desk.checks import Problem, run_checks
from digest_desk.checks.amp import check_amp
from digest_desk.checks.pagefacts import page_facts
from digest_desk.checks.parity import check_parity
from digest_desk.domain import Image, Link, LinkKind

from ..render.fixtures import article, context, reference_article, site
from ..render.hostile import hostile_body


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


def by_code(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def test_reference_article_has_no_errors_and_reports_css_bytes():
    problems = run_checks(reference_article(), site(), context())
    assert [p for p in problems if p.severity == "error"] == []
    css = by_code(problems, "amp.css-budget")[0]
    assert css.severity == "info" and f"{render.amp_css_bytes(None, site()):,}" in css.message
    unknown = by_code(problems, "amp.image-size-unknown")
    assert [p.line for p in unknown] == [34]  # the remote map picture


def test_empty_title_and_body_are_errors():
    problems = run_checks(article("", title="  ", summary=""), site())
    assert {"editorial.title-empty", "editorial.body-empty", "editorial.summary-missing"} <= codes(problems)
    assert problems[0].severity == "error"


def test_headline_over_110_characters():
    problems = run_checks(article("Text.", title="x" * 111), site())
    (p,) = by_code(problems, "editorial.headline-too-long")
    assert p.severity == "warning" and "111" in p.message
    assert not by_code(run_checks(article("Text.", title="x" * 110), site()), "editorial.headline-too-long")


def test_images_without_alt_text_point_at_their_line():
    body = "Intro.\n\n![](https://img.example.org/a.png)\n\n![](media/river.jpg)"
    problems = by_code(run_checks(article(body), site(), context()), "editorial.image-alt-missing")
    # river.jpg has alt text in the media library, but that is only a suggestion: this
    # article's picture says nothing (checks/pictures.py).
    assert [p.line for p in problems] == [3, 5]


def test_bad_links_in_body_and_link_list():
    body = "See [a](javascript:alert(1)) and [b](&#106;avascript:x).\n\n[c](https://no_dots)\n\n[d](//evil.example)"
    a = article(body)
    a.links = [Link(article_id=1, title="x", url="ftp://files.example.org/a", kind=LinkKind.SOURCE),
               Link(article_id=1, title="gone", url="", target_article_id=99)]
    problems = run_checks(a, site(), context())
    bad = by_code(problems, "editorial.link-bad-scheme")
    assert sorted(p.line or 0 for p in bad) == [0, 1, 1, 5]
    assert [p.line for p in by_code(problems, "editorial.link-bad-host")] == [3]
    assert any("no longer exists" in p.message for p in by_code(problems, "editorial.link-missing-article"))


def test_links_to_missing_articles_of_this_site():
    body = "[old](https://digest.example.org/older-story/) and [gone](https://digest.example.org/nothing-here/amp/)"
    problems = by_code(run_checks(article(body), site(), context()), "editorial.link-missing-article")
    assert len(problems) == 1 and "nothing-here" in problems[0].message
    assert not by_code(run_checks(article(body), site(), context(), exists=lambda t: True),
                       "editorial.link-missing-article")


def test_http_link_fix_switches_to_https_on_that_line_only():
    body = "One [a](http://news.example.org/a).\n\nTwo [b](http://news.example.org/b)."
    (first, second) = by_code(run_checks(article(body), site()), "editorial.link-insecure")
    assert first.line == 1 and first.fix is not None
    fixed = first.fix.apply(body)
    assert fixed == body.replace("http://news.example.org/a", "https://news.example.org/a")
    assert second.fix.apply(fixed).count("https://") == 2


def test_duplicate_link_line_can_be_removed():
    body = "- [a](https://x.example.org/)\n- [b](https://y.example.org/)\n- [a again](https://x.example.org/)"
    (dup,) = by_code(run_checks(article(body), site()), "editorial.link-duplicate")
    assert dup.line == 3 and dup.fix is not None
    assert dup.fix.apply(body) == "- [a](https://x.example.org/)\n- [b](https://y.example.org/)"
    a = article("x")
    a.links = [Link(article_id=1, url="https://z.example.org/", kind=LinkKind.READ_MORE)] * 2
    assert by_code(run_checks(a, site()), "editorial.link-duplicate")


def test_unknown_embed_and_missing_media():
    body = "https://vimeo.com/123456\n\n![Pic](media/not-there.jpg)"
    problems = run_checks(article(body), site(), context())
    assert [p.line for p in by_code(problems, "amp.unknown-embed")] == [1]
    assert [p.line for p in by_code(problems, "editorial.image-missing")] == [3]


def test_featured_image_without_alt_or_too_small():
    a = article("Text.")
    assert by_code(run_checks(a, site()), "editorial.featured-image-missing")[0].severity == "info"
    a.image = Image(name="x.jpg", width=10, height=10, alt="")
    problems = run_checks(a, site())
    assert by_code(problems, "editorial.image-alt-missing")
    assert "10×10" in by_code(problems, "editorial.featured-image-small")[0].message
    a.image = Image(name="x.jpg", width=400, height=300, alt="ok")
    assert not by_code(run_checks(a, site()), "editorial.featured-image-small")


def test_hostile_article_renders_without_amp_errors():
    problems = run_checks(article(hostile_body()), site(), context())
    assert not [p for p in problems if p.code.startswith(("amp.", "parity.")) and p.severity == "error"]
    assert by_code(problems, "editorial.link-bad-scheme")


@pytest.mark.parametrize("mutation, code", [
    (lambda h: h.replace("<h1>", '<h1 onclick="x()">'), "amp.event-handler"),
    (lambda h: h.replace("</body>", "<script>alert(1)</script></body>"), "amp.custom-script"),
    (lambda h: h.replace('<script async custom-element="amp-youtube" src="https://cdn.ampproject.org/v0/amp-youtube-0.1.js"></script>', ""), "amp.extension-missing"),
    (lambda h: h.replace(' height="900"', "", 1), "amp.image-size-missing"),
    (lambda h: h.replace("</body>", "<iframe src=x></iframe></body>"), "amp.forbidden-element"),
    (lambda h: h.replace("<h1>", '<h1 style="color:red">'), "amp.inline-style"),
])
def test_amp_checks_catch_what_a_renderer_could_get_wrong(mutation, code):
    page = render.simplified(article("![p](media/river.jpg)\n\nhttps://youtu.be/dQw4w9WgXcQ"), site(), context())
    assert code not in codes(list(check_amp(page_facts(page), 100)))
    assert code in codes(list(check_amp(page_facts(mutation(page)), 100)))


def test_css_over_budget_is_an_error():
    page = render.simplified(article("x"), site())
    (p,) = by_code(list(check_amp(page_facts(page), 80_000)), "amp.css-budget")
    assert p.severity == "error" and "80,000" in p.message


def test_parity_spots_a_teaser_amp_page():
    a, s, ctx = reference_article(), site(), context()
    std, amp = render.standard(a, s, ctx), render.simplified(a, s, ctx)
    assert list(check_parity(page_facts(std), page_facts(amp), a, s)) == []
    teaser = amp.replace("<p>Residents were split:</p>", "")
    teaser = teaser.replace('href="https://council.example.org/minutes"', 'href="https://elsewhere.example/"')
    teaser = teaser.replace('src="https://digest.example.org/media/river.jpg"', 'src="https://digest.example.org/media/other.jpg"')
    found = codes(list(check_parity(page_facts(std), page_facts(teaser), a, s)))
    assert found == {"parity.paragraphs", "parity.links", "parity.images"}
