"""Database helpers for process-level safety tests: the unit tests' older-schema builder."""

from __future__ import annotations

from tests.unit.safety.helpers import make_old_schema

__all__ = ["make_old_schema"]
