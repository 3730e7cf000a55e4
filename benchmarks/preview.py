"""Preview speed: typing in the real window (key to both previews updated, UI stalls), render
request to both previews updated (800 and 20,000 words), and cold start.

``python benchmarks/preview.py [--runs N] [--quick] [--words 800 ...] [--typing-only] [--unfrozen]``:
--quick skips the cold start. The typing lines count full garbage collections while typing (the
editor holds them back until typing pauses: ui/typing_gc.py).
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))  # a benchmark script run by hand from a checkout

WORDS = ("desk digest editor story page reader simplified standard preview block line "
         "markdown render publish headline partner topic signal window cursor").split()
EDITS = 40


def paragraph(n: int, words: int) -> str:
    text = " ".join(WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(words - 2))
    return f"Paragraph {n}: {text}."  # distinct paragraphs, as in a real article


def article_body(total_words: int) -> list[str]:
    """Paragraphs of ~60 words with a heading and a list now and then."""
    blocks: list[str] = []
    words = 0
    n = 0
    while words < total_words:
        if n % 12 == 0:
            blocks.append(f"## Section {n // 12 + 1}")
        if n % 9 == 4:
            blocks.append("\n".join(f"- item {n}-{k} with *emphasis* and [a link](https://example.com/{n}/{k})"
                                    for k in range(3)))
            words += 24
        blocks.append(paragraph(n, 60))
        words += 60
        n += 1
    return blocks


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

# The window is measured as the workstation runs it: no collection while it starts, then what
# start-up built is frozen (app.run_workstation); --unfrozen measures without that.
FREEZE_AS_THE_APP = [True]
KEYS_PER_SECOND = 10
TYPING_SECONDS = 10.0
TYPED = "the quick brown fox jumps over the lazy dog and keeps typing "
SCREEN = '{"screens": [{"name": "desk", "x": 0, "y": 0, "width": 1920, "height": 1200, ' \
         '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'


def typing_application(tmp: Path):
    """The application as the workstation makes it, on a desktop-sized offscreen screen (the
    offscreen default, 800x600, would show the previews as tabs), with test-mode settings."""
    from PySide6.QtCore import QStandardPaths

    from digest_desk.app import make_application

    config = tmp / "screens.json"
    config.write_text(SCREEN, encoding="utf-8")
    app = make_application(["bench", "-platform", f"offscreen:configfile={config}"])
    QStandardPaths.setTestModeEnabled(True)
    return app


def shown_body(pane) -> str:
    """The body text both previews show now (``_shown_body`` on main before issue 17)."""
    body = getattr(pane, "shown_body", None)
    return pane._shown_body if body is None else body


def measure_live_typing(app, db: Path, total_words: int, seconds: float) -> dict[str, float]:
    """Type into the real window's body at KEYS_PER_SECOND with real key events; for each key,
    the time from the key event to both previews showing a body that contains it (including
    any waiting), and the longest gap between ticks of a 1 ms timer while typing."""
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtTest import QTest

    from digest_desk.app import create_window
    from digest_desk.store import open_store
    from digest_desk.store.articles import create_article

    store = open_store(db)
    blocks = article_body(total_words)
    article = create_article(store, title="Typing benchmark", body="\n\n".join(blocks))
    if FREEZE_AS_THE_APP[0]:  # the garbage collection policy of app.run_workstation
        gc.disable()
    window = create_window(store, QSettings(str(db.with_suffix(".ini")), QSettings.Format.IniFormat))
    if FREEZE_AS_THE_APP[0]:
        from digest_desk.app import _collect_again

        window.started.connect(_collect_again)  # start-up objects frozen, collection resumes
    window.resize(1600, 1000)
    window.show()
    pane = window.live.preview
    updates: list[tuple[float, int]] = []  # (when, typed characters the previews show)
    base = len(article.body)
    pane.rendered.connect(lambda _ms: updates.append((time.perf_counter(), len(shown_body(pane)) - base)))
    window.load_article(article.id)
    pump(app, lambda: updates and updates[-1][1] == 0, 30.0)
    body = window.editor.body
    middle = "\n\n".join(blocks[: len(blocks) // 2 + 1])
    cursor = body.textCursor()
    cursor.setPosition(len(middle))
    body.setTextCursor(cursor)
    body.setFocus()
    pump(app, lambda: False, 1.0)  # settle: spelling, counts, checks of the opened article
    updates.clear()
    keys: list[float] = []
    ticks: list[float] = []
    monitor = QTimer(interval=1, timerType=Qt.TimerType.PreciseTimer)
    cpu: list[float] = []  # the UI thread's own CPU time at each tick (the rest of a gap is waiting)
    waited: list[float] = []  # the UI thread's time runnable but without a CPU (other processes)
    run_queue = run_queue_clock()
    monitor.timeout.connect(lambda: (ticks.append(time.perf_counter()), cpu.append(time.thread_time()),
                                     waited.append(run_queue())))
    typist = QTimer(interval=1000 // KEYS_PER_SECOND, timerType=Qt.TimerType.PreciseTimer)

    def press() -> None:
        char = TYPED[len(keys) % len(TYPED)]
        keys.append(time.perf_counter())
        QTest.keyClick(body, char)
        if len(keys) >= seconds * KEYS_PER_SECOND:
            typist.stop()

    typist.timeout.connect(press)
    full_gcs: list[float] = []  # how long each full (oldest generation) collection took, ms
    gc.callbacks.append(partial(_time_full_collections, full_gcs, []))
    monitor.start()
    cpu_start = time.thread_time()
    typist.start()
    pump(app, lambda: not typist.isActive(), seconds + 30.0)
    typing_ended = time.perf_counter()
    cpu_used = time.thread_time() - cpu_start
    gc.callbacks.pop()
    monitor.stop()
    pump(app, lambda: updates and updates[-1][1] >= len(keys), 10.0)
    assert body.textCursor().position() == len(middle) + len(keys), "keys went elsewhere"
    latencies = []
    for index, pressed in enumerate(keys):
        shown = next((when for when, typed in updates if typed > index and when >= pressed), None)
        latencies.append(((shown if shown is not None else time.perf_counter()) - pressed) * 1000.0)
    gaps = sorted(((ticks[i + 1] - ticks[i]) * 1000.0, (cpu[i + 1] - cpu[i]) * 1000.0)
                  for i in range(len(ticks) - 1) if ticks[i + 1] <= typing_ended)
    own = [(ticks[i + 1] - ticks[i] - (waited[i + 1] - waited[i])) * 1000.0
           for i in range(len(ticks) - 1) if ticks[i + 1] <= typing_ended]
    window.live.shutdown()
    window.autosaver.wait(5000)
    dispose(window)
    pump(app, lambda: False, 0.3)
    store.close()
    gc.enable()
    return {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
            "max": max(latencies), "keys": len(keys),
            "updates": sum(1 for when, _ in updates if when <= typing_ended),
            "stall": gaps[-1][0] if gaps else 0.0, "stall_cpu": gaps[-1][1] if gaps else 0.0,
            "stall_p99": percentile([gap for gap, _ in gaps], 0.99) if gaps else 0.0,
            "longest_cpu": max((work for _, work in gaps), default=0.0),
            "stall_own": max(own, default=0.0),
            "cpu_per_key": cpu_used * 1000.0 / max(1, len(keys)),
            "full_gcs": len(full_gcs), "full_gc_ms": max(full_gcs, default=0.0)}


def run_queue_clock():
    """A clock of the calling thread's time spent runnable but waiting for a CPU (seconds, from
    Linux's schedstat): a gap less this is what the process itself held the UI thread for, which
    is what a machine shared with other work cannot show otherwise. Zero where unavailable."""
    try:
        fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
    except OSError:
        return lambda: 0.0
    return lambda: int(os.pread(fd, 128, 0).split()[1]) / 1e9


def _time_full_collections(out: list[float], started: list[float], phase: str, info: dict) -> None:
    """A gc callback: the duration of each collection of the oldest generation, in ms."""
    if info.get("generation") != 2:
        return
    if phase == "start":
        started[:] = [time.perf_counter()]
    elif started:
        out.append((time.perf_counter() - started.pop()) * 1000.0)


def dispose(widget) -> None:
    """Close and delete a widget now: its web pages must be gone before QtWebEngine's profile
    is released at exit (a page outliving the profile crashes the process as it ends)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def pump(app, condition, timeout: float) -> None:
    """Run the event loop as the application does (blocked in the event wait between events)
    until ``condition()`` holds or ``timeout`` seconds pass."""
    from PySide6.QtCore import QEventLoop, QTimer

    end = time.perf_counter() + timeout
    loop = QEventLoop()
    check = QTimer(interval=2)
    check.timeout.connect(lambda: (condition() or time.perf_counter() > end) and loop.quit())
    if condition():
        return
    check.start()
    loop.exec()
    check.stop()


