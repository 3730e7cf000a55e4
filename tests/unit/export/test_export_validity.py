"""Every exported simplified page passes the official AMP validator, every HTML page the Nu checker."""

from __future__ import annotations

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
