"""Our export next to Hugo on the same articles: ``python benchmarks/vs_hugo.py N [--corpus realistic]``.

The articles come from benchmarks/export.py (the same generator, so the same bodies). Hugo gets
them as content files (YAML front matter + markdown) with a minimal theme written here: one
list template (the digest, paginated, and the section pages) and one single template (the
article). Hugo builds one rendition per article; we build two (the standard page and the AMP
page), plus index pages, sections, feed and sitemap, as Hugo does its list pages, RSS and sitemap.

Each round builds, into fresh folders: Hugo; our export with empty caches (a truly cold first
export: nothing rendered these bodies before); our export again with the caches it filled (after
an earlier export: finished pages come from the page cache); once more with the page cache off
(after the previews or checks rendered the articles: only the parsed bodies are cached); and the
first export of a store made by importing Hugo's content files (``digest-desk import --from
hugo``), whose fragment cache the import filled by rendering ahead in idle processes. The import
is timed with and without rendering ahead (``--no-warm``), interleaved, ``--import-rounds``
times, so what rendering ahead adds to the import is printed too. Rounds are interleaved, so
load on the machine falls on all alike; the medians of the rounds are printed with the ratios to
Hugo.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from export import CACHE_ENV, CORPORA, generate, stories  # noqa: E402 (benchmarks/export.py)

from digest_desk.export import export_site  # noqa: E402
from digest_desk.export.page_cache import PAGE_CACHE_ENV  # noqa: E402
from digest_desk.store import open_store  # noqa: E402
from digest_desk.store.site import update_site  # noqa: E402

CONFIG = """baseURL = "https://bench.example/"
title = "Bench Digest"
disableKinds = ["taxonomy"]  # the list of sections; their own pages stay (kind "term")
ignoreErrors = ["error-disable-taxonomy"]
paginate = 20  # as our listing pages
[taxonomies]
  category = "categories"
[permalinks]
  posts = "/:slug/"
[markup.goldmark.renderer]
  unsafe = false
