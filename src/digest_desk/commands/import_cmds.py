"""``import`` subcommand: markdown (ours, Hugo, Jekyll, Pelican) and WordPress exports into the store."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from digest_desk.commands.common import CommandError, fail, open_from_args
from digest_desk.store import Store

if TYPE_CHECKING:
    from digest_desk.export.warm import Warmer

SOURCES = ("auto", "hugo", "jekyll", "pelican", "wordpress", "digest")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import markdown (ours, Hugo, Jekyll, Pelican; folders are searched) or a WordPress "
             "export (.xml)",
    )
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--from", dest="source", choices=SOURCES, default="auto",
                   help="the system the files come from (default: recognised from each file)")
    p.add_argument("--media", action="append", default=[], metavar="DIR",
                   help="a folder pictures may also be read from (besides each file's own folder); "
                        "for WordPress, the wp-content/uploads folder; for Hugo, static/")
    p.add_argument("--status", choices=("draft", "published"),
                   help="give every imported article this status instead of the source's")
    p.add_argument("--update", action="store_true",
                   help="re-import articles whose slug exists (in place, with a revision); "
                        "by default they are skipped")
    p.add_argument("--dry-run", action="store_true",
                   help="read and check everything, print what would happen, write nothing")
    p.add_argument("--no-warm", dest="warm", action="store_false",
                   help="do not render the imported articles ahead for the next export (by default "
                        "idle processes parse them into the fragment cache during the import; "
                        "Ctrl-C at the end skips the rest, the import itself is complete)")
    p.set_defaults(handler=cmd_import)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(counts: Counter[str], reasons: Counter[str], dry_run: bool) -> str:
    """``3 articles imported, 1 updated, 2 skipped (2 already in the store), 1 failed.``"""
    skipped = f"{counts['skipped']} skipped"
    if reasons:
        skipped += " (" + ", ".join(f"{n} {why}" for why, n in reasons.most_common()) + ")"
    verb = "would be imported" if dry_run else "imported"
    total = counts["imported"]
    return (f"{_plural(total, 'article')} {verb}, {counts['updated']} updated, {skipped}, "
            f"{counts['failed']} failed" + (" (dry run: nothing written)." if dry_run else "."))


def _warmer(store: Store) -> Warmer:
    from digest_desk.export.warm import Warmer  # loads the renderer: only when it is used

    return Warmer(store)


def _finish_warming(warmer: Warmer) -> None:
    """Wait for the imported bodies to be in the fragment cache; Ctrl-C skips the wait."""
    try:
        report = warmer.finish()
    except KeyboardInterrupt:
        print("digest-desk: rendering ahead skipped; the next export renders what is missing.",
              file=sys.stderr)
        return
    if report.parsed:
        print(f"digest-desk: {_plural(report.parsed, 'article')} rendered ahead for the next export "
              f"in {report.seconds:.1f} s.", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    from digest_desk.convert import html_to_markdown
    from digest_desk.domain import Status
    from digest_desk.store.frontmatter import ImportFailure
    from digest_desk.store.importer import EXISTS, ImportOptions, import_iter

    options = ImportOptions(
        source=args.source, status=Status(args.status) if args.status else None,
        update=args.update, dry_run=args.dry_run, media=tuple(Path(m) for m in args.media),
        html=partial(html_to_markdown, pictures=True))
    try:
        store = open_from_args(args)
    except CommandError as exc:
        return fail(str(exc))
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    would = "would be " if args.dry_run else ""
    warmer = _warmer(store) if args.warm and not args.dry_run else None
    try:
        for outcome in import_iter(store, args.paths, options):
            if isinstance(outcome, ImportFailure):
                counts["failed"] += 1
                print(f"digest-desk: {outcome}", file=sys.stderr)
                continue
            counts[outcome.action] += 1
            for warning in outcome.warnings:
                print(f"digest-desk: warning: {warning}", file=sys.stderr)
            if outcome.action == "skipped":
                reasons[outcome.reason] += 1
                hint = "; --update re-imports it" if outcome.reason == EXISTS else ""
                print(f"digest-desk: skipped {outcome.slug or outcome.name}: {outcome.reason}{hint}",
                      file=sys.stderr)
            elif args.dry_run:
                print(f"{outcome.slug}\t{would}{outcome.action}")
            else:
                print(outcome.slug)
                if warmer is not None and outcome.article_id is not None:
                    warmer.add([outcome.article_id])
        if warmer is not None:
            _finish_warming(warmer)
    finally:
        if warmer is not None:
            warmer.close()
        store.close()
    if not counts:
        return fail("no markdown files or WordPress exports found in " + ", ".join(args.paths), 1)
    print(f"digest-desk: {summary(counts, reasons, args.dry_run)}", file=sys.stderr)
    return 1 if counts["failed"] else 0
