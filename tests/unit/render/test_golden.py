"""Golden files: both renditions of the reference article, byte for byte.

After an intended change, regenerate with ``DD_UPDATE_GOLDEN=1 python -m pytest tests/unit/render/test_golden.py``
and review the diff.
"""

from __future__ import annotations

import os

import pytest

from digest_desk import render

from .fixtures import DATA, context, reference_article, site

GOLDEN = DATA / "golden"


@pytest.mark.parametrize("rendition", ["standard", "simplified"])
def test_reference_article_matches_golden_file(rendition):
    page = getattr(render, rendition)(reference_article(), site(), context())
    path = GOLDEN / f"reference.{rendition}.html"
    if os.environ.get("DD_UPDATE_GOLDEN"):
        path.write_text(page, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; create it with DD_UPDATE_GOLDEN=1"
    assert page == path.read_text(encoding="utf-8")
