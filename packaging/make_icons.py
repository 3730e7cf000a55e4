"""Render one source image (SVG or PNG) into the app icon every platform wants."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
# The app's own icon (the window shows the same file), as SVG or else a big square PNG.
SOURCE_CANDIDATES = (
    REPO_ROOT / "resources" / "icons" / "digest-desk.svg",
    REPO_ROOT / "resources" / "icons" / "digest-desk.png",
)
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
MASTER_SIZE = 1024


def default_source() -> Path:
    for candidate in SOURCE_CANDIDATES:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("no icon source found: " + ", ".join(map(str, SOURCE_CANDIDATES)))


def render_svg(path: Path, size: int) -> Image.Image:
    """Rasterise an SVG with Qt's SVG renderer (offscreen, no display needed)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(["make_icons"])
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        raise ValueError(f"{path}: not a valid SVG image")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    del app
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def load_master(path: Path, size: int = MASTER_SIZE) -> Image.Image:
    """The source image as a square RGBA picture of ``size`` pixels."""
    if path.suffix.lower() == ".svg":
        return render_svg(path, size)
    with Image.open(path) as img:
        img = img.convert("RGBA")
    if img.width != img.height:
        raise ValueError(f"{path}: the icon source must be square, not {img.width}x{img.height}")
    return img.resize((size, size), Image.Resampling.LANCZOS)


def scaled(master: Image.Image, size: int) -> Image.Image:
    return master.resize((size, size), Image.Resampling.LANCZOS)


def write_hicolor(master: Image.Image, out: Path, name: str) -> list[Path]:
    """PNGs laid out like the freedesktop hicolor theme: ``hicolor/NxN/apps/NAME.png``."""
    written = []
    for size in HICOLOR_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        scaled(master, size).save(target, optimize=True)
        written.append(target)
    return written


def write_ico(master: Image.Image, target: Path) -> Path:
    """A multi-size Windows icon (each size resampled from the master, not from each other)."""
    largest = scaled(master, ICO_SIZES[-1])
    largest.save(target, format="ICO", sizes=[(s, s) for s in ICO_SIZES])
    return target


def write_icns(master: Image.Image, target: Path) -> Path:
    """A macOS icon set with every size from 16 to 1024 pixels."""
    images = [scaled(master, s) for s in ICNS_SIZES[:-1]]
    scaled(master, ICNS_SIZES[-1]).save(target, format="ICNS", append_images=images)
    return target


def make_all(source: Path, out: Path, name: str = "digest-desk") -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    master = load_master(source)
    master.save(out / f"{name}.png")
    return {
        "hicolor": write_hicolor(master, out, name),
        "ico": write_ico(master, out / f"{name}.ico"),
        "icns": write_icns(master, out / f"{name}.icns"),
        "png": out / f"{name}.png",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--source", type=Path, help="square SVG or PNG (default: the app icon)")
    parser.add_argument("--name", default="digest-desk", help="base name of the icon files")
    args = parser.parse_args(argv)
    try:
        source = args.source or default_source()
        made = make_all(source, args.out, args.name)
    except (OSError, ValueError) as exc:
        print(f"make_icons: {exc}", file=sys.stderr)
        return 2
    count = len(made["hicolor"]) + 3
    print(f"make_icons: {count} files from {source} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
