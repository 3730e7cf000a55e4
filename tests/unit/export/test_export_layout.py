"""A full export of the fixture site: layout, URL pairs, feed, sitemap and links that resolve."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from digest_desk.export import export_site
from tests.export_site_fixture import BASE_URL, tree


class _Refs(HTMLParser):
    """Collects href/src references, the anchors (href, text) and the link rel pairs of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.rels: dict[str, str] = {}
        self.anchors: list[tuple[str, str]] = []
        self._open: list[str] | None = None
        self._href = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("href", "src"):
            if a.get(name):
                self.refs.append(a[name])
        if tag == "a" and a.get("href"):
            self._open, self._href = [], a["href"]
        if tag == "link" and a.get("rel") in ("canonical", "amphtml") and a.get("href"):
            self.rels[a["rel"]] = a["href"]

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.anchors.append((self._href, "".join(self._open).strip()))
            self._open = None


def refs(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text("utf-8"))
    return parser


def url_to_file(out: Path, url: str) -> Path:
    """The exported file a base_url URL is served from."""
    rel = url[len(BASE_URL):]
    target = out / unquote(rel)
    return target / "index.html" if rel == "" or rel.endswith("/") else target


def test_layout_holds_every_published_article_in_both_renditions(store, site, tmp_path):
    out = tmp_path / "out"
    report = export_site(store, out)
    files = set(tree(out))
    for slug in site["articles"]:
        assert f"{slug}/index.html" in files
        assert f"{slug}/amp/index.html" in files
    assert site["draft"].slug + "/index.html" not in files
    for rel in ["index.html", "about/index.html", "contact/index.html", "feed.xml", "sitemap.xml",
                "assets/site.css", "media/harbour.png", "media/market.jpg",
                "category/weather/index.html", "category/politics/index.html",
                ".digest-desk-manifest.sqlite3"]:
        assert rel in files, rel
    assert report.articles == 6 and report.unpublished == 1
    assert report.written == len(files) - 1  # all but the manifest
    assert "Who we are" in (out / "about/index.html").read_text()
    assert 'href="mailto:desk@digest.example.org"' in (out / "contact/index.html").read_text()


