"""A site imported from Hugo, Jekyll, Pelican and WordPress exports pages both validators pass."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from digest_desk.convert import html_to_markdown
from digest_desk.domain import Status
from digest_desk.export import export_site
from digest_desk.store.articles import all_articles, count_articles
from digest_desk.store.importer import ImportOptions, import_paths
from digest_desk.store.published import is_on_site
from tests.unit.render.validators import amp_validate, nu_validate

DATA = Path(__file__).resolve().parents[2] / "data" / "import"


def test_export_after_import_passes_both_validators(store, tmp_path):
    sources = [("hugo", "hugo/static"), ("jekyll", "jekyll"), ("pelican", "pelican/content"),
               ("wordpress/export.xml", "wordpress/uploads")]
    for source, media in sources:
        # Everything published, so every imported body (hostile WordPress HTML too) is exported.
        options = ImportOptions(media=(DATA / media,), status=Status.PUBLISHED,
                                html=partial(html_to_markdown, pictures=True))
        done, failed = import_paths(store, [DATA / source], options=options)
        assert failed == [] and done
    published = count_articles(store, status="published")
    assert published == 43 + 6 + 4 + 3
    out = tmp_path / "out"
    export_site(store, out)
    amp = {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.glob("*/amp/index.html")}
    on_site = sum(is_on_site(a.status, a.published_at) for a in all_articles(store))
    assert 0 < on_site < published  # the fixtures' future-dated posts wait for their time
    assert len(amp) == on_site
    assert amp_validate(amp) == {name: [] for name in amp}
    pages = {p.relative_to(out).as_posix(): p.read_text("utf-8")
             for p in out.rglob("index.html") if p.parent.name != "amp"}
    checked = tmp_path / "nu"
    checked.mkdir()
    assert nu_validate(pages, checked) == {name: [] for name in pages}
