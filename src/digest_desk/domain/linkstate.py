"""What the link checker's last visit says of a link: the one rule for "broken"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from digest_desk.domain.models import Link


def link_state(link: Link | Mapping[str, Any]) -> str:
    """"unchecked", "ok", "redirected", "broken" or "unreachable" from a link's stored result.

    Broken means the server answered with an error status (or the check recorded an error);
    unreachable means no answer at all (the checking machine may have been offline)."""
    get = link.get if isinstance(link, Mapping) else lambda name: getattr(link, name, None)
    if get("checked_at") is None:
        return "unchecked"
    status, error = get("check_status"), get("check_error") or ""
    if status is None:
        return "unreachable"
    if error or not 200 <= status < 400:
        return "broken"
    final = get("check_final_url") or ""
    return "redirected" if final and final != get("url") else "ok"
