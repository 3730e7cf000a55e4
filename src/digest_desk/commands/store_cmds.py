"""``list`` and ``site`` subcommands."""

from __future__ import annotations

import argparse
import json

from digest_desk.commands.common import CommandError, fail, open_from_args
from digest_desk.domain.logo import logo_kind
from digest_desk.store import StoreError
from digest_desk.store.articles import list_articles
from digest_desk.store.site import SITE_KEYS, get_site, update_site


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list articles, newest first")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("site", help="show or change the site profile")
    site_sub = p.add_subparsers(dest="site_command", metavar="ACTION", required=True)
    show = site_sub.add_parser("show", help="print the site profile")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_site_show)
    set_ = site_sub.add_parser("set", help="change one setting: " + ", ".join(SITE_KEYS))
    set_.add_argument("key")
    set_.add_argument("value", help="for logo: an https:// address, media/NAME of a stored picture, "
                      "or a picture file, which is stored with the site (the path is not kept)")
    set_.set_defaults(handler=cmd_site_set)


def cmd_list(args: argparse.Namespace) -> int:
    try:
        store = open_from_args(args)
    except CommandError as exc:
        return fail(str(exc))
    rows = list_articles(store)
    if args.json:
        data = [
            {
                "id": r.id, "slug": r.slug, "title": r.title, "status": str(r.status),
                "category": r.category,
                "published_at": r.published_at.isoformat() if r.published_at else None,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in rows
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            when = (r.published_at or r.updated_at).strftime("%Y-%m-%d")
            print(f"{when}  {str(r.status):<9}  {r.slug}  {r.title}")
    return 0


def _site_dict(site) -> dict:
    data = {key: getattr(site, key) for key in SITE_KEYS}
    data["footer_links"] = site.footer_links
    return data


def cmd_site_show(args: argparse.Namespace) -> int:
    try:
        store = open_from_args(args)
    except CommandError as exc:
        return fail(str(exc))
    data = _site_dict(get_site(store))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for key, value in data.items():
            if key == "footer_links":
                value = " | ".join(f"{link['title']} <{link['url']}>" for link in value)
            print(f"{key:17} {value}")
    return 0


def cmd_site_set(args: argparse.Namespace) -> int:
    if args.key not in SITE_KEYS and args.key != "footer_links":
        return fail(f"unknown site setting “{args.key}”; known: {', '.join(SITE_KEYS)}, footer_links")
    value: object = args.value
    if args.key == "footer_links":
        try:
            value = json.loads(args.value)
        except json.JSONDecodeError as exc:
            return fail(f"footer_links must be JSON, a list of {{\"title\", \"url\"}}: {exc}")
    try:
        store = open_from_args(args)
    except CommandError as exc:
        return fail(str(exc))
    try:
        if args.key == "logo" and logo_kind(args.value) == "file":
            site = update_site(store, logo_file=args.value)  # stored as a picture, never as a path
        else:
            site = update_site(store, **{args.key: value})
    except StoreError as exc:
        return fail(str(exc))
    finally:
        store.close()
    print(f"{args.key} = {getattr(site, args.key)}")
    if args.key == "logo" and site.logo_width and site.logo_height:
        print(f"logo size = {site.logo_width}×{site.logo_height}")
    return 0
