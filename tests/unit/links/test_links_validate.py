"""URL rules, IDN display, duplicate detection and pasted blocks."""

from __future__ import annotations

import pytest

from digest_desk.links.validate import (
    duplicates,
    host_forms,
    is_idn,
    link_issues,
    parse_pasted,
    to_ascii_url,
    validate_url,
)


@pytest.mark.parametrize("url", ["https://example.org/a", "http://news.example.com/x?y=1#z"])
def test_http_and_https_are_accepted_for_every_kind(url):
    for kind in ("read-more", "related", "source"):
        assert validate_url(url, kind) is None


@pytest.mark.parametrize(
    ("url", "kind", "code"),
    [
        ("", "related", "empty-url"),
        ("example.org/page", "related", "no-scheme"),
        ("javascript:alert(1)", "source", "bad-scheme"),
        ("ftp://example.org/file", "read-more", "bad-scheme"),
        ("mailto:desk@example.org", "related", "bad-scheme"),
        ("https://exa mple.org/", "related", "space-in-url"),
        ("https:///path-only", "related", "no-host"),
        ("https://example.org:99999/", "related", "bad-port"),
        ("mailto:not-an-address", "source", "bad-email"),
    ],
)
def test_bad_urls_get_a_coded_error(url, kind, code):
    issue = validate_url(url, kind)
    assert issue is not None and issue.severity == "error" and issue.code == code
    assert issue.message


def test_mailto_only_for_sources():
    assert validate_url("mailto:desk@example.org", "source") is None
    assert validate_url("mailto:desk@example.org", "read-more").code == "bad-scheme"


def test_host_without_domain_is_a_warning():
    issue = validate_url("http://intranet/page", "related")
    assert issue.severity == "warning" and issue.code == "bare-host"


def test_international_host_is_shown_readable_and_in_punycode():
    readable, puny = host_forms("https://bücher.example/Seite")
    assert readable == "bücher.example"
    assert puny == "xn--bcher-kva.example"
    assert is_idn("https://bücher.example/")
    assert not is_idn("https://example.org/")
    # The punycode form reads back as the same readable host.
    assert host_forms("https://xn--bcher-kva.example/")[0] == "bücher.example"
    assert to_ascii_url("https://bücher.example/Seite?q=1") == "https://xn--bcher-kva.example/Seite?q=1"


def test_duplicates_compare_normalised_urls_and_targets():
    links = [
        {"url": "https://Example.org/a/"},
        {"url": "https://example.org/a"},
        {"url": "https://bücher.example/"},
        {"url": "https://xn--bcher-kva.example"},
        {"url": "", "target_article_id": 7},
        {"url": "", "target_article_id": 7},
        {"url": "https://example.org/b"},
    ]
    assert duplicates(links) == {1, 3, 5}


def test_link_issues_lists_problems_per_link():
    issues = link_issues(
        [
            {"title": "Good", "url": "https://example.org/", "kind": "related"},
            {"title": "", "url": "ftp://x.org/", "kind": "related"},
            {"title": "Again", "url": "https://example.org", "kind": "related"},
            {"title": "Internal", "url": "", "kind": "related", "target_article_id": 3},
        ]
    )
    assert issues[0] == [] and issues[3] == []
    assert [i.code for i in issues[1]] == ["bad-scheme", "no-title"]
    assert [i.code for i in issues[2]] == ["duplicate"]


def test_pasted_lines_of_urls_become_links():
    text = """
    https://example.org/one
    Second story - https://news.example.com/two.
    (see https://example.net/wiki/Foo_(bar))

    no url on this line
    """
    links = parse_pasted(text, kind="related")
    assert [link["url"] for link in links] == [
        "https://example.org/one",
        "https://news.example.com/two",
        "https://example.net/wiki/Foo_(bar)",
    ]
    assert [link["title"] for link in links] == ["example.org", "Second story", "see"]
    assert all(link["kind"] == "related" for link in links)


def test_pasted_markdown_links_keep_their_titles():
    text = "- [Rivers rise](https://example.org/rivers)\n* [Dams](<https://example.org/dams> \"t\") and [](https://x.example/)"
    links = parse_pasted(text)
    assert links == [
        {"title": "Rivers rise", "url": "https://example.org/rivers", "kind": "read-more"},
        {"title": "Dams", "url": "https://example.org/dams", "kind": "read-more"},
        {"title": "x.example", "url": "https://x.example/", "kind": "read-more"},
    ]


def test_pasted_text_without_urls_gives_nothing():
    assert parse_pasted("just words\nand more words") == []
