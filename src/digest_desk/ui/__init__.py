"""Everything Qt: the workstation window, its editor, panels, dialogs, actions and icons."""

from __future__ import annotations

import sys


def _keep_none_alive() -> None:
    """PySide6 6.12 on CPython < 3.12 drops one reference to ``None`` on every call of a method
    that returns void (``setText``, ``setFormat``, ``setCurrentBlockState`` ...). ``None`` starts
    with a few thousand references, so highlighting a pasted 10 MB body (hundreds of thousands
    of blocks, several calls each) aborted the process with "none_dealloc: deallocating None".
    From 3.12 on ``None`` is immortal; before, give it enough spare references to never reach 0."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    refcount = ctypes.c_ssize_t.from_address(id(None))
    if refcount.value < 1 << 40:
        refcount.value += 1 << 40


_keep_none_alive()
