"""The version the program reports is the one the package is built with."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import digest_desk

ROOT = Path(__file__).resolve().parents[2]


def test_version_matches_pyproject_and_the_installed_package():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert digest_desk.__version__ == declared == version("digest-desk")
