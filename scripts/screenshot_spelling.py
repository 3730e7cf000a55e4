"""Take docs/window-spelling.png: underlined misspellings, a shaded long sentence, the spelling
context menu and the reading-ease read-out, in the real window (offscreen, temporary database).

Run: QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" python scripts/screenshot_spelling.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from PySide6.QtCore import QPoint, QSettings  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from screenshots import offscreen_app, wait  # noqa: E402  (beside this script)

from digest_desk.app import create_window  # noqa: E402
from digest_desk.store import open_store  # noqa: E402
from digest_desk.store.articles import create_article  # noqa: E402

BODY = """The harbor ferry resumed service on Monday after the goverment lifted the storm warning.

Passengers said the crossing was calm, and the captain, Anna Kowalczyk, thanked the crew for
their patience during a week in which the boats stayed tied up, the ticket office stayed shut and
the town's shops, which depend on day visitors from the mainland, reported that they had lost
most of their usual trade for the season.

See [the timetable](https://ferries.example.org/timetable_2026) or write to desk@example.com.
"""


def main() -> int:
    app, tmp = offscreen_app()
    store = open_store(tmp / "demo.sqlite3")
    article = create_article(store, title="Ferry resumes aftr the storm", summary="Service is back.", body=BODY)
    window = create_window(store, QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    window.load_article(article.id)
    spelling = window.spelling
    spelling.measure_now()
    wait(app, 5, lambda: spelling.result is not None and not spelling.service.pending
         and not spelling.body.busy)
    wait(app, 1.0)
    body = window.editor.body
    cursor = body.textCursor()
    cursor.setPosition(body.toPlainText().index("goverment") + 3)
    point = body.cursorRect(cursor).center()
    menu = spelling.menus.menu_for(spelling.body, point)
    menu.popup(body.viewport().mapToGlobal(point + QPoint(40, 3 * body.cursorRect(cursor).height())))
    wait(app, 0.5)
    shot = window.grab()
    painter = QPainter(shot)
    painter.drawPixmap(window.mapFromGlobal(menu.pos()) + QPoint(0, 0), menu.grab())
    painter.end()
    out = ROOT / "docs" / "window-spelling.png"
    shot.save(str(out))
    print(f"wrote {out.relative_to(ROOT)}: {spelling.label.text()}")
    menu.close()
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
