"""Child process: the real main window (offscreen) with key presses typed into the body editor.

Usage: python child_window_typist.py DB ARTICLE_ID SEED SETTINGS_INI
Prints "ready", waits for "go" on stdin, prints "session ID" and "typing", then "N T" per key.
"""

from __future__ import annotations

import os
import random
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from child_typist import ALPHABET  # noqa: E402
from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from digest_desk.app import create_window, make_application  # noqa: E402
from digest_desk.store import open_store  # noqa: E402


def main(argv: list[str]) -> int:
    db, article_id, seed, ini = argv[0], int(argv[1]), int(argv[2]), argv[3]
    app = make_application()
    store = open_store(db, create=False)
    window = create_window(store, QSettings(ini, QSettings.Format.IniFormat))
    window.show()
    window.load_article(article_id)
    app.processEvents()
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 0
    window.load_article(article_id)  # the text as the parent left it after the last round
    body = window.editor.body
    body.moveCursor(body.textCursor().MoveOperation.End)
    body.setFocus()
    print(f"session {window.safety.holder}", flush=True)
    print(f"editing {window.safety.editing}", flush=True)
    print("typing", flush=True)
    rng = random.Random(seed)
    count = [0]

    def key() -> None:
        QTest.keyClicks(body, rng.choice(ALPHABET).replace("\n", " "))
        count[0] += 1
        print(f"{count[0]} {time.time():.4f}", flush=True)

    timer = QTimer(interval=12)
    timer.timeout.connect(key)
    timer.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
