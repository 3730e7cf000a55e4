"""Site export: every published article in both renditions plus indexes, feed, sitemap, assets.

Rules kept here: the export is built beside the target folder and swapped in only when
complete (an incremental export commits by renames with a rollback journal); every path
written is checked to stay inside the folder; output is byte-identical for the same store;
articles render in worker processes when there are many.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from digest_desk.export.errors import ExportCancelled, ExportError, UnsafePathError

if TYPE_CHECKING:
    from digest_desk.export.folders import cleanup_leftovers as recover
    from digest_desk.export.folders import settle
    from digest_desk.export.pipeline import ExportReport, export_site

__all__ = ["ExportCancelled", "ExportError", "ExportReport", "UnsafePathError", "export_site", "recover", "settle"]


def __getattr__(name: str) -> Any:
    """The pipeline is imported when first asked for, not with the package: the render workers'
    fork server imports ``export.articles`` (so this package) and needs none of it (its
    manifest, plan, feeds and sitemap cost the server 60 ms of its start, the workers' wait)."""
    if name in ("ExportReport", "export_site"):
        from digest_desk.export import pipeline

        return getattr(pipeline, name)
    if name == "recover":
        from digest_desk.export.folders import cleanup_leftovers

        return cleanup_leftovers
    if name == "settle":
        from digest_desk.export.folders import settle

        return settle
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
