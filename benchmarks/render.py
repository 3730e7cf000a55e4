"""Median time to render both renditions of an 800-word and a 20,000-word article vs bare markdown.

Run from a checkout: ``PYTHONPATH=src python benchmarks/render.py``.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

import markdown

from digest_desk import render
from digest_desk.domain import Article, Image, Site
from digest_desk.render import mdparse, pages

WORDS = ("council river bridge city people transport budget plan vote mayor street summer night "
         "train forest cup final film battery market school harbour crane path cycle green").split()


def paragraph(rng: random.Random, words: int) -> str:
    out = []
    for i in range(words):
        word = rng.choice(WORDS)
        if i % 17 == 5:
            word = f"*{word}*"
        elif i % 29 == 11:
            word = f"[{word}](https://news.example.org/{word})"
        elif i % 23 == 7:
            word = f'"{word}"'
        out.append(word)
    return " ".join(out).capitalize() + "."


def body(words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts, count, n = [], 0, 0
    while count < words:
        n += 1
        if n % 9 == 0:
            parts.append(f"## Part {n}")
        elif n % 13 == 0:
            parts.append("\n".join(f"- {paragraph(rng, 8)}" for _ in range(3)))
            count += 24
            continue
        elif n % 11 == 0:
            parts.append("![A picture](media/pic.jpg)")
        parts.append(paragraph(rng, 60))
        count += 60
    return "\n\n".join(parts)


CLOCK = time.perf_counter  # --cpu switches to process CPU time (steadier on a busy machine)


def medians_ms(fns: list[Callable[[], object]], runs: int) -> list[float]:
    """Median of each function's times; runs are interleaved so machine load hits all alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, bucket in zip(fns, times, strict=True):
            start = CLOCK()
            fn()
            bucket.append((CLOCK() - start) * 1000)
    return [statistics.median(bucket) for bucket in times]


def cold_both(article: Article, site: Site, ctx: render.RenderContext) -> None:
    mdparse._CACHE.clear()
    pages._BLOCK_CACHE.clear()
    render.standard(article, site, ctx)
    render.simplified(article, site, ctx)


def main() -> None:
    global CLOCK
    if "--cpu" in sys.argv:
        CLOCK = time.process_time
    print("clock:", "process CPU time" if CLOCK is time.process_time else "wall time (perf_counter)")
    site = Site(name="Bench", base_url="https://bench.example.org/")
    ctx = render.RenderContext(media={"pic.jpg": Image(name="pic.jpg", width=1200, height=800)})
    now = datetime(2026, 1, 1, tzinfo=UTC)
    render.standard(Article(title="warm", slug="w", body="x"), site)  # build templates once
    print(f"{'article':>12} {'bare md':>9} {'both cold':>10} {'ratio':>6} {'both warm':>10} {'preview std':>12}")
    for words, runs in ((800, 60), (20_000, 7)):
        text = body(words)
        article = Article(title="Bench", slug="bench", body=text, published_at=now, updated_at=now)
        bare, cold, warm, preview = medians_ms([
            lambda t=text: markdown.markdown(t),
            lambda a=article: cold_both(a, site, ctx),
            lambda a=article: (render.standard(a, site, ctx), render.simplified(a, site, ctx)),
            lambda a=article: render.preview_standard(a, site, ctx),
        ], runs)
        print(f"{len(text.split()):>7} wds {bare:>7.2f}ms {cold:>8.2f}ms {cold / bare:>5.2f}x {warm:>8.2f}ms {preview:>10.2f}ms")
    print("cold = markdown parse cache cleared before each run (what an edit costs);"
          " warm = same body again (cached parse).")
    for words, runs in ((800, 200), (20_000, 20)):
        parsed = mdparse.parse_body(body(words))
        record = mdparse.to_record(parsed) or b""
        write, read = medians_ms([lambda p=parsed: mdparse.to_record(p),
                                  lambda r=record: mdparse.from_record(r)], runs)
        print(f"fragment cache entry, {words:>6} words: {len(record):>7} bytes, made in {write * 1000:6.1f} µs, "
              f"read back in {read * 1000:6.1f} µs")


if __name__ == "__main__":
    main()
