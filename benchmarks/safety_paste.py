"""Typing after a 10 MB paste in the real window (offscreen): longest event-loop stall while drafts save.

Run by hand: ``PYTHONPATH=src QT_QPA_PLATFORM=offscreen python benchmarks/safety_paste.py [--mb 10] [--lines]``.

The text goes in as a paste does (``insertFromMimeData``). Without ``--lines`` it is one 10 MB
paragraph, which the editor softens into ~1,000-character lines (a bare QPlainTextEdit lays a
single 10 MB line out again on every key, ~1 s per key per 2 MB); ``--lines`` pastes ordinary lines.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QSettings, QTimer
from PySide6.QtTest import QTest

from digest_desk.app import create_window, make_application
from digest_desk.store import open_store
from digest_desk.store.articles import create_article


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--lines", action="store_true", help="a line break after each sentence")
    args = ap.parse_args()
    app = make_application()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        store = open_store(Path(tmp) / "paste.sqlite3")
        article = create_article(store, title="Paste", body="")
        window = create_window(store, QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window.autosaver.set_delay(600_000)  # measure the draft path alone
        window.show()
        window.load_article(article.id)
        body = window.editor.body
        start = time.perf_counter()
        unit = "Pasted wire copy.\n" if args.lines else "Pasted wire copy. "
        mime = QMimeData()
        mime.setText(unit * (args.mb * 1024 * 1024 // 18))
        body.insertFromMimeData(mime)
        print(f"paste of {args.mb} MB took {time.perf_counter() - start:.2f} s (one-off)")
        gaps: list[float] = []
        last = [time.perf_counter()]

        def key() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now
            QTest.keyClicks(body, "k")

        timer = QTimer(interval=20)
        timer.timeout.connect(key)
        timer.start()
        QTimer.singleShot(int(args.seconds * 1000), app.quit)
        app.exec()
        timer.stop()
        window.safety.wait_for_drafts()
        gaps.sort()
        print(f"keys typed: {len(gaps)}; key interval median {gaps[len(gaps) // 2] * 1000:.0f} ms, "
              f"worst {gaps[-1] * 1000:.0f} ms (target 20 ms)")
        window.close()
        store.close()


if __name__ == "__main__":
    main()
