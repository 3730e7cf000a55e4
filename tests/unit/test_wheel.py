"""The wheel carries resources/ inside the package and paths.py finds them once installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_contains_resources_and_finds_them(tmp_path):
    pytest.importorskip("hatchling")
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(out.glob("digest_desk-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    expected = {
        "digest_desk/resources/icons/digest-desk.svg",
        "digest_desk/resources/icons/digest-desk-256.png",
        "digest_desk/resources/samples/site.yaml",
        "digest_desk/resources/samples/images/harbour.png",
        "digest_desk/store/migrations/versions/0001_initial.py",
        "digest_desk/store/migrations/script.py.mako",
    }
    assert expected <= names
    assert any(n.startswith("digest_desk/resources/samples/") and n.endswith(".md") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    points = (tmp_path / "site" / entry).read_text()
    assert "digest-desk = digest_desk.cli:main" in points
    assert "digest-desk-gui = digest_desk.app:main" in points
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    found = subprocess.run(
        [sys.executable, "-c", "from digest_desk.paths import resources_dir; print(resources_dir())"],
        check=True, capture_output=True, text=True, env=env, cwd=tmp_path,
    ).stdout.strip()
    assert Path(found) == tmp_path / "site" / "digest_desk" / "resources"
