"""The demo articles shipped in resources/samples, seeded into a real store, render valid pages."""

from __future__ import annotations

from pathlib import Path

from digest_desk import render
from digest_desk.checks import run_checks
from digest_desk.commands.render_cmds import render_context
from digest_desk.store.articles import all_articles
from digest_desk.store.demo import seed_demo
from digest_desk.store.site import get_site

from .validators import amp_validate, nu_validate


def test_demo_articles_are_valid_in_both_renditions_and_error_free(store, tmp_path: Path):
    seed_demo(store)
    site, ctx = get_site(store), render_context(store)
    articles = all_articles(store)
    assert len(articles) >= 3
    for article in articles:
        errors = [p for p in run_checks(article, site, ctx) if p.severity == "error"]
        assert errors == [], article.slug
    amp = amp_validate({a.slug: render.simplified(a, site, ctx) for a in articles})
    assert amp == {a.slug: [] for a in articles}
    nu = nu_validate({a.slug: render.standard(a, site, ctx) for a in articles}, tmp_path)
    assert nu == {a.slug: [] for a in articles}
