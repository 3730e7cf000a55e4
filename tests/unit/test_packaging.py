"""Fast checks of the installer recipes: well-formed files that agree on names and the version."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import plistlib
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from PIL import Image

import digest_desk
from digest_desk import paths

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"dd_packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


meta = _load("bundle_meta")
make_icons = _load("make_icons")
PYPROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_version_comes_from_the_package_metadata_source():
    assert meta.pyproject_version() == PYPROJECT_VERSION
    assert meta.app_version() == PYPROJECT_VERSION
    # the fallback constant used when running uninstalled must not drift from pyproject.toml
    assert digest_desk.__version__ == PYPROJECT_VERSION


def test_every_installer_name_carries_the_version():
    names = meta.artifact_names("1.2.3", arch="amd64")
    assert names["deb"] == "digest-desk_1.2.3_amd64.deb"
    assert names["tarball"] == "digest-desk-1.2.3-linux-x86_64.tar.gz"
    assert all("1.2.3" in name for name in names.values())


def _control_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if line.startswith(" "):
            fields[key] += "\n" + line
        else:
            key, _, value = line.partition(": ")
            assert key and value, f"malformed control line: {line!r}"
            fields[key] = value
    return fields


def test_deb_control_is_complete():
    fields = _control_fields(meta.deb_control("1.2.3", 4321, arch="amd64"))
    assert fields["Package"] == "digest-desk"
    assert fields["Version"] == "1.2.3"
    assert fields["Architecture"] == "amd64"
    assert fields["Installed-Size"] == "4321"
    for lib in ("libnss3", "libxcb-cursor0", "libxkbcommon-x11-0", "libegl1"):
        assert lib in fields["Depends"]
    summary, *long_lines = fields["Description"].split("\n")
    assert summary and long_lines and all(line.startswith(" ") for line in long_lines)


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb not installed")
def test_dpkg_deb_accepts_the_control_file(tmp_path):
    root = tmp_path / "root"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "opt" / "digest-desk").mkdir(parents=True)
    (root / "opt" / "digest-desk" / "README").write_text("x")
    (root / "DEBIAN" / "control").write_text(meta.deb_control(PYPROJECT_VERSION, 1))
    deb = tmp_path / "t.deb"
    subprocess.run(
        ["dpkg-deb", "--build", "--root-owner-group", "-Zgzip", str(root), str(deb)],
        check=True, capture_output=True,
    )
    out = subprocess.run(["dpkg-deb", "-f", str(deb), "Version", "Package"],
                         check=True, capture_output=True, text=True).stdout
    assert f"Version: {PYPROJECT_VERSION}" in out and "Package: digest-desk" in out


def test_info_plist_is_valid_and_names_the_version():
    data = plistlib.loads(meta.info_plist_bytes("1.2.3"))
    assert data["CFBundleShortVersionString"] == "1.2.3"
    assert data["CFBundleVersion"] == "1.2.3"
    assert data["CFBundleExecutable"] == meta.GUI_EXE_NAME
    assert data["CFBundleIdentifier"] == meta.BUNDLE_ID
    assert data["CFBundleIconFile"] == "digest-desk.icns"  # what make_icons writes
    assert data["LSBackgroundOnly"] is False


def test_desktop_entry_launches_the_program_on_path():
    path = PACKAGING / "linux" / "digest-desk.desktop"
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == meta.EXE_NAME
    assert entry["Icon"] == "digest-desk"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def _spec_tree() -> ast.Module:
    return ast.parse((PACKAGING / "digest-desk.spec").read_text(), "digest-desk.spec")


def _string_list(tree: ast.Module, name: str) -> list[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return [ast.literal_eval(elt) for elt in node.value.elts]
    raise AssertionError(f"{name} not found in the spec")


def test_spec_parses_and_collects_what_the_app_loads_at_run_time():
    tree = _spec_tree()
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE", "copy_metadata"} <= calls
    text = (PACKAGING / "digest-desk.spec").read_text()
    assert 'copy_metadata("digest-desk")' in text
    assert 'collect_data_files("digest_desk.store.migrations", include_py_files=True)' in text
    assert 'collect_data_files("qtawesome")' in text
    assert (PACKAGING / "entry.py").is_file()
    # Alembic reads these as files, so they must exist where collect_data_files looks.
    versions = ROOT / "src" / "digest_desk" / "store" / "migrations" / "versions"
    assert list(versions.glob("0*.py"))


def _pyside_modules_used() -> set[str]:
    used = set()
    for source in (ROOT / "src" / "digest_desk").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("PySide6."):
                used.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                used |= {a.name.split(".")[1] for a in node.names if a.name.startswith("PySide6.")}
    return used


def test_spec_excludes_no_qt_module_the_app_imports():
    excluded = set(_string_list(_spec_tree(), "UNUSED_QT"))
    assert "Qt3DCore" in excluded and "QtWebEngineWidgets" not in excluded
    assert not excluded & _pyside_modules_used()


def test_frozen_layout_matches_where_paths_looks(tmp_path, monkeypatch):
    """The spec collects resources to digest_desk/resources inside the bundle."""
    bundled = tmp_path / "digest_desk" / "resources"
    (bundled / "templates").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == bundled


def _iss() -> tuple[dict[str, str], str]:
    text = (PACKAGING / "windows" / "digest-desk.iss").read_text()
    defines = dict(re.findall(r'^\s*#define (\w+) "([^"]*)"', text, re.M))
    return defines, text


def test_inno_setup_script_names_the_version_and_the_bundle_programs():
    defines, text = _iss()
    sections = re.findall(r"^\[(\w+)\]", text, re.M)
    assert {"Setup", "Files", "Icons", "Tasks", "Run"} <= set(sections)
    assert re.search(r"^#ifndef AppVersion\s*\n\s*#error", text, re.M), "version must be passed in"
    setup = dict(re.findall(r"^(\w+)=(.*)$", text.split("[Setup]")[1].split("\n[")[0], re.M))
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["OutputBaseFilename"] == "digest-desk-{#AppVersion}-windows-x64-setup"
    assert meta.artifact_names("{#AppVersion}")["windows"] == setup["OutputBaseFilename"] + ".exe"
    assert defines["AppExe"] == meta.GUI_EXE_NAME + ".exe"
    assert defines["CliExe"] == meta.EXE_NAME + ".exe"
    assert defines["BundleDir"].endswith(r"dist\digest-desk")
    assert "UninstallDisplayIcon" in setup and "{autoprograms}" in text


def test_release_workflow_builds_all_three_on_version_tags():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["tags"] == ["v*"]
    jobs = workflow["jobs"]
    runners = {name: job["runs-on"] for name, job in jobs.items()}
    assert runners["linux"].startswith("ubuntu")
    assert runners["windows"].startswith("windows")
    assert runners["macos"].startswith("macos")
    scripts = "\n".join(
        step.get("run", "") for job in jobs.values() for step in job["steps"]
    )
    for needle in ("packaging/build-linux.sh", "packaging/smoke-test.sh", "digest-desk.iss",
                   "hdiutil create", "packaging/digest-desk.spec", "make_icons.py"):
        assert needle in scripts
    assert set(jobs["publish"]["needs"]) == {"linux", "windows", "macos"}


@pytest.mark.parametrize("script", ["build-linux.sh", "smoke-test.sh", "linux/install-user.sh"])
def test_shell_scripts_parse(script):
    path = PACKAGING / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    subprocess.run(["bash", "-n", str(path)], check=True)


def _run_make_icons(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), *args],
        capture_output=True, text=True, env=env, timeout=120,
    )


def test_make_icons_writes_every_platform_size(tmp_path):
    result = _run_make_icons(str(tmp_path))  # default source: the app icon in resources/
    assert result.returncode == 0, result.stderr
    for size in make_icons.HICOLOR_SIZES:
        with Image.open(tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "digest-desk.png") as img:
            assert img.size == (size, size) and img.mode == "RGBA"
            if size == 256:
                assert img.getpixel((128, 128))[3] == 255  # drawn, not blank
                assert img.getpixel((0, 0))[3] == 0  # rounded corner stays transparent
    with Image.open(tmp_path / "digest-desk.ico") as ico:
        assert {(s, s) for s in make_icons.ICO_SIZES} <= set(ico.ico.sizes())
    with Image.open(tmp_path / "digest-desk.icns") as icns:
        assert icns.format == "ICNS" and icns.size[0] >= 512


def test_make_icons_refuses_a_non_square_source(tmp_path):
    source = tmp_path / "wide.png"
    Image.new("RGBA", (64, 32), "red").save(source)
    result = _run_make_icons(str(tmp_path / "out"), "--source", str(source))
    assert result.returncode == 2
    assert "must be square" in result.stderr
    assert not (tmp_path / "out" / "digest-desk.ico").exists()


ARTICLE = """---
title: Hook check article
slug: hook-check
date: 2026-11-28T08:00:00+00:00
author: Packaging Desk
summary: Opened by the smoke-test hook.
---
First paragraph of the hook check.

