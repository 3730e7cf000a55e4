"""Site export: every published article in both renditions plus indexes, feed, sitemap, assets.

Rules kept here: the export is built beside the target folder and swapped in only when
complete (an incremental export commits by renames with a rollback journal); every path
written is checked to stay inside the folder; output is byte-identical for the same store;
articles render in worker processes when there are many.
"""

from __future__ import annotations

from digest_desk.export.errors import ExportCancelled, ExportError, UnsafePathError
from digest_desk.export.folders import cleanup_leftovers as recover
from digest_desk.export.folders import settle
from digest_desk.export.pipeline import ExportReport, export_site

__all__ = ["ExportCancelled", "ExportError", "ExportReport", "UnsafePathError", "export_site", "recover", "settle"]
