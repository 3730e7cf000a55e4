"""The site logo is kept in the database: a chosen file becomes a stored picture, a local path is never published."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image as PILImage

from digest_desk.domain import Site
from digest_desk.store.articles import create_article
from digest_desk.store.media import get_image_bytes
from digest_desk.store.site import SiteSettingError, get_site, update_site

SRC = Path(__file__).resolve().parents[3] / "src"


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DIGEST_DESK_DB", None)
    return subprocess.run([sys.executable, "-m", "digest_desk", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def png_with_gps(path: Path, size: tuple[int, int] = (240, 48)) -> bytes:
    """A PNG logo carrying an EXIF GPS block and an owner, as a phone or an editor's tool writes it."""
    img = PILImage.new("RGB", size, "navy")
    exif = img.getexif()
    exif[0x013B] = "Alice Private"  # Artist
    exif.get_ifd(0x8825)[2] = (52.0, 31.0, 12.0)  # GPSLatitude
    buf = BytesIO()
    img.save(buf, "PNG", exif=exif.tobytes())
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


def all_bytes(folder: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


def test_site_set_logo_file_stores_it_and_the_export_publishes_it_from_the_database(store, db_path, tmp_path):
    create_article(store, title="Story", body="Text.", status="published")
    store.close()
    source = tmp_path / "x.png"
    png_with_gps(source)
    result = run(db_path, "site", "set", "logo", str(source))
    assert result.returncode == 0, result.stderr
    site = json.loads(run(db_path, "site", "show", "--json").stdout)
    name = site["logo"].removeprefix("media/")
    assert site["logo"].startswith("media/logo-") and name.endswith(".png"), site["logo"]
    assert str(source) not in result.stdout + json.dumps(site)
    source.unlink()  # the export must read the database, not the file
    out = tmp_path / "out"
    assert run(db_path, "export", str(out), "--yes").returncode == 0
    published = (out / "media" / name).read_bytes()
    with PILImage.open(BytesIO(published)) as img:
        assert img.size == (240, 48) and not img.getexif() and "exif" not in img.info  # no GPS, no owner
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'<img src="media/{name}" alt="" width="240" height="48">' in index
    story = next(out.glob("story*/index.html")).read_text(encoding="utf-8")
    assert f'"url":"https://example.com/media/{name}"' in story  # JSON-LD names the published copy
    assert "assets/logo" not in index and not (out / "assets" / "logo.png").exists()


def test_a_local_path_in_a_restored_database_is_never_read_or_published(store, db_path, tmp_path):
    create_article(store, title="Story", body="Text.", status="published")
    update_site(store, name="Desk")
    store.close()
    private = tmp_path / "private" / "private.png"
    private.parent.mkdir()
    secret = png_with_gps(private, (64, 64))
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE site SET logo = ?, logo_width = 64, logo_height = 64", (str(private),))
    out = tmp_path / "out"
    result = run(db_path, "export", str(out), "--yes")
    assert result.returncode == 0, result.stderr
    files = all_bytes(out)
    assert files and all(secret not in data for _path, data in files)
    assert all(str(private) not in data.decode("utf-8", "replace") and b"private.png" not in data
               for _path, data in files)
    assert b"<img" not in (out / "index.html").read_bytes()  # no logo rather than the file
    assert not list(out.rglob("logo*"))
    check = run(db_path, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert ("site: warning: The site logo is a file on this computer: set it again in Site Settings "
            "so it is stored with the site") in check.stdout
    data = json.loads(run(db_path, "check", "--json").stdout)
    assert {"slug": None, "severity": "warning", "code": "site.logo-local-file"}.items() <= data[0].items()


def test_the_logo_setting_refuses_paths_and_names_only_stored_pictures(store, tmp_path):
    for path in ("/home/editor/private/passport.png", "C:\\Users\\ed\\logo.png", "logo.png"):
        with pytest.raises(SiteSettingError, match="file on this computer"):
            update_site(store, logo=path)
    for hostile in ("javascript:alert(1)", "media/../secret.png", "data:image/png;base64,AA=="):
        with pytest.raises(SiteSettingError, match="web address"):
            update_site(store, logo=hostile)
    with pytest.raises(SiteSettingError, match="no stored picture"):
        update_site(store, logo="media/nothing.png")
    assert get_site(store).logo == ""  # nothing was written
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(Exception, match="not a regular file"):
        update_site(store, logo_file=fifo)
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(Exception, match="not a picture"):
        update_site(store, logo_file=tmp_path / "notes.png")
    logo = tmp_path / "logo.png"
    data = png_with_gps(logo, (120, 30))
    site = update_site(store, logo_file=logo)
    assert (site.logo_width, site.logo_height) == (120, 30)
    stored = get_image_bytes(store, site.logo.removeprefix("media/"))
    assert stored != data and b"Alice Private" not in stored  # stored without its metadata
    assert update_site(store, logo="https://cdn.example/logo.png").logo == "https://cdn.example/logo.png"


def test_check_site_names_each_unpublishable_logo():
    from digest_desk.checks.site import check_site
    from digest_desk.domain import Image

    stored = {"logo-1.png": Image(id=1, name="logo-1.png", width=10, height=10)}

    def codes(logo: str) -> list[str]:
        return [p.code for p in check_site(Site(logo=logo), stored)]

    assert codes("/home/editor/private/passport.png") == ["site.logo-local-file"]
    assert codes("javascript:alert(1)") == ["site.logo-bad-address"]
    assert codes("media/gone.png") == ["site.logo-missing"]
    assert codes("media/logo-1.png") == codes("https://cdn.example/l.png") == codes("") == []
