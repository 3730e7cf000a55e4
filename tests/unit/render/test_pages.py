"""Behaviour of the two renditions: structure, URLs, texts from the site profile, embeds, previews."""

from __future__ import annotations

import json
import re

import pytest

from digest_desk import render
from digest_desk.domain import Link, LinkKind

from .fixtures import article, context, minimal_article, reference_article, site
from .safety import audit


def test_canonical_and_amphtml_point_at_each_other():
    a, s = reference_article(), site()
    std, amp = render.standard(a, s, context()), render.simplified(a, s, context())
    assert '<link rel="amphtml" href="https://digest.example.org/green-corridor/amp/">' in std
    assert '<link rel="canonical" href="https://digest.example.org/green-corridor/">' in std
    assert '<link rel="canonical" href="https://digest.example.org/green-corridor/">' in amp
    assert render.standard_url(a, s) == "https://digest.example.org/green-corridor/"
    assert render.amp_url(a, s) == "https://digest.example.org/green-corridor/amp/"


def test_simplified_texts_come_from_the_site_profile():
    s = site()
    s.banner_text, s.banner_link_text = "Version simplifiée !", "»Version standard«"
    s.exit_text, s.read_more_text, s.language = "Quitter", "Lire plus sur {partner}", "fr"
    s.footer_links = [{"title": "Accueil", "url": "/"}, {"title": "Contact", "url": "/contact/"}]
    amp = render.simplified(reference_article(), s, context())
    assert '<html ⚡ lang="fr">' in amp
    for text in ("Version simplifiée !", "»Version standard«", "Quitter", "Lire plus sur City Wire", "Accueil"):
        assert text in amp
    for english in ("Simplified Version", "Exit mobile", "Read More On", "About Us"):
        assert english not in amp
    assert '<a href="https://digest.example.org/green-corridor/" rel="noamphtml nofollow">Quitter</a>' in amp
    assert 'href="https://digest.example.org/contact/"' in amp


def test_one_read_more_line_per_read_more_link_with_host_fallback():
    s = site()
    s.partner_name = ""
    a = minimal_article()
    a.links = [Link(article_id=1, title=f"T{i}", url=f"https://www.src{i}.example/x", kind=LinkKind.READ_MORE) for i in range(3)]
    amp = render.simplified(a, s)
    assert amp.count('class="dd-readmore"') == 3
    assert "Read More On The Topic On src1.example" in amp


def test_internal_related_links_stay_in_their_rendition():
    a, s, ctx = reference_article(), site(), context()
    assert 'href="https://digest.example.org/older-story/"' in render.standard(a, s, ctx)
    assert 'href="https://digest.example.org/older-story/amp/"' in render.simplified(a, s, ctx)


def test_amp_extension_scripts_only_when_used_and_once():
    s = site()
    plain = render.simplified(minimal_article(), s)
    assert "amp-youtube" not in plain and "amp-twitter" not in plain
    twice = article("https://youtu.be/dQw4w9WgXcQ\n\nhttps://youtu.be/dQw4w9WgXcQ")
    amp = render.simplified(twice, s)
    assert amp.count('custom-element="amp-youtube"') == 1
    assert amp.count("<amp-youtube ") == 2 and "amp-twitter" not in amp


def test_images_real_size_in_amp_and_figure_in_standard():
    a, s, ctx = reference_article(), site(), context()
    amp = render.simplified(a, s, ctx)
    std = render.standard(a, s, ctx)
    assert re.search(r'<amp-img src="https://digest.example.org/media/river.jpg" alt="The river at dawn" width="1600" height="900" layout="responsive">', amp)
    assert '<figure class="dd-figure"><img src="https://digest.example.org/media/river.jpg"' in std
    assert "<figcaption>The river at dawn, seen from the old bridge" in std
    assert "<img " not in amp  # every picture is an amp-img in the published AMP page
    assert 'width="1600" height="900"' in amp  # remote image without size: 16:9 default


def test_media_prefix_is_used_when_given():
    ctx = render.RenderContext(media=context().media, media_prefix="../media/")
    std = render.standard(reference_article(), site(), ctx)
    assert 'src="../media/river.jpg"' in std


