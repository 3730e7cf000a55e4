"""Every exported simplified page passes the official AMP validator, every HTML page the Nu checker."""

from __future__ import annotations

import re

from digest_desk.export import export_site
from tests.unit.render.validators import amp_validate, nu_validate


def test_every_simplified_page_passes_the_amp_validator(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    pages = {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in sorted(out.glob("*/amp/index.html"))}
    assert len(pages) == len(site["articles"])
    assert amp_validate(pages) == {name: [] for name in pages}


def test_every_standard_and_site_page_passes_the_nu_checker(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    pages = {
        p.relative_to(out).as_posix(): p.read_text("utf-8")
        for p in sorted(out.rglob("index.html")) if p.parent.name != "amp"
    }
    assert len(pages) >= len(site["articles"]) + 3
    checked = tmp_path / "nu"
    checked.mkdir()
    assert nu_validate(pages, checked) == {name: [] for name in pages}


def test_the_simplified_page_shows_the_lead_picture_like_the_standard_page(store, site, tmp_path):
    out = tmp_path / "out"
    export_site(store, out)
    slug = next(iter(site["articles"]))  # the article with the lead picture (1200x675)
    std = (out / slug / "index.html").read_text("utf-8")
    amp = (out / slug / "amp" / "index.html").read_text("utf-8")
    assert '<img src="../media/harbour.png" alt="Boats in the harbour" width="1200" height="675"' in std
    lead = re.search(r'<figure class="dd-figure"><amp-img ([^>]*)></amp-img>', amp)
    assert lead, amp
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', lead.group(1)))
    assert attrs == {"src": "../../media/harbour.png", "alt": "Boats in the harbour",
                     "width": "1200", "height": "675", "layout": "responsive"}
    assert (out / slug / "amp" / attrs["src"]).resolve() == (out / "media/harbour.png").resolve()
    assert amp.index("<h1>") < lead.start() < amp.index('id="dd-body"')
    assert amp_validate({"lead.html": amp}) == {"lead.html": []}