Second paragraph.
"""


def _cli(args: list[str], tmp_path: Path, extra: dict[str, str] | None = None, timeout: int = 180):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), HOME=str(tmp_path),
               XDG_RUNTIME_DIR=str(tmp_path), QT_QPA_PLATFORM="offscreen",
               QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu", **(extra or {}))
    env.pop("DIGEST_DESK_DB", None)
    return subprocess.run([sys.executable, "-m", "digest_desk", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_smoke_test_hook_reports_the_window_and_both_previews_then_quits(tmp_path):
    """What packaging/smoke-test.sh relies on, run from the source tree."""
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    db = str(tmp_path / "hook.sqlite3")
    imported = _cli(["--db", db, "import", str(tmp_path / "a.md")], tmp_path)
    assert imported.returncode == 0, imported.stderr
    started = time.time()
    run = _cli(["--db", db, "gui", "--open", "hook-check"], tmp_path, {"DIGEST_DESK_SMOKE_TEST": "4"})
    lines = [line for line in run.stdout.splitlines() if line.startswith("smoke-test: ")]
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    ready = float(lines[0].split()[3])
    assert re.fullmatch(r"smoke-test: window-ready at [\d.]+ cpu [\d.]+s", lines[0]), lines[0]
    assert started < ready < time.time()
    verdict = lines[-1]
    assert verdict.startswith("smoke-test: previews ok engine=webengine"), verdict
    assert re.search(r"simplified=[1-9]\d*chars standard=[1-9]\d*chars", verdict), verdict


def test_smoke_test_hook_is_inert_without_the_variable(monkeypatch):
    """A normal start: the hook returns before touching the window (an object() would fail,
    before any timer is set, as the second call shows)."""
    from digest_desk import app

    monkeypatch.delenv(app.SMOKE_TEST_ENV, raising=False)
    assert app.arm_smoke_test(object()) is None
    monkeypatch.setenv(app.SMOKE_TEST_ENV, "1")
    with pytest.raises(AttributeError):
        app.arm_smoke_test(object())


prune_bundle = _load("prune_bundle")


# Files under _internal/ but outside Qt's folder: (kept, removed) by the rules
OUTSIDE_QT_KEPT = ("qtawesome/fonts/materialdesignicons6-webfont-6.9.96.ttf",
                   "qtawesome/fonts/materialdesignicons6-webfont-charmap-6.9.96.json",
                   "qtawesome/__init__.py", "PySide6/QtWidgets.abi3.so", "libgtk-3.so.0")
OUTSIDE_QT = OUTSIDE_QT_KEPT + ("qtawesome/fonts/fontawesome5-solid-webfont-5.15.4.ttf",
                                "qtawesome/fonts/phosphor-charmap-1.3.0.json",
                                "PySide6/QtOpenGL.abi3.so", "PySide6/QtOpenGLWidgets.abi3.so")


def _fake_bundle(root: Path) -> Path:
    qt = root / "_internal" / "PySide6" / "Qt"
    files = [
        "translations/qt_de.qm", "translations/qtbase_fr.qm",
        "translations/qtwebengine_locales/de.pak", "translations/qtwebengine_locales/en-US.pak",
        "translations/qtwebengine_locales/en-GB.pak", "lib/libQt6Pdf.so.6", "lib/libQt6Core.so.6",
        "lib/libQt6VirtualKeyboard.so.6", "plugins/imageformats/libqpdf.so",
        "plugins/imageformats/libqjpeg.so", "plugins/imageformats/libqtiff.so",
        "plugins/platforms/libqxcb.so", "plugins/platforms/libqwayland.so",
        "plugins/platforms/libqeglfs.so", "plugins/generic/libqevdevmouseplugin.so",
        "resources/qtwebengine_resources.pak",
    ]
    files += ["resources/qtwebengine_devtools_resources.pak"]
    for name in files:
        (qt / name).parent.mkdir(parents=True, exist_ok=True)
        (qt / name).write_text(name)
    for name in OUTSIDE_QT:
        (root / "_internal" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "_internal" / name).write_text(name)
    (root / "_internal" / "libQt6Pdf.so.6").symlink_to("PySide6/Qt/lib/libQt6Pdf.so.6")
    (root / "_internal" / "libQt6Core.so.6").symlink_to("PySide6/Qt/lib/libQt6Core.so.6")
    return qt


def test_prune_removes_only_what_the_rules_name(tmp_path, capsys):
    qt = _fake_bundle(tmp_path)
    prune_bundle.prune(tmp_path)
    left = {p.relative_to(qt).as_posix() for p in qt.rglob("*") if p.is_file()}
    assert left == {
        "translations/qtwebengine_locales/en-US.pak", "translations/qtwebengine_locales/en-GB.pak",
        "lib/libQt6Core.so.6", "plugins/imageformats/libqjpeg.so", "plugins/platforms/libqxcb.so",
        "plugins/platforms/libqwayland.so", "resources/qtwebengine_resources.pak",
    }
    internal = tmp_path / "_internal"
    outside = {p.relative_to(internal).as_posix() for p in internal.rglob("*")
               if p.is_file() and not p.is_symlink() and "PySide6/Qt/" not in p.as_posix()
               and p.name != prune_bundle.MANIFEST}
    assert outside == set(OUTSIDE_QT_KEPT)  # the mdi6 icon font stays; GTK stays in the bundle
    assert not (internal / "libQt6Pdf.so.6").is_symlink()  # the link to a removed library went too
    assert (internal / "libQt6Core.so.6").resolve().is_file()
    assert "Chromium locales except English" in capsys.readouterr().out


def test_pruned_names_a_removed_file_the_program_looked_for(tmp_path, capsys):
    _fake_bundle(tmp_path)
    internal = tmp_path / "_internal"
    assert prune_bundle.report_pruned(internal, []) == 1  # not pruned yet: no manifest
    prune_bundle.prune(tmp_path)
    capsys.readouterr()
    qt = f"{internal}/PySide6/Qt"
    # looked for and kept, never bundled (a probe that fails on every build), or outside
    looked = [f"{qt}/translations/qtwebengine_locales/en-US.pak",
              f"{qt}/translations/qtwebengine_locales/en-POSIX.pak",
              f"{qt}/lib/libQt6Core.so.6", "/usr/lib/libfoo.so"]
    assert prune_bundle.report_pruned(internal, looked) == 0
    assert prune_bundle.report_pruned(internal, [f"{qt}/plugins/generic/libqevdevmouseplugin.so"]) == 1
    assert "libqevdevmouseplugin.so  (removed as: embedded-device" in capsys.readouterr().out
    assert prune_bundle.report_pruned(internal, [f"{qt}/translations/qtwebengine_locales/de.pak"]) == 1


def test_the_deb_depends_on_every_system_library_it_leaves_out():
    packages = set(prune_bundle.HOST_LIBRARIES.values())
    assert packages <= set(meta.DEB_DEPENDS)
    fields = _control_fields(meta.deb_control("1.2.3", 4321, arch="amd64"))
    assert "libgtk-3-0 | libgtk-3-0t64" in fields["Depends"].split(", ")
    # what Python itself links stays bundled: older systems lack these versions
    for soname in ("libpython3.11.so.1.0", "libssl.so.3", "libcrypto.so.3", "libsqlite3.so.0",
                   "libffi.so.8", "libstdc++.so.6", "libz.so.1", "liblzma.so.5"):
        assert soname not in prune_bundle.HOST_LIBRARIES


def test_host_libraries_leave_only_the_debs_copy_and_are_listed(tmp_path, capsys):
    internal = tmp_path / "_internal"
    (internal / "PySide6" / "Qt" / "lib").mkdir(parents=True)
    for name in ("libgtk-3.so.0", "libnss3.so", "libpython3.11.so.1.0", "libssl.so.3",
                 "PySide6/Qt/lib/libQt6Core.so.6"):
        (internal / name).write_bytes(b"x" * 10)
    (internal / "libglib-2.0.so.0").symlink_to("libpython3.11.so.1.0")  # a link is not a copy
    assert prune_bundle.main(["--host-libraries", str(tmp_path)]) == 0
    left = {p.relative_to(internal).as_posix() for p in internal.rglob("*") if p.is_file()}
    assert left == {"libpython3.11.so.1.0", "libssl.so.3", "PySide6/Qt/lib/libQt6Core.so.6",
                    "libglib-2.0.so.0", prune_bundle.HOST_MANIFEST}
    listed = (internal / prune_bundle.HOST_MANIFEST).read_text().splitlines()
    assert listed[1:] == ["libgtk-3.so.0\tlibgtk-3-0 | libgtk-3-0t64", "libnss3.so\tlibnss3"]
    assert "2 removed  system libraries the .deb depends on" in capsys.readouterr().out
