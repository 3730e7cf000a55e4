"""``render`` and ``check`` subcommands: print a page, or the problems of articles."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from digest_desk.commands.common import CommandError, fail, open_from_args
from digest_desk.domain import Article
from digest_desk.domain.words import counted
from digest_desk.store import NotFoundError, Store
from digest_desk.store.articles import all_articles, get_by_slug
from digest_desk.store.site import get_site

if TYPE_CHECKING:
    from digest_desk.render import RenderContext


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="print the standard or simplified (AMP) page of an article")
    p.add_argument("slug")
    p.add_argument("--rendition", choices=("standard", "simplified"), default="standard",
                   help="which page to print (default: standard)")
    p.set_defaults(handler=cmd_render)

    p = sub.add_parser("check", help="list problems of articles; exit 1 when any is an error")
    p.add_argument("slugs", nargs="*", metavar="SLUG", help="articles to check (default: all)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_check)


def render_context(store: Store) -> RenderContext:
    """The published site's media, sections and link targets (absolute addresses), as the
    preview and the export render from them."""
    from digest_desk.page_inputs import read_inputs

    return read_inputs(store).context()


def cmd_render(args: argparse.Namespace) -> int:
    from digest_desk import render

    try:
        store = open_from_args(args)
        article = get_by_slug(store, args.slug)
    except (CommandError, NotFoundError) as exc:
        return fail(str(exc))
    page = render.standard if args.rendition == "standard" else render.simplified
    sys.stdout.write(page(article, get_site(store), render_context(store)))
    return 0


def _articles(store: Store, slugs: list[str]) -> list[Article]:
    if not slugs:
        return all_articles(store)
    return [get_by_slug(store, slug) for slug in slugs]


def cmd_check(args: argparse.Namespace) -> int:
    from digest_desk.checks import run_checks
    from digest_desk.checks.site import check_site

    try:
        store = open_from_args(args)
        articles = _articles(store, args.slugs)
    except (CommandError, NotFoundError) as exc:
        return fail(str(exc))
    site, ctx = get_site(store), render_context(store)
    site_problems = check_site(site, ctx.media)  # every page shows the profile: always checked
    report = {a.slug: run_checks(a, site, ctx) for a in articles}
    if args.json:
        data = [{"slug": None, **p.to_dict()} for p in site_problems]
        data += [{"slug": slug, **p.to_dict()} for slug, problems in report.items() for p in problems]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for p in site_problems:
            print(f"site: {p.severity}: {p.message} [{p.code}]")
        for slug, problems in report.items():
            for p in problems:
                where = f":{p.line}" if p.line else ""
                fix = f" (fix: {p.fix.label})" if p.fix else ""
                print(f"{slug}{where}: {p.severity}: {p.message} [{p.code}]{fix}")
        errors = sum(p.severity == "error" for ps in report.values() for p in ps)
        print(f"{counted(len(report), 'article')} checked, {counted(errors, 'error')}.", file=sys.stderr)
    return 1 if any(p.severity == "error" for ps in report.values() for p in ps) else 0
