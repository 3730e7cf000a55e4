"""The official AMP validator over every simplified page, the Nu Html Checker over every standard page."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest_desk import render
from digest_desk.domain import Link, LinkKind

from .fixtures import article, context, minimal_article, reference_article, site
from .hostile import TITLES, hostile_body
from .validators import amp_validate, nu_validate


def _fixture_articles():
    hostile = article(hostile_body(), title=TITLES[0], summary=TITLES[2], author=TITLES[1])
    hostile.image_alt = TITLES[2]
    hostile.links = [Link(article_id=1, title=t, url=u, kind=LinkKind.READ_MORE)
                     for t, u in zip(TITLES, ["javascript:alert(1)", "https://ok.example/\"><script>", "//evil.example", "https://fine.example/?q=<x>"], strict=True)]
    only_tweet = article("https://x.com/someone/status/123456789", title="Only a tweet")
    remote = article("![remote](https://img.example.org/a.png)\n\nText ![unknown](media/nope.jpg) here.", title="Remote")
    words = article(
        '![Boats <at> "dawn"](media/river.jpg "Low tide & calm | Photo: <b>J. Doe</b>")\n\n'
        '![](media/icon.png "| credit only")\n\nInline ![x](media/icon.png "cap | cred") text.\n\n'
        '![Remote](https://img.example.org/a.png "A caption | A credit")', title="Picture words")
    words.image, words.image_id = context().media["hero.jpg"], 3
    words.image_alt, words.image_caption, words.image_credit = "Hall", 'The "hall" <today>', "Desk & Co"
    return {"reference": reference_article(), "minimal": minimal_article(), "hostile": hostile,
            "only-tweet": only_tweet, "remote-images": remote, "picture-words": words}


@pytest.fixture(scope="module")
def articles():
    return _fixture_articles()


def test_every_simplified_page_passes_the_official_amp_validator(articles):
    pages = {name: render.simplified(a, site(), context()) for name, a in articles.items()}
    assert amp_validate(pages) == {name: [] for name in pages}


def test_the_amp_validator_really_rejects_invalid_pages():
    good = render.simplified(minimal_article(), site())
    bad = {
        "onclick": good.replace("<h1>", '<h1 onclick="x()">'),
        "script": good.replace("</body>", "<script>alert(1)</script></body>"),
        "no-height": render.simplified(article("![a](media/river.jpg)"), site(), context()).replace(' height="900"', ""),
        "missing-extension": render.simplified(article("https://youtu.be/dQw4w9WgXcQ"), site()).replace(
            '<script async custom-element="amp-youtube" src="https://cdn.ampproject.org/v0/amp-youtube-0.1.js"></script>', ""),
    }
    result = amp_validate(bad)
    assert all(result[name] for name in bad), result


def test_every_standard_page_passes_the_nu_html_checker(articles, tmp_path: Path):
    pages = {name: render.standard(a, site(), context()) for name, a in articles.items()}
    pages["bad"] = pages["minimal"].replace("<main>", "<main><div><p>unclosed</span>")
    errors = nu_validate(pages, tmp_path)
    assert errors.pop("bad"), "the checker must flag a broken page"
    assert errors == {name: [] for name in articles}


def test_a_missing_validator_fails_in_ci_and_skips_elsewhere(monkeypatch):
    from . import validators

    monkeypatch.setattr(validators, "AMP_DIR", Path("/nonexistent/ampval"))
    monkeypatch.setenv("DIGEST_DESK_CI", "1")
    with pytest.raises(pytest.fail.Exception, match="setup-validators"):
        validators.amp_validate({"x": "<p>"})
    monkeypatch.delenv("DIGEST_DESK_CI")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        validators.amp_validate({"x": "<p>"})


def _random_bodies(count: int) -> list[str]:
    import random

    pieces = ["text", "*em*", "**strong**", "`code`", "[l](https://a.example/)", "[j](javascript:x)", "<b>",
              "</p>", "<script>", "<!--", "\"", "'", "&", "![i](media/river.jpg)", "![r](http://x.example/a.png)",
              "\n", "\n\n", "- ", "1. ", "> ", "# ", "```", "\n\n|a|b|\n|-|-|\n|1|2|\n\n", "[^1]", "\n\n[^1]: n\n\n",
              "<svg onload=x>", "\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n", "\n\nhttps://x.com/a/status/1\n\n",
              "<a href='javascript:x'>", "    ", "<div>", "<table><tr><td>x", "<h2 id='-amp-x'>h</h2>"]
    rng = random.Random(20261128)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(count)]


def test_random_mixes_of_constructs_pass_both_validators(tmp_path: Path):
    bodies = _random_bodies(30)
    amp = {f"r{i}": render.simplified(article(b), site(), context()) for i, b in enumerate(bodies)}
    assert amp_validate(amp) == {name: [] for name in amp}
    std = {f"r{i}": render.standard(article(b), site(), context()) for i, b in enumerate(bodies)}
    assert nu_validate(std, tmp_path) == {name: [] for name in std}


def test_picture_words_render_as_figure_captions_in_both_pages(articles):
    words = articles["picture-words"]
    for page in (render.standard(words, site(), context()), render.simplified(words, site(), context())):
        assert '<figcaption>The &#34;hall&#34; &lt;today&gt; <span class="dd-credit">Desk &amp; Co</span></figcaption>' in page
        assert ('<figcaption>Low tide &amp; calm <span class="dd-credit">Photo: &lt;b&gt;J. Doe&lt;/b&gt;'
                '</span></figcaption>') in page
        assert '<figcaption><span class="dd-credit">credit only</span></figcaption>' in page
        assert '<span class="dd-credit">A credit</span>' in page
        assert "Council hall" not in page  # the library's suggestion is never rendered
