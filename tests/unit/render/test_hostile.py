"""Hostile input renders safely: no executable markup, exact JSON-LD, bounded time on parser bombs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest_desk import render
from digest_desk.domain import Link, LinkKind

from .fixtures import article, context, site
from .hostile import PIECES, SCHEMES, TITLES, hostile_body
from .safety import audit

RENDERERS = [render.standard, render.simplified, render.preview_standard, render.preview_simplified]
SRC = Path(__file__).resolve().parents[3] / "src"


def _hostile(title: str):
    a = article(hostile_body(), title=title, summary=title, author=title, category=title, tags=[title])
    a.image_alt = title
    a.links = [Link(article_id=1, title=title, url=url, kind=LinkKind.READ_MORE) for url in SCHEMES]
    return a


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("renderer", RENDERERS, ids=lambda f: f.__name__)
def test_hostile_article_has_nothing_executable(renderer, title):
    html = renderer(_hostile(title), site(), context())
    found = audit(html)
    assert found.problems == []
    data = json.loads("".join(found.jsonld))
    assert data["headline"] == title
    assert data["description"] == title
    assert data["author"]["name"] == title
    assert "</script" not in "".join(found.jsonld).lower()


def test_hostile_site_profile_texts_are_escaped():
    s = site()
    s.banner_text = s.exit_text = s.name = "<script>alert(1)</script>"
    s.read_more_text = "{partner.__class__} <b>"
    s.footer_links = [{"title": "x", "url": "javascript:alert(1)"}, {"title": "<i>", "url": "/ok/"}]
    s.base_url = 'https://digest.example.org/"><script>'
    a = _hostile("t")
    a.links.append(Link(article_id=1, title="fine", url="https://fine.example/", kind=LinkKind.READ_MORE))
    for renderer in RENDERERS:
        html = renderer(a, s, context())
        assert audit(html).problems == []
        assert "<script>alert" not in html
        assert "{partner.__class__} &lt;b&gt;" in html or renderer in (render.standard, render.preview_standard)


def test_every_hostile_piece_alone_is_neutralised():
    for piece in PIECES:
        for rendition in ("standard", "simplified"):
            blocks = render.render_blocks(piece, rendition, context())
            assert audit("".join(b.html for b in blocks)).problems == [], piece


def test_quotes_in_alt_text_stay_inside_the_attribute():
    html = render.simplified(article('![say "hi" <now> & \'then\'](media/river.jpg)'), site(), context())
    assert 'alt="say &#34;hi&#34; &lt;now&gt; &amp; &#39;then&#39;"' in html


_BOMBS = {
    "brackets": "[" * 50_000,
    "quotes": ">" * 50_000,
    "image-brackets": "![" * 25_000,
    "link-parens": "[a](" * 12_500,
    "ten-megabytes": ("A sentence with *stress* and [a link](https://example.org). " * 16 + "\n\n") * 10_500,
}


@pytest.mark.parametrize("name", sorted(_BOMBS))
def test_parser_bombs_render_in_bounded_time(name, tmp_path):
    """Each rendition of a pathological body must finish; a hang fails after the timeout."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from tests.unit.render.fixtures import article, site;"
        "from tests.unit.render.safety import audit;"
        "from digest_desk import render;"
        "body = open(sys.argv[2], encoding='utf-8').read();"
        "a = article(body); s = site();"
        "pages = [render.standard(a, s), render.simplified(a, s)];"
        "assert all(not audit(p).problems for p in pages);"
        "print(min(len(p) for p in pages))"
    )
    body_file = tmp_path / "body.md"
    body_file.write_text(_BOMBS[name], encoding="utf-8")
    root = SRC.parent
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{root}"}
    proc = subprocess.run([sys.executable, "-c", script, str(root), str(body_file)],
                          capture_output=True, text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert int(proc.stdout) > 1000
