"""What the renderer repairs so both validators accept the page, one rule at a time (no validator run)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest_desk.render import sanitize
from digest_desk.render.mdparse import parse_body
from digest_desk.render.nesting import repair
from digest_desk.render.sanitize import id_ok, safe_href


def _html(body: str) -> str:
    return "\n".join(c.html for c in parse_body(body).chunks)


@pytest.mark.parametrize("url, published", [
    ("https://example.org/a?b=1&c=2#f", "https://example.org/a?b=1&c=2#f"),
    ("https://a.example/%zz", "https://a.example/%25zz"),
    ("https://a.example/a%", "https://a.example/a%25"),
    ("https://a.example/%E2%82%AC", "https://a.example/%E2%82%AC"),
    ("https://a.example/#a#b", "https://a.example/#a%23b"),
    ("https://a.example/[x]?q=[1]", "https://a.example/%5Bx%5D?q=%5B1%5D"),
    ("https://[::1]/x", "https://[::1]/x"),
    ("https://a.example./", "https://a.example./"),
    ("mailto:%", "mailto:%25"),
    ("/relative[1]", "/relative%5B1%5D"),
    ("https://a..b/", None), ("https://.a/", None), ("https://user:pw@host.example/", None),
    ("https://" + "l" * 64 + ".example/", None), ("https://host.example:99999/", None),
    ("https://xn--zz.example/", None), ("https://host.example:8080/x", "https://host.example:8080/x"),
    ("https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/"), ("https://host.example:/", "https://host.example:/"), ("https://[bad/", None), ("javascript:alert(1)", None),
])
def test_link_addresses_are_published_as_both_validators_accept_them(url, published):
    assert safe_href(url) == published


@pytest.mark.parametrize("ident, ok", [
    ("notes", True), ("Top", True), ("fn:1", True), ("children", True),
    ("innerHTML", False), ("innerhtml", False), ("className", False), ("webkitdropzone", False),
    ("i-amphtml-x", False), ("amp-x", False), ("1abc", False),
])
def test_ids_amp_refuses_are_dropped(ident, ok):
    assert id_ok(ident) is ok
    assert (f'id="{ident}"' in _html(f'<a id="{ident}">x</a>')) is ok


def test_description_lists_and_items_outside_their_list():
    assert repair("<dl><dd>d</dd></dl>") == "<div><div>d</div></div>"
    assert repair("<dl><dt>t</dt><dd>d</dd></dl>") == "<dl><dt>t</dt><dd>d</dd></dl>"
    assert repair("<p>a</p><dt>t</dt>") == "<p>a</p><div>t</div>"
    assert repair("<ol><li>a</li><em> </em></ol>") == "<ol><li>a</li></ol>"
    assert repair("<table><tbody><tr></tr><tr><td>x</td></tr></tbody></table>") == "<table><tbody><tr><td>x</td></tr></tbody></table>"


def test_a_video_ending_a_footnote_is_not_inside_the_back_link_paragraph():
    html = _html("Note[^1].\n\n[^1]: https://youtu.be/dQw4w9WgXcQ")
    assert "z</p>\n<p>&nbsp;<a class=\"footnote-backref\"" in html


def test_characters_no_page_can_carry_are_dropped_from_the_body():
    html = _html("a\ud800b\x00c\x1bd\x85e\ufffef\U0001ffffg\ufdd0h")
    assert html == "<p>abcdefgh</p>"


_URL_PART = st.text(alphabet="ab-.:/?#%[]@&=xn0_~ü", max_size=24)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["http://", "https://", "HTTPS://", "mailto:", ""]), _URL_PART)
def test_the_plain_address_shortcut_agrees_with_the_full_rules(scheme, rest):
    url = scheme + rest
    if sanitize._PLAIN_URL.fullmatch(url):
        saved = sanitize._PLAIN_URL
        try:
            sanitize._PLAIN_URL = re.compile("(?!)")  # the full rules alone
            assert safe_href(url) == url
        finally:
            sanitize._PLAIN_URL = saved
