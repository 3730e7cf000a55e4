"""Every URL from the site profile is checked at render time, whatever the database holds."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from digest_desk import render
from digest_desk.domain import Article, Image, Site
from digest_desk.export import export_site
from digest_desk.links.footer import FooterError, check_footer_link
from digest_desk.links.validate import validate_url
from digest_desk.render.context import clean_mailto, logo_url
from digest_desk.render.jsonld import news_article
from digest_desk.store.articles import create_article
from digest_desk.store.site import SiteSettingError, update_site

HOSTILE_FOOTER = [
    {"title": "Evil slash", "url": "/\\evil.example"},
    {"title": "Evil double", "url": "//evil.example/x"},
    {"title": "Script", "url": "javascript:alert(1)"},
    {"title": "Tabbed script", "url": "java\tscript:alert(1)"},
    {"title": "Attach", "url": "mailto:desk@digest.example?attach=/etc/passwd&subject=Hi&cc=x@y.z"},
    {"title": "About", "url": "/about/"},
]


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def _is_tame(href: str) -> bool:
    return (href.startswith(("https://", "http://", "mailto:", "../", "index.html", "about/",
                             "#", "category/", "feed.xml", "assets/", "page/"))
            or re.fullmatch(r"[a-z0-9-]+/(amp/)?(index\.html)?", href) is not None
            or re.fullmatch(r"(\.\./)+[a-z0-9./-]*", href) is not None)


def _restored_database(db_path, **columns) -> None:
    """Write site values the way a restored or shared database could hold them (no checks)."""
    with sqlite3.connect(db_path) as con:
        for key, value in columns.items():
            value = json.dumps(value) if isinstance(value, list) else value
            con.execute(f"UPDATE site SET {key} = ?", (value,))  # noqa: S608 - fixed names


@pytest.mark.parametrize("rendition", ["standard", "simplified"])
def test_a_hostile_site_profile_renders_only_safe_links(rendition):
    site = Site(name="Desk", base_url="javascript:fetch('file:///etc/passwd')//",
                footer_links=HOSTILE_FOOTER, logo="/home/alice/Pictures/logo.png",
                partner_url="javascript:alert(2)", partner_name="Partner")
    html = getattr(render, rendition)(Article(id=1, title="T", slug="t", body="Body."), site)
    hrefs = _hrefs(html)
    assert hrefs and all(_is_tame(h) for h in hrefs), hrefs
    assert "javascript" not in html.lower() and "evil.example" not in html
    assert "/home/alice" not in html and "attach" not in html and "cc=" not in html
    assert "mailto:desk@digest.example?subject=Hi" in hrefs


def test_a_restored_database_cannot_smuggle_links_into_the_export(store, db_path, tmp_path):
    create_article(store, title="Story", body="Text.", status="published")
    update_site(store, name="Desk")  # the profile row exists from here on
    _restored_database(db_path, base_url="javascript:alert(1)//", footer_links=HOSTILE_FOOTER,
                       logo="/home/alice/Pictures/logo.png")
    out = tmp_path / "out"
    export_site(store, out)
    pages = [p for p in out.rglob("*.html")]
    assert len(pages) >= 3
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "javascript" not in html.lower(), page
        assert "evil.example" not in html and "\\" not in "".join(_hrefs(html)), page
        assert "/home/alice" not in html and "attach=" not in html, page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="about/index.html"' in index
    assert 'href="mailto:desk@digest.example?subject=Hi"' in index


def test_only_a_web_or_stored_logo_reaches_json_ld():
    stored = {"logo-1a2b3c4d.png": Image(id=1, name="logo-1a2b3c4d.png", width=120, height=40),
              "far.png": Image(id=2, name="far.png", width=9, height=9, url="https://cdn.example/far.png")}

    def url(logo: str) -> str | None:
        return logo_url(Site(base_url="https://d.example/", logo=logo), stored)

    site = Site(name="Desk", base_url="https://digest.example/", logo="media/logo-1a2b3c4d.png",
                logo_width=120, logo_height=40)
    data = news_article(Article(id=1, title="T", slug="t"), site, [], stored)
    assert data["publisher"]["logo"] == {"@type": "ImageObject", "url": "https://digest.example/media/logo-1a2b3c4d.png",
                                         "width": 120, "height": 40}
    site.logo = "/home/alice/Pictures/logo.png"
    assert "logo" not in news_article(Article(id=1, title="T", slug="t"), site, [], stored)["publisher"]
    assert url("https://cdn.example/l.png") == "https://cdn.example/l.png"
    for local_or_hostile in ("/home/alice/Pictures/logo.png", "C:\\Users\\al\\logo.jpg", "~/logo.png",
                             "file:///home/alice/logo.png", "logo.png", "javascript:alert(1)",
                             "media/../../etc/passwd", "media/missing.png", "media/far.png"):
        assert url(local_or_hostile) is None, local_or_hostile


def test_mailto_keeps_only_subject_and_body():
    assert clean_mailto("mailto:a@b.org?attach=/etc/passwd&subject=Hi%20there&body=x&bcc=c@d.e") == (
        "mailto:a@b.org?subject=Hi%20there&body=x")
    assert clean_mailto("mailto:a@b.org?attach=/etc/passwd") == "mailto:a@b.org"
    html = render.standard(Article(id=1, title="T", slug="t",
                                   body="[write](mailto:a@b.org?attach=/etc/passwd&subject=Hi)"),
                           Site(name="D", base_url="https://d.example/"))
    assert 'href="mailto:a@b.org?subject=Hi"' in html and "attach" not in html
    issue = validate_url("mailto:a@b.org?attach=/etc/passwd", "source")
    assert issue is not None and issue.code == "mailto-params"
    assert validate_url("mailto:a@b.org?subject=Hi&body=x", "source") is None


@pytest.mark.parametrize("url", ["/\\evil.example", "//evil.example", "/a\\b", "/\tx"])
def test_footer_validation_refuses_other_sites_dressed_as_paths(store, url):
    with pytest.raises(FooterError):
        check_footer_link("Evil", url)
    with pytest.raises(SiteSettingError):
        update_site(store, footer_links=[{"title": "Evil", "url": url}])
    assert check_footer_link("About", "/about/") == ("About", "/about/")
