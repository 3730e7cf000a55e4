"""What the render workers' fork server imports before the first worker exists."""

from __future__ import annotations

import json
import subprocess
import sys


def test_the_fork_server_preload_leaves_the_export_pipeline_unimported():
    """The workers render and write article pages only; the pipeline's manifest, plans, feeds
    and sitemap would lengthen the server's start (each worker's wait) for nothing."""
    code = ("import json, sys; import digest_desk.export.worker_preload; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('digest_desk'))))")
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                           text=True).stdout))
    assert "digest_desk.export.articles" in loaded and "digest_desk.render.pages" in loaded
    assert not loaded & {"digest_desk.export.pipeline", "digest_desk.export.manifest", "digest_desk.export.plan",
                         "digest_desk.export.site_pages", "digest_desk.export.delta"}


def test_the_package_still_offers_the_export_entry_points():
    import digest_desk.export as export
    from digest_desk.export import ExportReport, export_site, recover
    from digest_desk.export.folders import cleanup_leftovers
    from digest_desk.export.pipeline import ExportReport as Report
    from digest_desk.export.pipeline import export_site as run

    assert (export_site, ExportReport, recover) == (run, Report, cleanup_leftovers)
    assert set(export.__all__) <= set(dir(export)) | {"ExportReport", "export_site", "recover", "settle"}
    from digest_desk.export import settle
    from digest_desk.export.folders import settle as waiting

    assert settle is waiting
