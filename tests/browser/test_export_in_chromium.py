"""Exported pages open from disk in a real headless Chromium: the headline shows, nothing is blank."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from digest_desk.export import export_site
from tests.export_site_fixture import build_fixture_site

IN_CI = bool(os.environ.get("CI") or os.environ.get("DIGEST_DESK_CI"))


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if IN_CI:
        pytest.fail("chromium is not installed; CI needs it (apt-get install chromium)")
    pytest.skip("chromium is not installed")


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={profile}",
        # The AMP boilerplate keeps the body hidden until the runtime loads or 8 s pass;
        # offline the runtime never loads, so let virtual time run past those 8 s.
        "--virtual-time-budget=10000", *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _screenshot(browser: str, tmp: Path, page: Path, name: str, size: str = "412,900") -> Image.Image:
    shot = tmp / f"{name}.png"
    _run(browser, tmp / f"profile-{name}", f"--screenshot={shot}", f"--window-size={size}", page.as_uri())
    assert shot.is_file(), f"Chromium wrote no screenshot of {page}"
    return Image.open(shot).convert("RGB")


def _dom(browser: str, tmp: Path, page: Path, name: str) -> str:
    result = _run(browser, tmp / f"profile-dom-{name}", "--dump-dom", page.as_uri())
    return result.stdout


def _not_blank(image: Image.Image) -> None:
    stat = ImageStat.Stat(image.convert("L"))
    assert stat.stddev[0] > 10, "the screenshot is (nearly) one flat colour"
    dark = sum(image.convert("L").histogram()[:100])
    assert dark > 500, "almost no dark pixels: no text was drawn"


@pytest.mark.slow
def test_standard_and_amp_pages_render_from_disk(store, tmp_path):
    browser = _chromium()
    site = build_fixture_site(store)
    out = tmp_path / "out"
    export_site(store, out)
    article = next(iter(site["articles"].values()))
    for name, page in (("standard", out / article.slug / "index.html"),
                       ("amp", out / article.slug / "amp" / "index.html")):
        dom = _dom(browser, tmp_path, page, name)
        assert article.title in dom, f"the headline is missing from the {name} page"
        _not_blank(_screenshot(browser, tmp_path, page, name))
    dom = _dom(browser, tmp_path, out / "index.html", "index")
    assert all(a.title in dom for a in site["articles"].values())
    _not_blank(_screenshot(browser, tmp_path, out / "index.html", "index", "1280,900"))