def measure_typing(total_words: int) -> dict[str, float]:
    """From a keystroke to both previews updated (first update, and the exact one), in ms."""
    from PySide6.QtWidgets import QApplication

    from digest_desk.domain.models import Article, Site
    from digest_desk.ui.preview.pane import PreviewPane

    app = QApplication.instance()
    pane = PreviewPane()
    pane.resize(1400, 900)
    pane.show()
    blocks = article_body(total_words)
    article = Article(id=1, title="Benchmark", slug="benchmark", body="\n\n".join(blocks))
    site = Site()
    shown: list[float] = []
    settled: list[float] = []
    pane.rendered.connect(lambda _ms: shown.append(time.perf_counter()))
    pane.settled.connect(lambda _ms: settled.append(time.perf_counter()))

    def update() -> tuple[float, float]:
        start = time.perf_counter()
        count_shown, count_settled = len(shown), len(settled)
        pane.show_article(article, site)
        pane.render_now()  # the typing pause is over: time from here (debounce not counted)
        while len(settled) == count_settled:
            app.processEvents()
            time.sleep(0.0002)
        return (shown[count_shown] - start) * 1000.0, (settled[-1] - start) * 1000.0

    first_load = update()[1]
    middle = len(blocks) // 2
    firsts, exacts = [], []
    for i in range(EDITS):
        blocks[middle] = blocks[middle] + "x" if i % 5 else blocks[middle] + " more"
        article.body = "\n\n".join(blocks)
        first, exact = update()
        firsts.append(first)
        exacts.append(exact)
    pane.clear()
    pane.wait_idle(5000)
    dispose(pane)
    return {"median": statistics.median(firsts), "p95": percentile(firsts, 0.95),
            "exact_median": statistics.median(exacts), "exact_p95": percentile(exacts, 0.95),
            "first_load": first_load}


