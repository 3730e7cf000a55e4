"""Take docs/window-light.png and docs/window-dark.png: the window with a demo article and both previews.

Run: QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" python scripts/screenshots.py
(offscreen, on a temporary database with the demo content; nothing of yours is touched).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from digest_desk.app import create_window, make_application  # noqa: E402
from digest_desk.store import open_store  # noqa: E402
from digest_desk.store.articles import list_articles  # noqa: E402
from digest_desk.store.demo import seed_demo  # noqa: E402

SIZE = (1400, 900)
ARTICLE = "harbour"  # the demo article shown (first whose slug contains this)


def wait(app: QApplication, seconds: float, until=lambda: False) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not until():
        app.processEvents()
        time.sleep(0.01)


def shoot(window, app: QApplication, theme: str, out: Path) -> None:
    window.theme.set_mode(theme)
    done: list[float] = []
    window.live.preview.rendered.connect(done.append)
    window.live.preview.render_failed.connect(lambda m: print(f"preview failed: {m}", file=sys.stderr))
    window.live.refresh_now()
    wait(app, 30, lambda: bool(done))
    if not done:
        raise SystemExit("the previews did not render within 30 s")
    wait(app, 2.0)  # pictures and fonts settle
    window.grab().save(str(out))
    print(f"wrote {out.relative_to(ROOT)}")


def offscreen_app() -> tuple[QApplication, Path]:
    """An offscreen application on a fixed 1920x1200 screen, and a temporary folder for its files."""
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    tmp = Path(tempfile.mkdtemp(prefix="digest-desk-shots-"))
    screen = {"name": "shot", "x": 0, "y": 0, "width": 1920, "height": 1200, "logicalDpi": 96,
              "logicalBaseDpi": 96, "dpr": 1}
    (tmp / "screens.json").write_text(json.dumps({"screens": [screen]}))
    QStandardPaths.setTestModeEnabled(True)
    return make_application(["screenshots", "-platform", f"offscreen:configfile={tmp / 'screens.json'}"]), tmp


def main() -> int:
    app, tmp = offscreen_app()
    store = open_store(tmp / "demo.sqlite3")
    seed_demo(store)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = create_window(store, settings)
    window.resize(*SIZE)
    window.show()
    rows = list_articles(store)
    chosen = next((r for r in rows if ARTICLE in r.slug), rows[0])
    window.load_article(chosen.id)
    window.list_panel.model.wait()
    wait(app, 1.0)
    window.list_panel.select_article(chosen.id)
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    shoot(window, app, "light", docs / "window-light.png")
    shoot(window, app, "dark", docs / "window-dark.png")
    window.editor.find_bar.open_bar(replace=True)  # Ctrl+H: find & replace (ui/find_bar.py)
    window.editor.find_bar.find_edit.setText("harbour")
    shoot(window, app, "light", docs / "window-find.png")
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
