"""What a check reports: a Problem with a stable code, plain words, a line and maybe a safe Fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Fix:
    """A safe automatic correction: ``apply`` takes the markdown body and returns the fixed one."""

    label: str
    apply: Callable[[str], str]


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str  # stable, e.g. "editorial.headline-too-long"
    message: str  # plain language, for the editor
    line: int | None = None  # 1-based line of the markdown body
    fix: Fix | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity, "code": self.code, "message": self.message,
            "line": self.line, "fix": self.fix.label if self.fix else None,
        }


def replace_on_line(line: int, old: str, new: str) -> Callable[[str], str]:
    """A fix that replaces ``old`` by ``new`` on one line of the body (nothing else moves)."""

    def apply(body: str) -> str:
        lines = body.split("\n")
        if 0 < line <= len(lines) and old in lines[line - 1]:
            lines[line - 1] = lines[line - 1].replace(old, new, 1)
        return "\n".join(lines)

    return apply


def remove_line(line: int, expected: str) -> Callable[[str], str]:
    """A fix that deletes one line, only if it still reads as expected."""

    def apply(body: str) -> str:
        lines = body.split("\n")
        if 0 < line <= len(lines) and lines[line - 1] == expected:
            del lines[line - 1]
        return "\n".join(lines)

    return apply
