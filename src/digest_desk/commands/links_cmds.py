"""``links list|check`` and ``site footer list|add|remove|move`` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from digest_desk.commands.common import CommandError, fail, open_from_args
from digest_desk.domain.words import counted
from digest_desk.links.checker import CheckResult, check_links
from digest_desk.links.footer import (
    FooterError,
    add_footer_link,
    move_footer_link,
    remove_footer_link,
)
from digest_desk.links.records import existing_article_ids, link_state, links_of, store_results
from digest_desk.links.validate import host_forms, is_idn
from digest_desk.store import NotFoundError, StoreError
from digest_desk.store.articles import get_by_slug, list_articles
from digest_desk.store.site import get_site, update_site


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("links", help="list or check the related links of articles")
    links_sub = p.add_subparsers(dest="links_command", metavar="ACTION", required=True)
    ls = links_sub.add_parser("list", help="print the links of one article")
    ls.add_argument("slug")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(handler=cmd_links_list)
    ck = links_sub.add_parser("check", help="check links (all articles when no SLUG); exit 1 if any is broken")
    ck.add_argument("slugs", nargs="*", metavar="SLUG")
    ck.add_argument("--json", action="store_true", help="machine-readable output")
    ck.add_argument("--timeout", type=float, default=5.0, help="seconds per request (default 5)")
    ck.add_argument("--concurrency", type=int, default=8, help="checks at a time (default 8)")
    ck.set_defaults(handler=cmd_links_check)
    _register_footer(sub)


def _site_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    site = sub.choices.get("site")
    if site is None:  # the store commands were not registered: stand alone
        site = sub.add_parser("site", help="show or change the site profile")
        site.add_subparsers(dest="site_command", metavar="ACTION", required=True)
    return site


def _register_footer(sub: argparse._SubParsersAction) -> None:
    site = _site_parser(sub)
    actions = next(a for a in site._actions if isinstance(a, argparse._SubParsersAction))
    footer = actions.add_parser("footer", help="list or edit the footer links (list, add, remove, move)")
    fsub = footer.add_subparsers(dest="footer_command", metavar="ACTION", required=True)
    fl = fsub.add_parser("list", help="print the footer links, numbered")
    fl.add_argument("--json", action="store_true")
    fl.set_defaults(handler=cmd_footer, footer_op="list")
    fa = fsub.add_parser("add", help="append a link: TITLE URL (a site path like /contact/ or a full URL)")
    fa.add_argument("title")
    fa.add_argument("url")
    fa.set_defaults(handler=cmd_footer, footer_op="add")
    fr = fsub.add_parser("remove", help="remove link number N")
    fr.add_argument("n", type=int, metavar="N")
    fr.set_defaults(handler=cmd_footer, footer_op="remove")
    fm = fsub.add_parser("move", help="move link number N to position M")
    fm.add_argument("n", type=int, metavar="N")
    fm.add_argument("m", type=int, metavar="M")
    fm.set_defaults(handler=cmd_footer, footer_op="move")


def _link_row(link: Any, slugs: dict[int, str]) -> dict[str, Any]:
    target = link.target_article_id
    row = {
        "position": link.position + 1, "title": link.title, "url": link.url, "kind": str(link.kind),
        "target_article_id": target, "target_slug": slugs.get(target) if target else None,
        "state": link_state(link), "status": link.check_status, "final_url": link.check_final_url,
        "error": link.check_error,
        "checked_at": link.checked_at.isoformat() if link.checked_at else None,
    }
    if link.url and is_idn(link.url):
        row["punycode_host"] = host_forms(link.url)[1]
    return row


def _slug_map(store) -> dict[int, str]:
    return {row.id: row.slug for row in list_articles(store)}


def cmd_links_list(args: argparse.Namespace) -> int:
    try:
        store = open_from_args(args)
        article = get_by_slug(store, args.slug)
    except (CommandError, NotFoundError) as exc:
        return fail(str(exc))
    rows = [_link_row(link, _slug_map(store)) for link in article.links]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"{article.slug} has no links.")
    for row in rows:
        where = row["url"] or f"→ article {row['target_slug'] or '(deleted)'}"
        if row.get("punycode_host"):
            where += f"  [{row['punycode_host']}]"
        print(f"{row['position']:>2}. {row['kind']:<9} {row['state']:<11} {row['title']}  {where}")
    return 0


def cmd_links_check(args: argparse.Namespace) -> int:
    try:
        store = open_from_args(args)
        ids = [get_by_slug(store, slug).id for slug in args.slugs] if args.slugs else None
    except (CommandError, NotFoundError) as exc:
        return fail(str(exc))
    links = links_of(store, ids)
    results = check_links(
        [link.url for link in links if not link.target_article_id],
        timeout=args.timeout, concurrency=max(1, args.concurrency), progress=_progress(args),
    )
    store_results(store, results, ids)
    report = _report(links, {r.url: r for r in results}, existing_article_ids(store), _slug_map(store))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for row in report:
            print(f"{row['state']:<11} {row['article']}: {row['title']}  {row['url']}  {row['detail']}")
    counts = Counter(row["state"] for row in report)
    broken = counts["broken"] + counts["unreachable"] + counts["missing"]
    if not args.json:
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        print(f"{counted(len(report), 'link')}: {summary or 'none'}.", file=sys.stderr)
    return 1 if broken else 0


def _progress(args: argparse.Namespace):
    if args.json or not sys.stderr.isatty():
        return None
    return lambda done, total, _r: print(f"\rchecked {done}/{total}", end="", file=sys.stderr)


def _report(links, results: dict[str, CheckResult], existing: set[int], slugs: dict[int, str]) -> list[dict]:
    report = []
    for link in links:
        row = {"article": slugs.get(link.article_id, str(link.article_id)), "title": link.title,
               "url": link.url, "kind": str(link.kind)}
        if link.target_article_id:
            found = link.target_article_id in existing
            row["url"] = f"→ {slugs.get(link.target_article_id, 'deleted article')}"
            row.update(state="ok" if found else "missing", status=None, final_url="", redirects=[],
                       detail="" if found else "the linked article no longer exists")
        elif not link.url.strip():
            row.update(state="missing", status=None, final_url="", redirects=[],
                       detail="no URL: the linked article no longer exists or none was given")
        elif link.url.strip() in results:
            r = results[link.url.strip()]
            detail = r.error or (f"{r.status}" + (f" via {counted(len(r.redirects), 'redirect')} → {r.final_url}" if r.redirects else ""))
            row.update(state=r.state, status=r.status, final_url=r.final_url,
                       redirects=[list(hop) for hop in r.redirects], detail=detail)
        else:
            row.update(state="skipped", status=None, final_url="", redirects=[], detail="not an http(s) link")
        report.append(row)
    return report


def cmd_footer(args: argparse.Namespace) -> int:
    try:
        store = open_from_args(args)
    except CommandError as exc:
        return fail(str(exc))
    links = list(get_site(store).footer_links or [])
    try:
        if args.footer_op == "add":
            links = add_footer_link(links, args.title, args.url)
        elif args.footer_op == "remove":
            links = remove_footer_link(links, args.n)
        elif args.footer_op == "move":
            links = move_footer_link(links, args.n, args.m)
    except FooterError as exc:
        return fail(str(exc))
    if args.footer_op != "list":
        try:
            update_site(store, footer_links=links)
        except (StoreError, ValueError) as exc:
            return fail(str(exc))
    if getattr(args, "json", False):
        print(json.dumps(links, ensure_ascii=False, indent=2))
    else:
        for number, link in enumerate(links, 1):
            print(f"{number}. {link['title']}  {link['url']}")
    return 0
