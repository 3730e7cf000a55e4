"""Before the first window on Linux/X11: name the system libraries Qt's xcb plugin cannot load."""

from __future__ import annotations

import importlib.util
import os
import struct
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

# Library file -> (Debian/Ubuntu package, Fedora package).
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}

Loader = Callable[[str], "str | None"]


def platform_is_xcb(environ: dict[str, str] | os._Environ = os.environ,
                    platform: str = sys.platform) -> bool:
    """Whether Qt will start its xcb (X11) platform plugin in this environment."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    # Unset: Qt prefers Wayland in a Wayland session and X11 everywhere else.
    wayland = (environ.get("XDG_SESSION_TYPE") == "wayland"
               or bool(environ.get("WAYLAND_DISPLAY")))
    return not wayland


def qt_directory() -> Path | None:
    """PySide6's Qt folder (plugins/ and lib/), found without importing PySide6."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        qt = Path(location) / "Qt"
        if qt.is_dir():
            return qt
    return None


def elf_needed(path: Path) -> list[str]:
    """The DT_NEEDED names of a 64-bit little-endian ELF file ([] when it is not one).

    Reads only the headers, the dynamic section and its strings (Qt's libraries are large).
    """
    try:
        with path.open("rb") as f:
            return _read_needed(f)
    except (OSError, struct.error, IndexError, ValueError):
        return []


def _read_needed(f: BinaryIO) -> list[str]:
    def read(offset: int, size: int) -> bytes:
        f.seek(offset)
        return f.read(size)

    head = read(0, 64)
    if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
        return []
    shoff, = struct.unpack_from("<Q", head, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", head, 0x3A)
    table = read(shoff, shentsize * shnum)
    sections = [struct.unpack_from("<IIQQQQIIQQ", table, i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, *_rest in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strings = read(sections[link][4], sections[link][5])
        dynamic = read(offset, size)
        names = []
        for at in range(0, len(dynamic) - 15, 16):
            tag, value = struct.unpack_from("<qQ", dynamic, at)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                names.append(strings[value:strings.index(b"\0", value)].decode("ascii", "replace"))
        return names
    return []


def _shipped_folders(qt: Path) -> list[Path]:
    """Where PySide6's own libraries are: the wheel's Qt/lib, a frozen bundle's folder."""
    folders = [qt / "lib", qt.parent]
    bundle = getattr(sys, "_MEIPASS", None)
    return folders + ([Path(bundle)] if bundle else [])


def system_libraries(qt: Path) -> list[str]:
    """The libraries the xcb plugin and the Qt libraries it pulls in expect from the system."""
    folders = _shipped_folders(qt)
    todo = [qt / "plugins" / "platforms" / "libqxcb.so"]
    seen: set[str] = set()
    system: list[str] = []
    while todo:
        for name in elf_needed(todo.pop()):
            if name in seen:
                continue
            seen.add(name)
            shipped = next((f / name for f in folders if (f / name).is_file()), None)
            if shipped is not None:  # comes with PySide6: follow what it needs
                todo.append(shipped)
            elif not name.startswith(("libQt6", "libicu")):  # never ask the system for Qt's own
                system.append(name)
    return system


def dlopen_error(name: str) -> str | None:
    """Load one library as Qt will (None when it loads, else the loader's message)."""
    import ctypes

    try:
        ctypes.CDLL(name)
    except OSError as exc:
        return str(exc)
    return None


def missing_libraries(needed: Iterable[str], loader: Loader = dlopen_error) -> list[str]:
    """The library files that cannot be loaded: those needed, or what they need in turn."""
    missing: list[str] = []
    for name in needed:
        error = loader(name)
        if error is None:
            continue
        # "libfoo.so.1: cannot open shared object file": the file actually missing comes first
        culprit = Path(error.split(":", 1)[0].strip()).name
        culprit = culprit if ".so" in culprit else name
        if culprit not in missing:
            missing.append(culprit)
    return missing


def install_message(missing: list[str]) -> str:
    """One plain message: what is missing and the command that installs it."""
    debian = sorted({PACKAGES[name][0] for name in missing if name in PACKAGES})
    fedora = sorted({PACKAGES[name][1] for name in missing if name in PACKAGES})
    unknown = [name for name in missing if name not in PACKAGES]
    fedora += [f"'{name}()(64bit)'" for name in unknown]  # dnf installs by library name too
    lines = [
        "digest-desk: the window cannot open: Qt's X11 (xcb) plugin needs these system "
        "libraries, which are missing or cannot be loaded:",
        "  " + " ".join(missing),
        "Install them, then start Digest Desk again:",
    ]
    if debian:
        lines.append("  Debian/Ubuntu:  sudo apt install " + " ".join(debian))
    if unknown:
        lines.append("  Debian/Ubuntu:  apt-file search " + " ".join(unknown)
                     + "   (names the package to install)")
    lines.append("  Fedora:         sudo dnf install " + " ".join(fedora))
    return "\n".join(lines)


def check_x11_libraries(environ: dict[str, str] | os._Environ = os.environ) -> str | None:
    """The message to print instead of Qt's abort, or None when the window can start."""
    if not platform_is_xcb(environ):
        return None
    qt = qt_directory()
    if qt is None or not (qt / "plugins" / "platforms" / "libqxcb.so").is_file():
        return None  # not a PySide6 wheel layout (a distribution's Qt): let Qt decide
    missing = missing_libraries(system_libraries(qt))
    return install_message(missing) if missing else None
