"""Links and images as written in the markdown source, with their line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?((?:[^\s<>()]|\([^\s<>()]*\))*)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*<?((?:[^\s<>()]|\([^\s<>()]*\))*)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp|javascript|data|vbscript|file):[^>\s]*)>", re.I)
_REFDEF = re.compile(r"^ {0,3}\[([^\]\n]+)\]:\s*<?(\S+?)>?(?:\s|$)")
_BARE = re.compile(r"^<?(https?://\S+?)>?$")


@dataclass(frozen=True, slots=True)
class SourceRef:
    kind: str  # "link" | "image" | "bare"
    text: str
    url: str
    line: int
    raw_line: str


def _code_free_lines(body: str):
    fence = ""
    for number, line in enumerate(body.replace("\r\n", "\n").split("\n"), 1):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = ""
            continue
        if m:
            fence = m.group(1)
            continue
        if line.startswith(("    ", "\t")) and not line.strip().startswith(("-", "*", "+")):
            continue
        yield number, line


def references(body: str) -> list[SourceRef]:
    """Every image, link, autolink, reference definition and bare URL line in the body."""
    found: list[SourceRef] = []
    for number, line in _code_free_lines(body):
        if "](" in line or "<" in line or "]:" in line or "http" in line:
            found.extend(SourceRef("image", m.group(1), m.group(2), number, line) for m in _IMAGE.finditer(line))
            found.extend(SourceRef("link", m.group(1), m.group(2), number, line) for m in _LINK.finditer(line))
            found.extend(SourceRef("link", m.group(1), m.group(1), number, line) for m in _AUTOLINK.finditer(line))
            m = _REFDEF.match(line)
            if m:
                found.append(SourceRef("link", m.group(1), m.group(2), number, line))
            bare = _BARE.match(line.strip())
            if bare:
                found.append(SourceRef("bare", "", bare.group(1), number, line))
    return found
