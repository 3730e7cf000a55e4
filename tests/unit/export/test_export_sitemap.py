"""The sitemap above the sitemaps.org limit: part files, sitemap.xml as their index, edits that
rewrite one part. The limit is lowered through export_site's ``sitemap_limit``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from digest_desk.export import export_site
from digest_desk.export.folders import MANIFEST
from digest_desk.store.articles import get_by_slug, save_article
from tests.export_site_fixture import BASE_URL, stats, tree

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
LIMIT = 4  # the fixture site has 7 page URLs and 6 articles (ids 1 to 6): 2 + 2 part files
URLSET, INDEX = (f"{{{NS['s']}}}{tag}" for tag in ("urlset", "sitemapindex"))


def _root(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def _locs(path: Path) -> list[str]:
    return [el.text or "" for el in _root(path).iterfind("s:url/s:loc", NS)]


def _parts(out: Path) -> set[str]:
    return {p.name for p in out.glob("sitemap*.xml")} - {"sitemap.xml"}


def _edit(store, slug: str, words: str) -> None:
    article = get_by_slug(store, slug)
    article.body += f"\n\n{words}"
    save_article(store, article, reason="edit")


def test_a_site_within_the_limit_keeps_one_sitemap(store, site, tmp_path):
    export_site(store, tmp_path / "out")
    assert _root(tmp_path / "out" / "sitemap.xml").tag == URLSET
    assert _parts(tmp_path / "out") == set()


def test_above_the_limit_the_urls_are_split_once_each_and_indexed(store, site, tmp_path):
    export_site(store, tmp_path / "one")
    export_site(store, tmp_path / "split", sitemap_limit=LIMIT)
    out = tmp_path / "split"
    index = _root(out / "sitemap.xml")
    assert index.tag == INDEX
    listed = [el.text or "" for el in index.iterfind("s:sitemap/s:loc", NS)]
    assert sorted(listed) == sorted(BASE_URL + name for name in _parts(out))
    assert _parts(out) == {"sitemap-pages.xml", "sitemap-pages-2.xml", "sitemap-1.xml", "sitemap-2.xml"}
    urls: list[str] = []
    for name in _parts(out):
        assert _root(out / name).tag == URLSET
        locs = _locs(out / name)
        assert 1 <= len(locs) <= LIMIT
        urls += locs
    # Every URL of the single sitemap appears exactly once across the parts, and no other.
    assert sorted(urls) == sorted(_locs(tmp_path / "one" / "sitemap.xml"))
    assert len(set(urls)) == len(urls)
    # Articles go to parts by id: ids 1 to 4 in the first, 5 and 6 in the second.
    by_id = sorted(site["articles"].values(), key=lambda a: a.id)
    assert _locs(out / "sitemap-2.xml") == sorted(f"{BASE_URL}{a.slug}/" for a in by_id[4:])


def test_an_edit_rewrites_only_the_sitemap_part_with_that_article(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out, sitemap_limit=LIMIT)
    by_id = sorted(site["articles"].values(), key=lambda a: a.id)
    first, second = by_id[4].slug, by_id[5].slug
    _edit(store, first, "A correction.")  # updated today: the front page's date moves too
    before, before_stats = tree(out), stats(out)
    report = export_site(store, out, changed_only=True, sitemap_limit=LIMIT)
    after = tree(out)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert changed == {f"{first}/index.html", f"{first}/amp/index.html", "feed.xml", "sitemap-2.xml",
                       "sitemap-pages.xml", MANIFEST}
    assert report.written == len(changed) - 1 and report.rendered == 1
    # A second edit the same day leaves the front page's date: only its part changes.
    _edit(store, second, "Another correction.")
    before = tree(out)
    export_site(store, out, changed_only=True, sitemap_limit=LIMIT)
    after = tree(out)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert changed == {f"{second}/index.html", f"{second}/amp/index.html", "feed.xml", "sitemap-2.xml", MANIFEST}
    now = stats(out)
    assert all(now[name] == before_stats[name] for name in ("sitemap.xml", "sitemap-1.xml", "sitemap-pages-2.xml"))
    export_site(store, tmp_path / "full", sitemap_limit=LIMIT)
    # The same files; the manifests differ only in the change-log mark each export recorded.
    full = tree(tmp_path / "full")
    assert {k: v for k, v in full.items() if k != MANIFEST} == {k: v for k, v in after.items() if k != MANIFEST}


@pytest.mark.parametrize(("first", "then"), [(None, LIMIT), (LIMIT, None)])
def test_crossing_the_limit_either_way_leaves_what_a_full_export_writes(store, site, tmp_path, first, then):
    limits = {name: {"sitemap_limit": value} if value else {} for name, value in (("first", first), ("then", then))}
    out = tmp_path / "out"
    export_site(store, out, **limits["first"])
    export_site(store, out, changed_only=True, **limits["then"])
    export_site(store, tmp_path / "full", **limits["then"])
    assert tree(out) == tree(tmp_path / "full")


def test_a_limit_below_one_url_is_refused(store, site, tmp_path):
    with pytest.raises(ValueError, match="at least one URL"):
        export_site(store, tmp_path / "out", sitemap_limit=0)
