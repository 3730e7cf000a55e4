"""Errors an export reports to editors in plain words."""

from __future__ import annotations


class ExportError(Exception):
    """An export that could not be completed; the message is meant for the editor."""


class ExportCancelled(ExportError):
    """The editor stopped the export; the previous export is unchanged."""

    def __init__(self, message: str = "The export was cancelled; the previous export is unchanged.") -> None:
        super().__init__(message)


class UnsafePathError(ExportError):
    """A path that would leave the output folder or pass through a symbolic link."""