def test_markdown_features_render():
    std = render.standard(reference_article(), site(), context())
    assert '<h2 id="h-what-happened">' in std
    assert "<table>" in std and 'class="ta-right"' in std
    assert 'class="footnote"' in std and 'href="#fn:budget"' in std
    assert '<code class="language-python">' in std
    assert "voted 7\u20132 for the \u201cgreen corridor\u201d plan. It\u2019s" in std
    assert "since the \u201990s\u2026" in std
    assert "total = 12.5 + 8.3" in std  # code untouched by typography


def test_standard_page_chrome():
    std = render.standard(reference_article(), site(), context())
    for needle in ('property="og:title"', 'name="twitter:card" content="summary_large_image"',
                   '<a href="https://digest.example.org/category/city/" aria-current="page">City</a>',
                   "Sam Reporter", '<time datetime="2026-03-14T09:30:00+00:00">', "prefers-color-scheme:dark",
                   "<li>transport</li>", "Read more on the topic"):
        assert needle in std


def test_jsonld_is_a_news_article_in_both_renditions():
    a, s = reference_article(), site()
    for page in (render.standard(a, s, context()), render.simplified(a, s, context())):
        data = json.loads("".join(audit(page).jsonld))
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == a.title
        assert data["datePublished"] == "2026-03-14T09:30:00+00:00"
        assert data["dateModified"] == "2026-03-15T18:05:00+00:00"
        assert data["publisher"]["logo"]["url"] == "https://digest.example.org/media/logo.png"
        assert data["image"] == ["https://digest.example.org/media/hero.jpg"]


def test_amp_css_budget_is_far_below_limit():
    assert 0 < render.amp_css_bytes(reference_article(), site()) < render.AMP_CSS_BUDGET // 5


def test_preview_simplified_has_no_runtime_and_shows_images_as_img():
    html = render.preview_simplified(reference_article(), site(), context())
    assert "cdn.ampproject.org" not in html and "amp-boilerplate" not in html
    assert "<amp-img" not in html and '<img src="https://digest.example.org/media/river.jpg"' in html
    assert f'id="{render.BODY_CONTAINER_ID}"' in html
    assert 'data-line="1"' in html


def test_preview_standard_blocks_carry_markdown_lines():
    html = render.preview_standard(reference_article(), site(), context())
    lines = [int(n) for n in re.findall(r'data-line="(\d+)"', html)]
    assert lines == sorted(lines) and lines[0] == 1
    body = reference_article().body.split("\n")
    assert body[lines[1] - 1].startswith("The council met")


def test_render_blocks_keys_stable_when_other_blocks_change():
    body = "First para.\n\nSecond para.\n\n![x](media/river.jpg)"
    ctx = context()
    before = render.render_blocks(body, "standard", ctx)
    after = render.render_blocks("Changed first.\n\n" + body.split("\n\n", 1)[1], "standard", ctx)
    assert [b.line for b in before] == [1, 3, 5]
    assert before[0].key != after[0].key
    assert [b.key for b in before[1:]] == [b.key for b in after[1:]]
    assert 'data-key="' + before[2].key + '"' in before[2].html
    dup = render.render_blocks("Same.\n\nSame.", "simplified")
    assert len({b.key for b in dup}) == 2


def test_unknown_rendition_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown rendition"):
        render.render_blocks("x", "print")


def test_empty_body_and_minimal_article_render():
    a = article("")
    assert "<h1>Council backs the green corridor</h1>" in render.simplified(a, site())
    assert "dd-body" in render.standard(minimal_article(), site())


def test_parallel_renders_match_serial_ones():
    from concurrent.futures import ThreadPoolExecutor

    bodies = [reference_article().body + f"\n\nExtra paragraph {i} with a [link](https://x.example/{i})." for i in range(12)]
    s, ctx = site(), context()
    expected = [(render.standard(article(b), s, ctx), render.simplified(article(b), s, ctx)) for b in bodies]
    from digest_desk.render import mdparse, pages

    mdparse._CACHE.clear()
    pages._BLOCK_CACHE.clear()
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda b: (render.standard(article(b), s, ctx), render.simplified(article(b), s, ctx)), bodies))
    assert got == expected


