"""Digest Desk: an editorial workstation that publishes each article as a standard and an AMP page."""

from __future__ import annotations

# The same as pyproject.toml's (tests/unit/test_version.py): read from the installed metadata it
# cost ~50 ms of every start (importlib.metadata), in the CLI and the window alike.
__version__ = "0.1.0"
