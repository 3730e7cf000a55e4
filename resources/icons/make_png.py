"""Render digest-desk.svg to digest-desk-256.png with Qt's SVG renderer; run by hand, output committed."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent


def render(size: int = 256) -> Path:
    renderer = QSvgRenderer(str(HERE / "digest-desk.svg"))
    if not renderer.isValid():
        raise SystemExit("digest-desk.svg could not be read")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    out = HERE / f"digest-desk-{size}.png"
    image.save(str(out))
    return out


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1] + ["-platform", "offscreen"])
    print(render())
