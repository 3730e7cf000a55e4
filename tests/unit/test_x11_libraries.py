"""First start on Linux/X11: the libraries Qt's xcb plugin cannot load are named before Qt aborts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digest_desk import x11_libraries as x11

QT = x11.qt_directory()
PLUGIN = QT / "plugins" / "platforms" / "libqxcb.so" if QT else None
linux_wheel = pytest.mark.skipif(
    not sys.platform.startswith("linux") or PLUGIN is None or not PLUGIN.is_file(),
    reason="needs Linux and PySide6's xcb plugin")


@pytest.mark.parametrize(("environ", "platform", "expected"), [
    ({}, "linux", True),
    ({"DISPLAY": ":0"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb:nograb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
    ({"XDG_SESSION_TYPE": "wayland"}, "linux", False),
    ({}, "darwin", False),
    ({}, "win32", False),
])
def test_the_check_runs_only_where_qt_will_use_xcb(environ, platform, expected):
    assert x11.platform_is_xcb(environ, platform) is expected


def test_a_missing_library_and_a_missing_dependency_of_a_present_one_are_named():
    errors = {
        "libxcb-icccm.so.4": "libxcb-icccm.so.4: cannot open shared object file: No such file or directory",
        # present itself, but what it needs is not: the loader names the file actually missing
        "libxcb-cursor.so.0": "libxcb-image.so.0: cannot open shared object file: No such file or directory",
        "libxcb-image.so.0": "libxcb-image.so.0: cannot open shared object file: No such file or directory",
        "libxcb-shape.so.0": "/opt/broken/libxcb-shape.so.0: invalid ELF header",
    }
    needed = ["libxcb.so.1", "libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-image.so.0",
              "libxcb-shape.so.0", "libX11.so.6"]
    assert x11.missing_libraries(needed, errors.get) == [
        "libxcb-image.so.0", "libxcb-icccm.so.4", "libxcb-shape.so.0"]


def test_the_message_gives_the_install_commands_for_debian_and_fedora():
    text = x11.install_message(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"])
    lines = text.splitlines()
    assert "libxcb-icccm.so.4 libxcb-keysyms.so.1 libxkbcommon-x11.so.0" in lines[1]
    assert "  Debian/Ubuntu:  sudo apt install libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0" in lines
    assert "  Fedora:         sudo dnf install libxkbcommon-x11 xcb-util-keysyms xcb-util-wm" in lines


def test_a_library_without_a_known_package_is_still_installable():
    text = x11.install_message(["libxcb-icccm.so.4", "libfancy.so.3"])
    assert "sudo apt install libxcb-icccm4" in text
    assert "apt-file search libfancy.so.3" in text
    assert "sudo dnf install xcb-util-wm 'libfancy.so.3()(64bit)'" in text


def test_every_xcb_library_of_the_plugin_has_its_packages():
    if PLUGIN is None or not PLUGIN.is_file():
        pytest.skip("needs PySide6's xcb plugin")
    xcb = [name for name in x11.system_libraries(QT) if name.startswith(("libxcb", "libxkb", "libX"))]
    assert xcb and [name for name in xcb if name not in x11.PACKAGES] == []


@linux_wheel
def test_the_needed_list_is_read_from_the_elf_file_like_readelf():
    readelf = shutil.which("readelf")
    if readelf is None:
        pytest.skip("readelf (binutils) is not installed")
    out = subprocess.run([readelf, "-d", str(PLUGIN)], capture_output=True, text=True).stdout
    expected = [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]
    assert x11.elf_needed(PLUGIN) == expected
    assert x11.elf_needed(Path(__file__)) == []  # not an ELF file


def _ldd_not_found(path: Path, env: dict[str, str] | None = None) -> set[str]:
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
    return {line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line}


@linux_wheel
def test_the_real_plugin_on_this_machine_matches_ldd():
    if shutil.which("ldd") is None:
        pytest.skip("ldd is not installed")
    found = set(x11.missing_libraries(x11.system_libraries(QT)))
    assert found == _ldd_not_found(PLUGIN)


@linux_wheel
def test_the_workstation_exits_1_with_the_message_instead_of_qt_abort(tmp_path):
    # A broken copy of one library shadows the real one, exactly as a missing file does for Qt.
    shadow = tmp_path / "libs"
    shadow.mkdir()
    (shadow / "libxcb-shape.so.0").write_bytes(b"not a library")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":97",
           "LD_LIBRARY_PATH": str(shadow)}
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(tmp_path / "t.sqlite3")],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "libxcb-shape.so.0" in result.stderr
    assert "sudo apt install" in result.stderr and "libxcb-shape0" in result.stderr
    assert "sudo dnf install" in result.stderr
    assert not (tmp_path / "t.sqlite3").exists()  # stopped before anything else was done