def measure_stall(total_words: int) -> tuple[float, float]:
    """Longest event-loop gap (ms) while a whole long article renders and loads; total ms."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from digest_desk.domain.models import Article, Site
    from digest_desk.ui.preview.pane import PreviewPane

    app = QApplication.instance()
    pane = PreviewPane()
    pane.resize(1400, 900)
    pane.show()
    article = Article(id=2, title="Stall", slug="stall", body="\n\n".join(article_body(total_words)))
    ticks: list[float] = []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    done: list[float] = []
    pane.rendered.connect(done.append)
    timer.start()
    start = time.perf_counter()
    pane.show_article(article, Site())
    pane.render_now()
    while not done:
        app.processEvents()
        time.sleep(0.001)
    total = (time.perf_counter() - start) * 1000.0
    timer.stop()
    gaps = [(b - a) * 1000.0 for a, b in zip(ticks, ticks[1:], strict=False)]
    pane.clear()
    pane.wait_idle(5000)
    dispose(pane)
    return max(gaps, default=0.0), total


COLD_START = r"""
import sys
from PySide6.QtWidgets import QApplication
from digest_desk.ui.preview.engine import prepare_webengine
prepare_webengine()
app = QApplication([])
try:  # the whole workstation once it exists, else the preview pane alone
    from digest_desk.app import create_window
    from digest_desk.store import open_store
    window = create_window(open_store(sys.argv[1]))
