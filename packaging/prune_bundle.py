"""Remove from a built bundle what no code path of Digest Desk loads, and strip symbols.

Usage: python packaging/prune_bundle.py BUNDLE_DIR   (build-linux.sh runs it after PyInstaller)
       python packaging/prune_bundle.py --host-libraries BUNDLE_DIR
         removes the copies of system libraries the .deb depends on (build-linux.sh runs it on
         the .deb's copy of the bundle only; the portable .tar.gz keeps them), listed in
         _internal/host-libraries.txt
       python packaging/prune_bundle.py --pruned INTERNAL_DIR < PATHS
         prints the paths (one a line on stdin) that were pruned, as _internal/pruned-files.txt
         lists them: smoke-test.sh feeds it every file the frozen program failed to open inside
         the bundle, and fails when one is printed.
Prints one line per rule with what it removed; packaging/README.md explains every rule and how
it was proved safe (the smoke test and an strace of the frozen window).
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

QT = "PySide6/Qt"
# The languages the app ships: its own strings are English; the demo site is en-GB.
LOCALES_KEPT = ("en-US.pak", "en-GB.pak")
MANIFEST = "pruned-files.txt"  # in _internal/: what was removed, one path a line (folders end in /)


# qtawesome's font that ui/icons.py draws every icon from (prefix "mdi6"), and its charmap.
ICON_FONT_KEPT = ("materialdesignicons6-webfont-*",)
HOST_MANIFEST = "host-libraries.txt"  # in the .deb's _internal/: soname and the package it comes from


class Rule(NamedTuple):
    name: str
    patterns: tuple[str, ...]  # globs under _internal/
    keep: tuple[str, ...] = ()  # file names (globs) a pattern matches that stay
    # Looked for at every start but only read by a feature we never use (Chromium adds the
    # DevTools pack to its resource bundle whether or not DevTools ever opens): the smoke test's
    # check of looked-for files lets it pass; the windows working without it is the proof.
    probed: bool = False

    def keeps(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name, kept) for kept in self.keep)


RULES = (
    Rule("Qt translations (.qm)", (f"{QT}/translations/*.qm",)),
    Rule("Chromium locales except English", (f"{QT}/translations/qtwebengine_locales/*.pak",),
         keep=LOCALES_KEPT),
    Rule("virtual keyboard", (f"{QT}/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
                              f"{QT}/lib/libQt6VirtualKeyboard*.so*")),
    Rule("Qt PDF (image plugin and library)", (f"{QT}/plugins/imageformats/libqpdf.so",
                                               f"{QT}/lib/libQt6Pdf.so*")),
    Rule("image formats we never read (TIFF, TGA, WBMP, ICNS)",
         tuple(f"{QT}/plugins/imageformats/libq{fmt}.so" for fmt in ("tiff", "tga", "wbmp", "icns"))),
    Rule("embedded-device platforms (EGLFS, LinuxFB, VNC, Vulkan display) and their input plugins",
         tuple(f"{QT}/plugins/platforms/libq{name}.so"
               for name in ("eglfs", "linuxfb", "minimalegl", "vnc", "vkkhrdisplay"))
         + (f"{QT}/plugins/egldeviceintegrations", f"{QT}/plugins/generic",
            f"{QT}/lib/libQt6EglFS*.so*", f"{QT}/lib/libQt6EglFsKmsSupport.so*")),
    Rule("printing through CUPS (Digest Desk never prints)",
         (f"{QT}/plugins/printsupport/libcupsprintersupport.so",)),
    Rule("DevTools front-end resources (no code path opens DevTools)",
         (f"{QT}/resources/qtwebengine_devtools_resources.pak",), probed=True),
    Rule("qtawesome icon fonts other than Material Design 6 (ui/icons.py draws only mdi6)",
         ("qtawesome/fonts/*",), keep=ICON_FONT_KEPT),
    Rule("Python bindings of QtOpenGL and QtOpenGLWidgets (nothing imports them; qtpy tolerates their absence)",
         ("PySide6/QtOpenGL.abi3.so", "PySide6/QtOpenGLWidgets.abi3.so")),
)
ORPHANS = "libraries only the removed files linked (CUPS: gnutls, p11-kit, avahi...)"

# System libraries PyInstaller copied from the build host that the .deb instead takes from the
# machine: soname -> the package of the .deb's Depends that brings it (itself, or through its
# own dependencies on every Debian 11+ / Ubuntu 20.04+). Whole groups go together (GTK with
# Pango and Cairo, GLib with libmount and PCRE2, NSS with NSPR, D-Bus with libsystemd), so a
# library of the machine never meets an older copy of one it links. What Python itself links
# (OpenSSL 3, SQLite, libffi 8, libstdc++, zlib, bz2, lzma) stays: older systems lack those
# versions. packaging/README.md: the table; the .deb's smoke test proves the machine's copies load.
_GTK = "libgtk-3-0 | libgtk-3-0t64"
_GLIB = "libglib2.0-0 | libglib2.0-0t64"
_X11 = "libx11-xcb1"
_FONTS = "libfontconfig1"
_DBUS = "libdbus-1-3"
HOST_LIBRARIES: dict[str, str] = {
    **dict.fromkeys((
        "libgtk-3.so.0", "libgdk-3.so.0", "libpango-1.0.so.0", "libpangocairo-1.0.so.0",
        "libpangoft2-1.0.so.0", "libcairo.so.2", "libcairo-gobject.so.2", "libatk-1.0.so.0",
        "libatk-bridge-2.0.so.0", "libatspi.so.0", "libgdk_pixbuf-2.0.so.0", "libepoxy.so.0",
        "libharfbuzz.so.0", "libfribidi.so.0", "libthai.so.0", "libdatrie.so.1",
        "libgraphite2.so.3", "libpixman-1.so.0", "libXi.so.6", "libXinerama.so.1",
        "libXcursor.so.1", "libXrender.so.1", "libXext.so.6", "libXfixes.so.3",
    ), _GTK),
    **dict.fromkeys((
        "libglib-2.0.so.0", "libgobject-2.0.so.0", "libgio-2.0.so.0", "libgmodule-2.0.so.0",
        "libgthread-2.0.so.0", "libmount.so.1", "libblkid.so.1", "libselinux.so.1",
        "libpcre2-8.so.0",
    ), _GLIB),
    **dict.fromkeys((
        "libnss3.so", "libnssutil3.so", "libsmime3.so", "libsoftokn3.so", "libnssdbm3.so",
        "libfreebl3.so", "libfreeblpriv3.so", "libnssckbi.so", "libnspr4.so", "libplc4.so",
        "libplds4.so",
    ), "libnss3"),
    **dict.fromkeys(("libX11.so.6", "libX11-xcb.so.1", "libXau.so.6", "libXdmcp.so.6",
                     "libbsd.so.0", "libmd.so.0"), _X11),
    **{f"libxcb-{name}.so.{n}": f"libxcb-{name}{n}" for name, n in (
        ("cursor", 0), ("icccm", 4), ("image", 0), ("keysyms", 1), ("randr", 0),
        ("render-util", 0), ("shape", 0), ("xkb", 1))},
    **dict.fromkeys(("libxcb-render.so.0", "libxcb-shm.so.0", "libxcb-util.so.1"), "libxcb-image0"),
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libXcomposite.so.1": "libxcomposite1",
    "libXdamage.so.1": "libxdamage1",
    "libXrandr.so.2": "libxrandr2",
    "libXtst.so.6": "libxtst6",
    **dict.fromkeys(("libfontconfig.so.1", "libexpat.so.1"), _FONTS),
    **dict.fromkeys(("libfreetype.so.6", "libpng16.so.16"), "libfreetype6"),
    **dict.fromkeys(("libbrotlidec.so.1", "libbrotlicommon.so.1"), "libbrotli1"),  # QtNetwork
    "libzstd.so.1": "libzstd1",  # QtCore, QtNetwork
    **dict.fromkeys(("libdbus-1.so.3", "libsystemd.so.0", "libgcrypt.so.20", "libgpg-error.so.0",
                     "libcap.so.2", "liblz4.so.1"), _DBUS),
    "libasound.so.2": "libasound2 | libasound2t64",
}


def remove_host_libraries(bundle: Path) -> tuple[list[str], int]:
    """Remove the bundle's copies of HOST_LIBRARIES (the .deb's copy of the bundle only).

    Writes _internal/host-libraries.txt (soname and package, one a line); returns the removed
    sonames and their bytes. Only files PyInstaller put directly in _internal/ are candidates.
    """
    internal = bundle / "_internal"
    removed: list[str] = []
    total = 0
    for soname, package in sorted(HOST_LIBRARIES.items()):
        path = internal / soname
        if path.is_symlink() or not path.is_file():
            continue
        total += path.stat().st_size
        removed.append(f"{soname}\t{package}")
        path.unlink()
    header = "# taken from the machine (the .deb's Depends), removed by prune_bundle.py --host-libraries"
    (internal / HOST_MANIFEST).write_text("\n".join([header, *removed]) + "\n", encoding="utf-8")
    return [line.split("\t", 1)[0] for line in removed], total


def _size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*"))


def apply_rule(internal: Path, rule: Rule) -> tuple[list[str], int]:
    """Remove what the rule names; (the removed paths under _internal/, bytes)."""
    removed: list[str] = []
    total = 0
    for pattern in rule.patterns:
        for path in sorted(internal.glob(pattern)):
            if rule.keeps(path.name):
                continue
            total += _size(path)
            folder = path.is_dir() and not path.is_symlink()
            removed.append(path.relative_to(internal).as_posix() + ("/" if folder else ""))
            shutil.rmtree(path) if folder else path.unlink()
    return removed, total


def _elf_needs(internal: Path) -> dict[Path, set[str]]:
    """Every shared object and program in the bundle with the sonames it links (NEEDED)."""
    needs: dict[Path, set[str]] = {}
    for path in internal.rglob("*"):
        if path.is_symlink() or not path.is_file() or ".so" not in path.name:
            continue
        out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
        needs[path] = {line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if "(NEEDED)" in line}
    return needs


def _linked(needs: dict[Path, set[str]]) -> set[str]:
    return set().union(*needs.values()) if needs else set()


def remove_orphans(internal: Path, linked_before: set[str]) -> tuple[list[str], int]:
    """Remove libraries some file linked before pruning and none links now.

    A library nothing linked even before stays: the loader or Qt opens those by name (NSS
    modules, EGL), and the NEEDED graph cannot see that.
    """
    removed: list[str] = []
    total = 0
    while True:
        needs = _elf_needs(internal)
        linked = _linked(needs)
        orphans = [p for p in needs if p.name in linked_before and p.name not in linked]
        if not orphans:
            return removed, total
        for path in orphans:
            total += path.stat().st_size
            removed.append(path.relative_to(internal).as_posix())
            path.unlink()


def remove_dangling_links(internal: Path) -> int:
    """PyInstaller links Qt libraries into _internal/; drop the links to removed ones."""
    dangling = [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    for link in dangling:
        link.unlink()
    return len(dangling)


def _unstripped(internal: Path) -> list[Path]:
    files = [p for p in internal.rglob("*.so*") if p.is_file() and not p.is_symlink()]
    if not files:
        return []
    out = subprocess.run(["file", "--no-pad", *map(str, files)], capture_output=True, text=True,
                         check=True).stdout
    return [Path(line.split(": ", 1)[0]) for line in out.splitlines() if "not stripped" in line]


def strip_symbols(internal: Path) -> tuple[int, int]:
    """Strip symbol tables the loader never reads (libpython, extension modules, ICU)."""
    before = after = 0
    for path in _unstripped(internal):
        size = path.stat().st_size
        subprocess.run(["strip", "--strip-unneeded", str(path)], check=True)
        before, after = before + size, after + path.stat().st_size
    return before - after, len(_unstripped(internal))


def prune(bundle: Path) -> int:
    internal = bundle / "_internal"
    if not internal.is_dir():
        raise SystemExit(f"prune_bundle: {internal} is not a PyInstaller bundle folder")
    freed = 0
    manifest = [f"# removed by packaging/prune_bundle.py: nothing Digest Desk loads ({len(RULES)} rules)"]
    linked_before = _linked(_elf_needs(internal))
    for rule in RULES:
        removed, size = apply_rule(internal, rule)
        freed += size
        manifest += removed
        print(f"{size / 1048576:7.1f} MiB  {len(removed):3d} removed  {rule.name}")
    removed, size = remove_orphans(internal, linked_before)
    freed += size
    manifest += removed
    print(f"{size / 1048576:7.1f} MiB  {len(removed):3d} removed  {ORPHANS}")
    (internal / MANIFEST).write_text("\n".join(manifest) + "\n", encoding="utf-8")
    print(f"{'':7s}       {remove_dangling_links(internal):3d} links to removed libraries dropped")
    saved, left = strip_symbols(internal)
    print(f"{saved / 1048576:7.1f} MiB  symbols stripped ({left} files left unstripped)")
    return freed + saved


def pruned_by_rule(relative: str) -> str | None:
    """The rule that removes ``relative`` (a path under _internal/), or None."""
    for rule in RULES:
        if rule.keeps(Path(relative).name):
            continue
        for pattern in rule.patterns:
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern + "/*"):
                return rule.name
    return None


def _probed_only(relative: str) -> bool:
    name = pruned_by_rule(relative)
    return any(rule.name == name and rule.probed for rule in RULES)


def _was_pruned(relative: str, removed: set[str]) -> bool:
    return relative in removed or any(relative.startswith(d) for d in removed if d.endswith("/"))


def report_pruned(internal: Path, paths: list[str]) -> int:
    """Print the paths among ``paths`` that the bundle's manifest lists as pruned; 1 when one is."""
    listed = internal / MANIFEST
    if not listed.is_file():
        print(f"{listed} is missing: was the bundle pruned?")
        return 1
    removed = {line for line in listed.read_text(encoding="utf-8").splitlines() if not line.startswith("#")}
    found = 0
    for line in paths:
        path = Path(line.strip())
        if not line.strip() or internal not in path.parents:
            continue
        relative = path.relative_to(internal).as_posix()
        if _was_pruned(relative, removed) and not _probed_only(relative):
            print(f"{path}  (removed as: {pruned_by_rule(relative)})")
            found = 1
    return found


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--pruned":
        return report_pruned(Path(argv[1]), sys.stdin.read().splitlines())
    if len(argv) == 2 and argv[0] == "--host-libraries":
        removed, size = remove_host_libraries(Path(argv[1]))
        print(f"{size / 1048576:7.1f} MiB  {len(removed):3d} removed  system libraries the .deb depends on")
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    freed = prune(Path(argv[0]))
    print(f"{freed / 1048576:7.1f} MiB  in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
