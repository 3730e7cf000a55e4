"""Remove from a built bundle what no code path of Digest Desk loads, and strip symbols.

Usage: python packaging/prune_bundle.py BUNDLE_DIR   (build-linux.sh runs it after PyInstaller)
       python packaging/prune_bundle.py --pruned INTERNAL_DIR < PATHS
         prints the paths (one a line on stdin) that a rule removes: smoke-test.sh feeds it every
         file the frozen program failed to open inside the bundle, and fails when one is printed.
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


class Rule(NamedTuple):
    name: str
    patterns: tuple[str, ...]  # globs under _internal/
    keep: tuple[str, ...] = ()  # file names a pattern matches that stay


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
)


def _size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*"))


def apply_rule(internal: Path, rule: Rule) -> tuple[int, int]:
    """Remove what the rule names; (files or folders removed, bytes)."""
    count = total = 0
    for pattern in rule.patterns:
        for path in sorted(internal.glob(pattern)):
            if path.name in rule.keep:
                continue
            total += _size(path)
            count += 1
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    return count, total


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
    for rule in RULES:
        count, size = apply_rule(internal, rule)
        freed += size
        print(f"{size / 1048576:7.1f} MiB  {count:3d} removed  {rule.name}")
    print(f"{'':7s}       {remove_dangling_links(internal):3d} links to removed libraries dropped")
    saved, left = strip_symbols(internal)
    print(f"{saved / 1048576:7.1f} MiB  symbols stripped ({left} files left unstripped)")
    return freed + saved


def pruned_by_rule(relative: str) -> str | None:
    """The rule that removes ``relative`` (a path under _internal/), or None."""
    for rule in RULES:
        if Path(relative).name in rule.keep:
            continue
        for pattern in rule.patterns:
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern + "/*"):
                return rule.name
    return None


def report_pruned(internal: Path, paths: list[str]) -> int:
    """Print the paths a rule removed; 1 when there is one."""
    found = 0
    for line in paths:
        path = Path(line.strip())
        if not line.strip() or internal not in path.parents:
            continue
        rule = pruned_by_rule(path.relative_to(internal).as_posix())
        if rule is not None:
            print(f"{path}  (removed as: {rule})")
            found = 1
    return found


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--pruned":
        return report_pruned(Path(argv[1]), sys.stdin.read().splitlines())
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    freed = prune(Path(argv[0]))
    print(f"{freed / 1048576:7.1f} MiB  in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