except ImportError:
    from digest_desk.ui.preview.pane import PreviewPane
    window = PreviewPane()
    window.resize(1200, 800)
window.show()
app.processEvents()
print("usable", flush=True)
"""


def measure_cold_start(db: Path, runs: int = 3) -> float:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", COLD_START, str(db)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in proc.stdout:
            if line.strip() == "usable":
                times.append((time.perf_counter() - start) * 1000.0)
                break
        proc.kill()
        proc.wait()
    return statistics.median(times)


def main() -> None:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="typing sessions per size")
    parser.add_argument("--seconds", type=float, default=TYPING_SECONDS)
    parser.add_argument("--quick", action="store_true", help="skip the cold start")
    parser.add_argument("--words", type=int, nargs="*", default=[800, 20_000],
                        help="article sizes to type into (default: 800 and 20000)")
    parser.add_argument("--typing-only", action="store_true",
                        help="only the typing sessions (no render-request, whole-page or cold-start lines)")
    parser.add_argument("--unfrozen", action="store_true",
                        help="leave start-up objects to the garbage collector (the app freezes them)")
    args = parser.parse_args()
    FREEZE_AS_THE_APP[0] = not args.unfrozen
    with tempfile.TemporaryDirectory() as tmp:
        app = typing_application(Path(tmp))
        for words in args.words:
            for run in range(args.runs):
                r = measure_live_typing(app, Path(tmp) / f"live-{words}-{run}.sqlite3", words,
                                        args.seconds)
                print(f"{words:>6} words, typing {KEYS_PER_SECOND} keys/s in the window (run {run + 1}): "
                      f"key -> both previews show it  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms"
                      f"  max {r['max']:7.1f} ms | previews updated {r['updates']:3.0f} times for"
                      f" {r['keys']:3.0f} keys | longest UI stall {r['stall']:5.1f} ms"
                      f" ({r['stall_cpu']:4.1f} ms of it UI-thread CPU; p99 tick gap"
                      f" {r['stall_p99']:4.1f} ms) | longest UI-thread CPU between ticks"
                      f" {r['longest_cpu']:4.1f} ms, UI-thread CPU per key {r['cpu_per_key']:4.1f} ms"
                      f" | longest stall less the UI thread's wait for a CPU {r['stall_own']:5.1f} ms"
                      f" | full garbage collections while typing {r['full_gcs']:.0f}"
                      f" (longest {r['full_gc_ms']:.1f} ms)",
                      flush=True)
        if not args.typing_only:
            measure_the_rest(Path(tmp), quick=args.quick)


def measure_the_rest(tmp: Path, quick: bool) -> None:
    """Render request to both previews updated, a whole long page, and the cold start."""
    for words in (800, 20_000):
        r = measure_typing(words)
        print(f"{words:>6} words: render request -> both previews updated  median {r['median']:6.1f} ms"
              f"  p95 {r['p95']:6.1f} ms | exact render shown  median {r['exact_median']:6.1f} ms"
              f"  p95 {r['exact_p95']:6.1f} ms | first whole load {r['first_load']:6.0f} ms")
    stall, total = measure_stall(20_000)
    print(f"20000 words, whole page: longest UI stall {stall:6.1f} ms during a {total:6.0f} ms render")
    if not quick:
        cold = measure_cold_start(tmp / "bench.sqlite3")
        print(f"cold start to a usable window: median {cold:6.0f} ms")

if __name__ == "__main__":
    main()
