"""Fixtures for export tests: the fixture site in a real database and helpers to compare trees."""

from __future__ import annotations

import pytest

from tests.export_site_fixture import build_fixture_site


@pytest.fixture
def site(store):
    return build_fixture_site(store)
