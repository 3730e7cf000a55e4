"""Window speed over a 100,000-article database: cold start, list paging, search, UI stalls."""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))  # a benchmark script run by hand from a checkout

ARTICLES = 100_000
CATEGORIES = ("World", "Economy", "Sports", "Culture", "Technology")
STATUSES = ("draft", "ready", "published")


def make_database(path: Path) -> None:
    """A real database (migrated by open_store) filled with plain SQL for speed."""
    from digest_desk.store import open_store

    open_store(path).close()
    con = sqlite3.connect(path)
    rows = []
    for i in range(ARTICLES):
        day = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00"
        rows.append((f"Story number {i} about harbour {i % 97}", f"story-{i}", f"story-{i}",
                     "A summary.", f"Body of story {i}. " * 30, "Desk", CATEGORIES[i % 5], "[]",
                     STATUSES[i % 3], day, day, day, "", 1))
    con.executemany(
        "INSERT INTO article (title, slug, slug_key, summary, body, author, category, tags, status,"
        " published_at, updated_at, created_at, image_alt, version)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()


COLD_START = r"""
import sys, time
from digest_desk.app import create_window, make_application
from digest_desk.store import open_store
app = make_application(["bench"])
window = create_window(open_store(sys.argv[1]))
window.show()
model = window.list_panel.model
while model.rowCount() == 0:
    app.processEvents()
    time.sleep(0.001)
print("usable", model.rowCount(), flush=True)
"""


def cold_start(db: Path, runs: int = 3) -> float:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", COLD_START, str(db)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in proc.stdout:
            if line.startswith("usable"):
                times.append((time.perf_counter() - start) * 1000.0)
                break
        proc.kill()
        proc.wait()
    return statistics.median(times)


class StallMeter:
    """The longest gap between ticks of a 5 ms timer: how long the UI thread was blocked."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.ticks: list[float] = []
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def __enter__(self) -> StallMeter:
        self.ticks.clear()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()

    @property
    def longest(self) -> float:
        gaps = [(b - a) * 1000 for a, b in zip(self.ticks, self.ticks[1:], strict=False)]
        return max(gaps, default=0.0)


def pump_until(app, condition, timeout: float = 30.0) -> float:
    start = time.perf_counter()
    while not condition() and time.perf_counter() - start < timeout:
        app.processEvents()
        time.sleep(0.001)
    return (time.perf_counter() - start) * 1000.0


def in_process(db: Path) -> None:
    from digest_desk.app import create_window, make_application
    from digest_desk.store import open_store

    app = make_application(["bench"])
    window = create_window(open_store(db))
    window.resize(1400, 900)
    window.show()
    panel, model = window.list_panel, window.list_panel.model
    pump_until(app, lambda: model.rowCount() > 0)
    view = panel.view
    for label, row in (("middle", ARTICLES // 2), ("end", ARTICLES - 1)):
        with StallMeter() as meter:
            view.scrollTo(model.index(row, 0))
            took = pump_until(app, lambda r=row: model.row_at(r) is not None)
        print(f"jump to the {label} of the list: rows shown after {took:6.0f} ms, "
              f"longest UI stall {meter.longest:5.1f} ms")
    times = []
    with StallMeter() as meter:
        for query in ("harbour", "story 4*", "body", "harbour 42", "number"):
            panel.search_box.setText(query)
            start = time.perf_counter()
            pump_until(app, lambda q=query: model.query == q and not model._pending
                       and panel.notice.text() != "Reading…")
            times.append((time.perf_counter() - start) * 1000.0)
    print(f"search as you type (5 queries, incl. the 200 ms typing pause): median "
          f"{statistics.median(times):6.0f} ms, longest UI stall {meter.longest:5.1f} ms")
    window.close()


def main() -> None:
    """``python benchmarks/window.py [DB]``: DB is built when missing (and kept when named)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tmp) / "big.sqlite3"
        if not db.exists():
            start = time.perf_counter()
            make_database(db)
            print(f"built a {ARTICLES:,}-article database in {time.perf_counter() - start:.1f} s")
        print(f"cold start to a usable window with {ARTICLES:,} articles: median "
              f"{cold_start(db):6.0f} ms")
        in_process(db)


if __name__ == "__main__":
    main()
