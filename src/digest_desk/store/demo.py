"""Demo content for a new default database: the site profile and articles in resources/samples."""

from __future__ import annotations

from pathlib import Path

import yaml

from digest_desk.store.engine import Store
from digest_desk.store.importer import ImportResult, import_paths
from digest_desk.store.site import SITE_KEYS, get_site, update_site


def demo_site(folder: Path) -> dict[str, object]:
    """The site profile of ``folder/site.yaml`` (only known keys)."""
    data = yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8")) or {}
    return {key: value for key, value in data.items() if key in SITE_KEYS or key == "footer_links"}


def seed_demo(store: Store, folder: Path | None = None) -> list[ImportResult]:
    """Write the demo site profile and import the demo articles with their pictures.

    The samples ship with Digest Desk, so a failure here is a packaging bug and is raised.
    """
    if folder is None:
        from digest_desk.paths import samples_dir

        folder = samples_dir()
    get_site(store)
    update_site(store, **demo_site(folder))
    done, failed = import_paths(store, sorted(folder.glob("*.md")))
    if failed:
        raise failed[0]
    return done
