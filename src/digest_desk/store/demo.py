"""Demo content for a new default database: a site profile and a handful of articles."""

from __future__ import annotations

from digest_desk.store.engine import Store
from digest_desk.store.site import get_site


def seed_demo(store: Store) -> None:
    """Write the demo site profile (demo articles come from resources/samples)."""
    get_site(store)
