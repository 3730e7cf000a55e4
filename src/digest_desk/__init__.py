"""Digest Desk: an editorial workstation that publishes each article as a standard and an AMP page."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("digest-desk")
except PackageNotFoundError:  # running from a checkout without installation
    __version__ = "0.1.0"
