"""Draw the demo pictures once (flat illustrations, small PNGs); run by hand, output is committed."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent / "images"
WIDE = (1200, 675)


def _canvas(sky: str, size: tuple[int, int] = WIDE) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", size, sky)
    return img, ImageDraw.Draw(img)


def harbour() -> Image.Image:
    img, d = _canvas("#f4b183")
    d.ellipse((820, 90, 960, 230), fill="#fff2cc")
    d.rectangle((0, 470, 1200, 675), fill="#2f5597")
    for x in (180, 420, 660):
        d.rectangle((x, 180, x + 24, 470), fill="#c00000")
        d.rectangle((x - 80, 180, x + 200, 204), fill="#c00000")
        d.line((x + 180, 204, x + 180, 330), fill="#404040", width=4)
    for i, colour in enumerate(("#70ad47", "#4472c4", "#ffc000", "#a5a5a5")):
        d.rectangle((120 + i * 130, 420, 240 + i * 130, 470), fill=colour)
    return img


def forest() -> Image.Image:
    img, d = _canvas("#ddebf7")
    d.rectangle((0, 520, 1200, 675), fill="#548235")
    for i in range(14):
        x = 40 + i * 85
        h = 220 + (i * 53) % 140
        d.polygon([(x, 540), (x + 70, 540), (x + 35, 540 - h)], fill="#375623")
        d.rectangle((x + 30, 540, x + 40, 570), fill="#7f6000")
    return img


def stadium() -> Image.Image:
    img, d = _canvas("#1f3864")
    d.ellipse((100, 250, 1100, 650), fill="#70ad47", outline="#ffffff", width=8)
    d.line((600, 255, 600, 645), fill="#ffffff", width=6)
    d.ellipse((540, 400, 660, 500), outline="#ffffff", width=6)
    for x in (160, 1040):
        d.rectangle((x - 6, 40, x + 6, 250), fill="#d9d9d9")
        d.ellipse((x - 40, 20, x + 40, 70), fill="#fff2cc")
    return img


def chart() -> Image.Image:
    img, d = _canvas("#ffffff", (800, 450))
    d.line((60, 400, 760, 400), fill="#404040", width=3)
    d.line((60, 40, 60, 400), fill="#404040", width=3)
    for i, h in enumerate((120, 160, 150, 210, 260, 240, 310)):
        d.rectangle((90 + i * 95, 400 - h, 150 + i * 95, 400), fill="#4472c4")
    return img


def satellite() -> Image.Image:
    img, d = _canvas("#0b0c2a")
    for i in range(90):
        x, y = (i * 131) % 1200, (i * 277) % 675
        d.point((x, y), fill="#ffffff")
    d.ellipse((-200, 420, 700, 1100), fill="#2e75b6")
    d.rectangle((760, 250, 840, 330), fill="#bfbfbf")
    d.rectangle((600, 270, 740, 310), fill="#4472c4")
    d.rectangle((860, 270, 1000, 310), fill="#4472c4")
    return img


def theatre() -> Image.Image:
    img, d = _canvas("#3a0c0c")
    d.rectangle((150, 120, 1050, 560), fill="#1a1a1a")
    d.polygon([(150, 120), (420, 120), (330, 560), (150, 560)], fill="#c00000")
    d.polygon([(1050, 120), (780, 120), (870, 560), (1050, 560)], fill="#c00000")
    for i in range(7):
        a = math.radians(200 + i * 20)
        d.line((600, 700, 600 + 700 * math.cos(a), 700 + 700 * math.sin(a)), fill="#7f6000", width=2)
    return img


def main() -> None:
    HERE.mkdir(exist_ok=True)
    pictures = {"harbour": harbour, "forest": forest, "stadium": stadium, "ridership-chart": chart,
                "satellite": satellite, "theatre": theatre}
    for name, draw in pictures.items():
        img = draw().quantize(colors=32)
        img.save(HERE / f"{name}.png", optimize=True)


if __name__ == "__main__":
    main()