"""
# The list pages cost Hugo what ours cost us, no more: the digest's articles are filtered once
# per build (a ``where`` in the list template ran again on each of the digest's pages), and the
# pager is newer/older links with "Page N of M", 20 articles a page, as ours (Hugo's built-in
# pagination template walks every page number on every page). Both made Hugo quadratic: 10,000
# articles took it 35-65 s, which flattered us.
LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title></head><body>
<header><a href="{{ .Site.BaseURL }}">{{ .Site.Title }}</a></header><main><h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if not .Data.Term }}{{ $pages = partialCached "posts.html" . "posts" }}{{ end }}
{{ range (.Paginate $pages).Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
· {{ .Params.author }}</p><p>{{ .Summary }}</p></article>{{ end }}
{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav>{{ with .Prev }}<a rel="prev" href="{{ .URL }}">« Newer</a>{{ end }}
<span>Page {{ .PageNumber }} of {{ .TotalPages }}</span>{{ with .Next }}<a rel="next" href="{{ .URL }}">Older »</a>{{ end }}</nav>{{ end }}{{ end }}
</main></body></html>
"""
POSTS = """{{ return where site.RegularPages "Section" "posts" }}
"""
SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title><link rel="canonical" href="{{ .Permalink }}"></head><body>
<header><a href="{{ .Site.BaseURL }}">{{ .Site.Title }}</a>
{{ range .Params.categories }}<a href="{{ "categories/" | relURL }}{{ . | urlize }}/">{{ . }}</a>{{ end }}</header>
<main><article><h1>{{ .Title }}</h1><p>{{ .Params.author }} · <time>{{ .Date.Format "2 January 2006" }}</time></p>
{{ .Content }}</article></main></body></html>
"""


def write_hugo_site(root: Path, n: int, corpus: str) -> None:
    """The Hugo project: config, the two templates, and one content file per article."""
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (root / "config.toml").write_text(CONFIG, "utf-8")
    (layouts / "list.html").write_text(LIST, "utf-8")
    (layouts / "single.html").write_text(SINGLE, "utf-8")
    (root / "layouts" / "partials").mkdir()
    (root / "layouts" / "partials" / "posts.html").write_text(POSTS, "utf-8")
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    for s in stories(n, corpus):
        front = {"title": s.title, "slug": s.slug, "date": s.published.isoformat(), "author": s.author,
                 "summary": s.summary, "categories": [s.category], "tags": [s.tag]}
        lines = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items())
        (posts / f"{s.slug}.md").write_text(f"---\n{lines}\n---\n\n{s.body}\n", "utf-8")


def hugo_build(source: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["hugo", "--quiet", "--source", str(source), "--destination", str(out),
                    "--cacheDir", str(out.parent / f"{out.name}-cache")], check=True)
    return time.perf_counter() - started


def ours(store, out: Path, cache: Path, pages: bool = True) -> float:
    os.environ[CACHE_ENV] = str(cache)
    if pages:
        os.environ.pop(PAGE_CACHE_ENV, None)
    else:
        os.environ[PAGE_CACHE_ENV] = "off"
    return export_site(store, out).seconds


def import_hugo(content: Path, db: Path, cache: Path, warm: bool) -> tuple[float, str]:
    """``digest-desk import --from hugo`` in its own process, as an editor runs it; (seconds, last line)."""
    env = {**os.environ, CACHE_ENV: str(cache), "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    command = [sys.executable, "-m", "digest_desk", "--db", str(db), "import", "--from", "hugo", str(content)]
    started = time.perf_counter()
    done = subprocess.run(command + ([] if warm else ["--no-warm"]), env=env, check=True,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    return seconds, " / ".join(line.removeprefix("digest-desk: ") for line in lines[-2:])


def _files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--corpus", default="realistic", choices=CORPORA)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--import-rounds", type=int, default=1,
                        help="imports of the Hugo content with and without rendering ahead (a 10,000-article "
                             "import takes half a minute or more each)")
    parser.add_argument("--workdir", type=Path, help="the temporary folder's parent (system default)")
    args = parser.parse_args()
    if shutil.which("hugo") is None:
        print("hugo is not installed (Debian: apt install hugo)")
        return 1
    version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="dd-vs-hugo-", dir=args.workdir))
    try:
        write_hugo_site(work / "hugo", args.n, args.corpus)
        store = open_store(work / "bench.sqlite3")
        generate(store, args.n, args.corpus)
        print(f"{args.n} {args.corpus} articles; {version}")
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        content = work / "hugo" / "content"
        plain_times, warm_times = [], []
        for r in range(args.import_rounds):  # interleaved, as the builds are: load falls on both alike
            suffix = "" if r == 0 else f"-{r}"  # the first warmed store and cache are the ones exported
            seconds, plain_said = import_hugo(content, work / f"imported-plain{suffix}.sqlite3",
                                              work / f"cache-plain{suffix}", False)
            plain_times.append(seconds)
            seconds, warm_said = import_hugo(content, work / f"imported{suffix}.sqlite3",
                                             work / f"cache-imported{suffix}", True)
            warm_times.append(seconds)
            print(f"import round {r + 1}: without rendering ahead {plain_times[-1]:.2f} s ({plain_said}); "
                  f"rendering ahead {warm_times[-1]:.2f} s ({warm_said})")
        plain_import, warm_import = statistics.median(plain_times), statistics.median(warm_times)
        imported = open_store(work / "imported.sqlite3")
        # The site settings generate() gives the other store (an import brings articles only),
        # so both exports carry the same page chrome.
        update_site(imported, name="Bench Digest", partner_name="Partner", partner_url="https://partner.example/")
        times: dict[str, list[float]] = {"hugo": [], "cold": [], "warm": [], "bodies": [], "imported": []}
        for r in range(args.rounds):
            times["hugo"].append(hugo_build(work / "hugo", work / f"hugo-out-{r}"))
            times["cold"].append(ours(store, work / f"ours-cold-{r}", work / f"cache-{r}"))
            times["warm"].append(ours(store, work / f"ours-warm-{r}", work / f"cache-{r}"))
            times["bodies"].append(ours(store, work / f"ours-bodies-{r}", work / f"cache-{r}", pages=False))
            # Each round starts from the cache as the import left it (a copy): the export fills
            # the page cache beside it, which would make the next round's export a warm one.
            cache = work / f"cache-imported-round-{r}"
            shutil.copytree(work / "cache-imported", cache)
            times["imported"].append(ours(imported, work / f"ours-imported-{r}", cache))
            print(f"round {r + 1}: hugo {times['hugo'][-1]:.2f} s, ours first {times['cold'][-1]:.2f} s, "
                  f"ours warm cache {times['warm'][-1]:.2f} s, parsed bodies only {times['bodies'][-1]:.2f} s, "
                  f"ours first after import {times['imported'][-1]:.2f} s")
        hugo_files, our_files = _files(work / "hugo-out-0"), _files(work / "ours-cold-0")
        store.close()
        imported.close()
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"Hugo (one rendition, {hugo_files} files):          median {med['hugo']:6.2f} s")
        print(f"ours, first export (two renditions, {our_files} files): median {med['cold']:6.2f} s  "
              f"= {med['cold'] / med['hugo']:.2f}x Hugo")
        print(f"ours, new folder, after an earlier export: median {med['warm']:6.2f} s  "
              f"= {med['warm'] / med['hugo']:.2f}x Hugo")
        print(f"ours, new folder, parsed bodies cached:    median {med['bodies']:6.2f} s  "
              f"= {med['bodies'] / med['hugo']:.2f}x Hugo")
        print(f"ours, first export after import (cache warmed by the import): median {med['imported']:6.2f} s  "
              f"= {med['imported'] / med['hugo']:.2f}x Hugo")
        print(f"  rendering ahead changed the import by {warm_import - plain_import:+.2f} s "
              f"(median of {args.import_rounds}: {warm_import:.2f} s against {plain_import:.2f} s without)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
