"""Installer metadata in one place: version, names, Debian control, macOS Info.plist."""

from __future__ import annotations

import argparse
import platform
import plistlib
import sys
import tomllib
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DIST_NAME = "digest-desk"
APP_NAME = "Digest Desk"
EXE_NAME = "digest-desk"
GUI_EXE_NAME = "DigestDesk"  # windowed twin of the console program (Windows, macOS .app)
BUNDLE_ID = "org.digestdesk.DigestDesk"
SUMMARY = "Editorial workstation for digest-style news sites"
DESCRIPTION = (
    "Write an article once in markdown with metadata; publish it as a standard page\n"
    "and as a valid AMP page. Live previews of both, editorial and AMP checks,\n"
    "related links and a static site export."
)
MAINTAINER = "Digest Desk team <team@digestdesk.invalid>"
HOMEPAGE = "https://digestdesk.invalid/"

# System libraries the bundled Qt (xcb platform plugin, QtWebEngine) loads from the host; the
# .deb leaves out the bundle's copies of these (packaging/prune_bundle.py --host-libraries).
DEB_DEPENDS = [
    "libc6 (>= 2.28)",
    "libgl1",
    "libegl1",
    "libfontconfig1",
    "libfreetype6",
    "libbrotli1",
    "libzstd1",
    "libdbus-1-3",
    "libglib2.0-0 | libglib2.0-0t64",
    # The GTK 3 platform theme (native dialogs and colours on GNOME-like desktops) stays in the
    # bundle; GTK, Pango, Cairo and ATK come from the machine (prune_bundle.HOST_LIBRARIES).
    "libgtk-3-0 | libgtk-3-0t64",
    "libnss3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libx11-xcb1",
    "libxcomposite1",
    "libxdamage1",
    "libxrandr2",
    "libxtst6",
    "libxshmfence1",
    "libasound2 | libasound2t64",
    # Spell check: enchant and its Hunspell provider (a compiled-in folder, so they cannot be
    # bundled); the English dictionaries are bundled, other languages come from hunspell-*.
    "libenchant-2-2",
]


def app_version() -> str:
    """The version of the installed ``digest-desk`` distribution (package metadata)."""
    try:
        return dist_version(DIST_NAME)
    except PackageNotFoundError:  # a checkout without installation: the metadata's own source
        return pyproject_version()


def pyproject_version(root: Path = REPO_ROOT) -> str:
    with (root / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def deb_arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        machine, machine
    )


def artifact_names(version: str, arch: str | None = None) -> dict[str, str]:
    """File names of every installer, all carrying the version."""
    arch = arch or deb_arch()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(arch, arch)
    return {
        "deb": f"{DIST_NAME}_{version}_{arch}.deb",
        "tarball": f"{DIST_NAME}-{version}-linux-{machine}.tar.gz",
        "windows": f"{DIST_NAME}-{version}-windows-x64-setup.exe",
        "dmg": f"{DIST_NAME}-{version}-macos.dmg",
    }


def deb_control(version: str, installed_kib: int, arch: str | None = None) -> str:
    """The DEBIAN/control file of the .deb."""
    long_lines = "\n".join(f" {line}" for line in DESCRIPTION.splitlines())
    fields = [
        ("Package", DIST_NAME),
        ("Version", version),
        ("Architecture", arch or deb_arch()),
        ("Maintainer", MAINTAINER),
        ("Installed-Size", str(installed_kib)),
        ("Depends", ", ".join(DEB_DEPENDS)),
        ("Section", "editors"),
        ("Priority", "optional"),
        ("Homepage", HOMEPAGE),
        ("Description", f"{SUMMARY}\n{long_lines}"),
    ]
    return "".join(f"{key}: {value}\n" for key, value in fields)


def info_plist(version: str) -> dict[str, object]:
    """Info.plist keys of the macOS .app (PyInstaller's BUNDLE merges them in)."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleExecutable": GUI_EXE_NAME,
        "CFBundleIconFile": "digest-desk.icns",
        "CFBundlePackageType": "APPL",
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "LSMinimumSystemVersion": "12.0",
        "LSApplicationCategoryType": "public.app-category.productivity",
        "NSHighResolutionCapable": True,
        "LSBackgroundOnly": False,
        "NSRequiresAquaSystemAppearance": False,
        "NSHumanReadableCopyright": f"{APP_NAME} {version}",
    }


def info_plist_bytes(version: str) -> bytes:
    return plistlib.dumps(info_plist(version), fmt=plistlib.FMT_XML)


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "what", choices=["version", "arch", "names", "control", "plist"], help="what to print"
    )
    parser.add_argument("--installed-kib", type=int, default=0)
    args = parser.parse_args(argv)
    ver = app_version()
    if args.what == "version":
        print(ver)
    elif args.what == "arch":
        print(deb_arch())
    elif args.what == "names":
        for key, name in artifact_names(ver).items():
            print(f"{key}={name}")
    elif args.what == "control":
        sys.stdout.write(deb_control(ver, args.installed_kib))
    else:
        sys.stdout.buffer.write(info_plist_bytes(ver))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
