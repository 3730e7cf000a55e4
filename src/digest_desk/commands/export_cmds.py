"""``export`` subcommand: write the static site (both renditions, indexes, feed, sitemap)."""

from __future__ import annotations

import argparse
import gc
import sys
import time

from digest_desk.commands.common import CommandError, fail, open_from_args
from digest_desk.domain.words import counted


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the published site as static HTML into OUTDIR")
    p.add_argument("outdir", metavar="OUTDIR", help="folder to write (created; replaced atomically)")
    p.add_argument(
        "--article", metavar="SLUG", action="append", default=[],
        help="export only this article and the pages that list it (repeatable)",
    )
    p.add_argument("--changed", action="store_true", help="rebuild only what changed since the last export")
    p.add_argument(
        "--yes", action="store_true",
        help="do not ask before removing more than half of an existing export",
    )
    p.set_defaults(handler=cmd_export)


class _Bar:
    """A one-line progress bar on stderr, drawn only on a terminal and at most 10 times a second."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def _confirm(assume_yes: bool):
    def confirm(removed: int, existing: int) -> bool:
        if assume_yes:
            return True
        if not sys.stdin.isatty():
            print(
                f"digest-desk: this export would remove {counted(removed, 'file')} of the {existing} "
                "in the existing export; run again with --yes to allow it.",
                file=sys.stderr,
            )
            return False
        answer = input(f"\nRemove {counted(removed, 'file')} of the {existing} in the existing export? [y/N] ")
        return answer.strip().lower() in {"y", "yes"}

    return confirm


def cmd_export(args: argparse.Namespace) -> int:
    from digest_desk.domain.zones import short_when
    from digest_desk.export import ExportError, export_site, settle

    try:
        store = open_from_args(args)
    except CommandError as exc:
        return fail(str(exc))
    bar = _Bar()
    # This process does nothing but the export, so it may pause its own cyclic garbage
    # collector (the window's export leaves the window's collector alone): the export keeps
    # tens of thousands of objects until it ends, and one full pass over them costs ~50 ms
    # of a 0.2 s incremental export at 10,000 articles. The process ends right after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        report = export_site(
            store, args.outdir, articles=args.article or None, changed_only=args.changed,
            progress=bar, confirm_large_delete=_confirm(args.yes),
        )
    except ExportError as exc:
        bar.close()
        return fail(str(exc))
    finally:
        if collecting:
            gc.enable()
        store.close()
    bar.close()
    line = report.summary()
    if report.unpublished:
        line += f" ({counted(report.unpublished, 'unpublished article')} left out.)"
    if report.waiting:
        when = short_when(report.waiting[0], report.timezone)
        line += f" {len(report.waiting)} scheduled: next on {when}."
    print(line, flush=True)
    settle()  # the replaced files, deleted once the new ones are in place: before the process ends
    return 0