def test_canonical_and_amphtml_point_at_each_other_and_at_files(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    for slug in site["articles"]:
        std = refs(out / slug / "index.html").rels
        amp = refs(out / slug / "amp" / "index.html").rels
        assert std["canonical"] == f"{BASE_URL}{slug}/"
        assert std["amphtml"] == f"{BASE_URL}{slug}/amp/"
        assert amp["canonical"] == std["canonical"]
        assert url_to_file(out, std["amphtml"]) == out / slug / "amp" / "index.html"
        assert url_to_file(out, amp["canonical"]).is_file()


def test_feed_and_sitemap_parse_and_list_every_article(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(out / "feed.xml").getroot()
    ids = [e.find(f"{atom}id").text for e in feed.iter(f"{atom}entry")]
    assert sorted(ids) == sorted(f"{BASE_URL}{slug}/" for slug in site["articles"])
    updated = [e.find(f"{atom}updated").text for e in feed.iter(f"{atom}entry")]
    assert all(re.search(r"[+-]\d\d:\d\d$", u) for u in updated)
    sm = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [u.find(f"{sm}loc").text for u in ET.parse(out / "sitemap.xml").getroot()]
    for slug in site["articles"]:
        assert f"{BASE_URL}{slug}/" in locs
    for loc in locs:
        assert url_to_file(out, loc).is_file(), loc


def test_every_internal_link_resolves_to_an_exported_file(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    checked = 0
    for page in sorted(out.rglob("*.html")):
        for ref in refs(page).refs:
            url, _frag = urldefrag(ref)
            if not url:
                continue
            parts = urlsplit(url)
            if url.startswith(BASE_URL):
                target = url_to_file(out, url)  # served from the base URL
            elif parts.scheme or url.startswith("//"):
                continue  # another site (the partner, the AMP runtime)
            else:
                # Opened from disk a folder link shows a listing, so it must name a file.
                target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(out)} -> {ref}"
            assert out.resolve() in target.resolve().parents
            checked += 1
    assert checked > 100


def test_the_digest_is_paginated_newest_first_with_working_page_links(store, tmp_path):
    from datetime import UTC, datetime, timedelta

    from digest_desk.export.site_pages import PAGE_SIZE
    from digest_desk.store.articles import create_article

    start = datetime(2026, 1, 1, tzinfo=UTC)

    def publish(i: int) -> None:
        create_article(store, title=f"Story number {i}", body="Text.", status="published",
                       category="News", published_at=start + timedelta(hours=i), reason=None)

    for i in range(PAGE_SIZE * 2 + 3):  # 43: the front page down to the newest full page, one page below
        publish(i)
    out = tmp_path / "out"
    export_site(store, out)
    first = (out / "index.html").read_text()
    assert first.index("Story number 42") < first.index("Story number 41")
    assert "Story number 20<" in first and "Story number 19<" not in first
    older = (out / "page/1/index.html").read_text()
    assert "Story number 19<" in older and "Story number 0<" in older and "Story number 20<" not in older
    assert (out / "category/news/page/1/index.html").is_file()
    assert not (out / "page/2").exists() and not (out / "category/news/page/2").exists()
    for page in [out / "index.html", out / "page/1/index.html"]:
        for ref in refs(page).refs:
            if "://" not in ref and not ref.startswith("mailto:"):
                assert (page.parent / ref).resolve().is_file(), f"{page} -> {ref}"
    assert 'rel="prev" href="../../index.html"' in older and 'rel="next"' not in older
    assert 'rel="next" href="page/1/index.html"' in first and 'rel="prev"' not in first
    assert "1 January 2026 – 1 January 2026" not in older and '<span class="count">1 January 2026</span>' in older
    assert "<title>Latest, 1 January 2026 " in older  # older pages' titles differ by their days

    # A newer article changes the front pages only: the older page keeps its bytes (a site
    # of years is not rewritten, nor uploaded again, for each new article).
    publish(43)
    export_site(store, out, changed_only=True)
    assert (out / "page/1/index.html").read_text() == older
    assert "Story number 43" in (out / "index.html").read_text()
    for i in range(44, PAGE_SIZE * 3):  # 60 in all: the front page is full, pages 2 and 1 below
        publish(i)
    export_site(store, out, changed_only=True)  # page 1 now links to page 2 as newer, nothing else
    assert (out / "page/1/index.html").read_text() == older.replace('"../../index.html">« Newer', '"../../page/2/index.html">« Newer')
    second = (out / "page/2/index.html").read_text()
    assert 'rel="prev" href="../../index.html"' in second and 'rel="next" href="../../page/1/index.html"' in second
    assert "Story number 20<" in second and "Story number 39<" in second and "Story number 40<" not in second
    front = (out / "index.html").read_text()
    assert front.count('<li class="story">') == PAGE_SIZE and 'rel="next" href="page/2/index.html"' in front


def _opened_from_disk(out: Path, page: Path, href: str) -> Path:
    """The file a browser opens for a relative link on a page opened from disk (file://)."""
    path = urlsplit(href).path
    assert path and not path.endswith("/"), f"{page.relative_to(out)}: {href} names no file"
    return (page.parent / unquote(path)).resolve()


def test_article_pages_link_other_pages_relatively_so_the_export_works_from_disk(store, site, tmp_path):
    """Header, sections, footer and related links of both renditions open exported files from
    disk; only canonical/amphtml (and og:url, JSON-LD) stay absolute base_url addresses."""
    out = tmp_path / "out"
    export_site(store, out)
    first_slug = next(iter(site["articles"]))
    for slug, article in site["articles"].items():
        for page in (out / slug / "index.html", out / slug / "amp" / "index.html"):
            parsed = refs(page)
            anchors = dict((text, href) for href, text in parsed.anchors)
            for href, text in parsed.anchors:
                assert not href.startswith(BASE_URL), f"{page.relative_to(out)}: {text!r} -> {href}"
                if urlsplit(href).scheme:
                    continue  # the partner site, mailto
                target = _opened_from_disk(out, page, href)
                assert target.is_file(), f"{page.relative_to(out)}: {text!r} -> {href}"
                # Served from base_url the same relative link lands on the same file.
                served = urlsplit(BASE_URL + str(page.relative_to(out)))
                assert url_to_file(out, urljoin(served.geturl(), href)).resolve() == target
            # The footer: "/about/", "/contact/" and "/" of the site profile, as files.
            assert _opened_from_disk(out, page, anchors["About Us"]) == (out / "about/index.html").resolve()
            assert _opened_from_disk(out, page, anchors["Contact Us"]) == (out / "contact/index.html").resolve()
            assert _opened_from_disk(out, page, anchors["See More Digest"]) == (out / "index.html").resolve()
            if article.id != site["articles"][first_slug].id:
                related = anchors[site["articles"][first_slug].title]
                want = out / first_slug / ("amp/index.html" if page.parent.name == "amp" else "index.html")
                assert _opened_from_disk(out, page, related) == want.resolve()
            assert parsed.rels["canonical"] == f"{BASE_URL}{slug}/"
        std = refs(out / slug / "index.html")
        std_anchors = dict((text, href) for href, text in std.anchors)
        assert _opened_from_disk(out, out / slug / "index.html", std_anchors["Harbour Digest"]) == (out / "index.html").resolve()
        section = _opened_from_disk(out, out / slug / "index.html", std_anchors[article.category])
        assert section == (out / "category" / article.category.lower() / "index.html").resolve()
        amp_page = out / slug / "amp" / "index.html"
        amp_links = [href for href, _ in refs(amp_page).anchors]
        assert "../index.html" not in amp_links
        assert "../../" + slug + "/index.html" in amp_links  # banner, self link and exit link


def test_exported_share_images_and_json_ld_images_are_absolute(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    slug = next(iter(site["articles"]))  # the one with the lead picture
    std = (out / slug / "index.html").read_text("utf-8")
    amp = (out / slug / "amp" / "index.html").read_text("utf-8")
    image = f"{BASE_URL}media/harbour.png"
    assert f'<meta property="og:image" content="{image}">' in std
    assert f'<meta name="twitter:image" content="{image}">' in std
    assert url_to_file(out, image).is_file()
    for page in (std, amp):
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
        assert data["image"] == [image]


@pytest.mark.sqlite_only  # reads SQLite's query plan of its covering index (0004)
def test_the_listing_query_reads_no_article_body(store, site):
    # The covering index answers the export's listing query without the rows (and their bodies).
    from digest_desk.store import published

    with store.read() as session:
        raw = session.connection().connection.dbapi_connection
        plan = raw.execute("EXPLAIN QUERY PLAN " + published.LISTING_SQL, published.on_site_params()).fetchall()
    assert "COVERING INDEX ix_article_export_listing" in plan[0][3]
