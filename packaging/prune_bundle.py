"""Remove from a built bundle what no code path of Digest Desk loads, and strip symbols.

Usage: python packaging/prune_bundle.py BUNDLE_DIR   (build-linux.sh runs it after PyInstaller)
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
    Rule("printing through CUPS (Digest Desk never prints)",
         (f"{QT}/plugins/printsupport/libcupsprintersupport.so",)),
)
ORPHANS = "libraries only the removed files linked (CUPS: gnutls, p11-kit, avahi...)"


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
            if path.name in rule.keep:
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
        if Path(relative).name in rule.keep:
            continue
        for pattern in rule.patterns:
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern + "/*"):
                return rule.name
    return None


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
        if _was_pruned(relative, removed):
            print(f"{path}  (removed as: {pruned_by_rule(relative)})")
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
