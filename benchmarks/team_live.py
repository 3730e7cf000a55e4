"""Live updates on a team server: how long after another process's save the window's list shows it.

A real window (offscreen) listens on a PostgreSQL server; a separate process saves an article's
headline, one save at a time, and prints the moment each save committed. Printed: p50/p95 of
commit -> change burst reported and commit -> list showing the new headline (target p95 < 1 s).

Run by hand: ``python benchmarks/team_live.py [--saves 50] [--db postgresql+psycopg://…]``
(without --db a throwaway cluster is started, as the tests do).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # a benchmark script run by hand from a checkout
sys.path.insert(0, str(ROOT))  # tests.pg_server starts the throwaway cluster

# The other editor: waits for "go", saves the headline, prints when it committed.
SAVER = """
import sys, time
from digest_desk.store import open_store
from digest_desk.store.articles import get_article, save_article
store = open_store(sys.argv[1])
article_id = int(sys.argv[2])
print("ready", flush=True)
for line in sys.stdin:
    number = line.strip()
    article = get_article(store, article_id)
    article.title = f"Headline {number}"
    save_article(store, article, reason="save")
    print(number, time.time(), flush=True)
store.close()
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Run:
    """Drives the saver process from the window's event loop and times what the window shows."""

    def __init__(self, window, url: str, article_id: int, saves: int) -> None:
        from PySide6.QtCore import QProcess

        self.window, self.article_id, self.saves = window, article_id, saves
        self.number = 0
        self.committed: float | None = None
        self.burst: list[float] = []
        self.shown: list[float] = []
        self.burst_at: float | None = None
        self.proc = QProcess()
        env = self.proc.processEnvironment()
        env.insert("PYTHONPATH", str(ROOT / "src"))
        self.proc.setProcessEnvironment(env)
        self.proc.readyReadStandardOutput.connect(self._read)
        model = window.list_panel.model
        model.loading_changed.connect(lambda _busy: self._look())
        model.dataChanged.connect(lambda *_a: self._look())
        window.team_live.articles_changed.connect(self._burst)
        self.proc.start(sys.executable, ["-c", SAVER, url, str(article_id)])

    def _read(self) -> None:
        while self.proc.canReadLine():
            words = bytes(self.proc.readLine()).decode().split()
            if words == ["ready"]:
                self._next()
            elif len(words) == 2 and int(words[0]) == self.number:
                self.committed = float(words[1])
                self._look()

    def _next(self) -> None:
        if self.number >= self.saves:
            self.committed = None  # later list signals measure nothing
            self.proc.closeWriteChannel()
            from PySide6.QtWidgets import QApplication

            QApplication.instance().quit()
            return
        self.number += 1
        self.committed = self.burst_at = None
        self.proc.write(f"{self.number}\n".encode())

    def _burst(self, ids: list) -> None:
        if self.article_id in ids and self.burst_at is None:
            self.burst_at = time.time()

    def _look(self) -> None:
        model = self.window.list_panel.model
        row = model.row_of(self.article_id)
        current = model.row_at(row) if row >= 0 else None
        if self.committed is None or current is None or current.title != f"Headline {self.number}":
            return
        now = time.time()
        self.shown.append(now - self.committed)
        if self.burst_at is not None:
            self.burst.append(self.burst_at - self.committed)
        self._next()


def report(name: str, values: list[float]) -> None:
    ms = [v * 1000 for v in values]
    print(f"{name:<34} n={len(ms):>3}  p50 {statistics.median(ms):7.1f} ms  "
          f"p95 {percentile(ms, 0.95):7.1f} ms  max {max(ms):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--db", help="a PostgreSQL database URL (default: a throwaway cluster)")
    args = parser.parse_args()
    cluster = None
    url = args.db
    if url is None:
        from tests import pg_server

        base, cluster = pg_server.start_server()
        url = pg_server.create_database(base)
    try:
        measure(url, args.saves)
    finally:
        if cluster is not None:
            cluster.stop()


def measure(url: str, saves: int) -> None:
    from PySide6.QtCore import QSettings, QStandardPaths, QTimer

    from digest_desk.app import create_window, make_application
    from digest_desk.store import open_store
    from digest_desk.store.articles import create_article

    QStandardPaths.setTestModeEnabled(True)
    app = make_application()
    store = open_store(url)
    for n in range(200):
        create_article(store, title=f"Filler {n}", body="Text.")
    article = create_article(store, title="Headline 0", body="The article another editor saves.")
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = create_window(store, settings)
        window.show()
        while not window.team_live.listening:
            app.processEvents()
            time.sleep(0.01)
        run = Run(window, url, article.id, saves)
        QTimer.singleShot(600_000, app.quit)  # never hang
        app.exec()
        if not run.proc.waitForFinished(10_000):
            run.proc.kill()
            run.proc.waitForFinished(5_000)
        window.close()
    store.close()
    print(f"Live updates: {len(run.shown)} of {saves} saves in another process seen by the window's list")
    if run.burst:
        report("commit -> change burst reported", run.burst)
    if run.shown:
        report("commit -> list shows the headline", run.shown)
        verdict = "met" if percentile(run.shown, 0.95) < 1.0 else "MISSED"
        print(f"target p95 < 1 s: {verdict}")


if __name__ == "__main__":
    main()