def test_root_prefix_makes_links_between_pages_relative_and_keeps_identity_urls_absolute():
    from dataclasses import replace

    a, s = reference_article(), site()
    s.footer_links = [{"title": "About Us", "url": "/about/#team"}, {"title": "Home", "url": "/"},
                      {"title": "Own", "url": "https://digest.example.org/contact/"},
                      {"title": "Wire", "url": "https://wire.example.com/x"}]
    std = render.standard(a, s, replace(context(), root="../", media_prefix="../media/"))
    amp = render.simplified(a, s, replace(context(), root="../../", media_prefix="../../media/"))
    assert '<a href="../index.html">River Digest</a>' in std
    assert 'href="../category/city/index.html" aria-current="page"' in std
    assert '<a href="../about/index.html#team">About Us</a>' in std
    assert '<a href="../index.html">Home</a>' in std
    assert '<a href="../contact/index.html">Own</a>' in std
    assert '<a href="https://wire.example.com/x">Wire</a>' in std
    assert '<a href="../older-story/index.html">Earlier: the first vote</a>' in std
    assert '<a href="../../older-story/amp/index.html">Earlier: the first vote</a>' in amp
    assert 'href="../../about/index.html#team">About Us</a>' in amp
    assert 'href="../../green-corridor/index.html" rel="noamphtml nofollow"' in amp
    for page in (std, amp):
        assert '<link rel="canonical" href="https://digest.example.org/green-corridor/">' in page
    assert '<link rel="amphtml" href="https://digest.example.org/green-corridor/amp/">' in std
    assert '<meta property="og:url" content="https://digest.example.org/green-corridor/">' in std
    # Without a root (previews, CLI) the same links are absolute base_url addresses.
    plain = render.standard(a, s, context())
    assert '<a href="https://digest.example.org/about/#team">About Us</a>' in plain
    assert '<a href="https://digest.example.org/older-story/">Earlier: the first vote</a>' in plain


def test_shared_and_structured_data_images_are_absolute_when_the_page_media_is_relative():
    from dataclasses import replace

    a, s = reference_article(), site()
    ctx = replace(context(), root="../", media_prefix="../media/")
    std, amp = render.standard(a, s, ctx), render.simplified(a, s, replace(ctx, media_prefix="../../media/"))
    absolute = "https://digest.example.org/media/hero.jpg"
    assert f'<meta property="og:image" content="{absolute}">' in std
    assert f'<meta name="twitter:image" content="{absolute}">' in std
    assert '<img src="../media/hero.jpg"' in std  # the page itself keeps its relative picture
    for page in (std, amp):
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
        assert data["image"] == [absolute]


def test_both_pages_at_once_equal_each_page_alone():
    from dataclasses import replace

    from digest_desk.render.pages import both

    s, ctx = site(), context()
    amp_ctx = replace(ctx, root="../../", media_prefix="../../media/")
    for art in (reference_article(), minimal_article()):
        assert both(art, s, ctx, amp_ctx) == (render.standard(art, s, ctx), render.simplified(art, s, amp_ctx))


def test_a_cached_block_with_a_picture_follows_the_library_and_the_rendition():
    """The per-block cache's key holds what an embed's HTML depends on: the same paragraph
    renders anew when the library's facts on its picture change, per rendition and mode."""
    from dataclasses import replace

    from digest_desk.domain import Image

    body = 'Intro.\n\n![River at dawn](media/river.jpg "At dawn|Photo: A. Lee")'
    a, s, ctx = article(body), site(), context()
    first = render.standard(a, s, ctx)
    assert 'width="1600" height="900"' in first
    resized = replace(ctx, media={**ctx.media, "river.jpg": Image(id=1, name="river.jpg", width=800, height=600)})
    assert 'width="800" height="600"' in render.standard(a, s, resized)
    hosted = replace(ctx, media={**ctx.media, "river.jpg": Image(id=1, name="river.jpg", width=800, height=600,
                                                                    url="https://cdn.example/river.jpg")})
    assert 'src="https://cdn.example/river.jpg"' in render.standard(a, s, hosted)
    assert "<amp-img" in render.simplified(a, s, ctx) and "<amp-img" not in render.preview_simplified(a, s, ctx)
    assert render.standard(a, s, ctx) == first
