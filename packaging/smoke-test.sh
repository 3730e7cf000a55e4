#!/usr/bin/env bash
# Smoke-test a built installer: unpack it into a temporary root and run the frozen program there,
# in an empty environment from /, so nothing can come from the checkout or the system Python.
# Usage: packaging/smoke-test.sh [dist/digest-desk_*.deb | dist/digest-desk-*.tar.gz | BUNDLE_DIR]
# Run by hand after packaging/build-linux.sh (takes about a minute). Exit 0 only when every step passes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PKG=${1:-$(ls -t dist/digest-desk_*.deb 2>/dev/null | head -n 1)}
[ -e "$PKG" ] || { echo "smoke-test: no installer given and none in dist/ (run packaging/build-linux.sh)" >&2; exit 2; }
PKG=$(cd "$(dirname "$PKG")" && pwd)/$(basename "$PKG")
GUI_SECONDS=${DD_SMOKE_SECONDS:-8}
T=$(mktemp -d /tmp/dd-smoke.XXXXXX)
trap '[ -n "${DD_SMOKE_KEEP:-}" ] || rm -rf "$T"' EXIT
mkdir -p "$T/root" "$T/home" "$T/run" "$T/work/articles" "$T/work/spelling"
chmod 700 "$T/run"

case "$PKG" in
  *.deb)
    dpkg-deb -x "$PKG" "$T/root"
    EXPECTED=$(dpkg-deb -f "$PKG" Version)
    BIN=$T/root/usr/bin/digest-desk          # the launcher on PATH, a link into /opt/digest-desk
    BIN_REAL=$T/root/opt/digest-desk/digest-desk
    [ -L "$BIN" ] && [ "$(readlink -f "$BIN")" = "$BIN_REAL" ] || { echo "FAIL usr/bin/digest-desk is not a link to the bundle" >&2; exit 1; }
    for f in usr/share/applications/digest-desk.desktop usr/share/icons/hicolor/256x256/apps/digest-desk.png; do
      [ -f "$T/root/$f" ] || { echo "FAIL the .deb lacks $f" >&2; exit 1; }
    done ;;
  *.tar.gz)
    tar -C "$T/root" -xzf "$PKG"
    BIN=$(ls -d "$T"/root/digest-desk-*/digest-desk)
    EXPECTED=$(basename "$(dirname "$BIN")"); EXPECTED=${EXPECTED#digest-desk-}
    BIN_REAL=$BIN ;;
  *)
    [ -x "$PKG/digest-desk" ] || { echo "smoke-test: $PKG is neither a .deb, a .tar.gz nor a bundle folder" >&2; exit 2; }
    cp -a "$PKG" "$T/root/bundle"   # a copy, so that nothing runs from inside the checkout
    BIN=$T/root/bundle/digest-desk
    EXPECTED=$(sed -n 's/^Version: //p' "$T"/root/bundle/_internal/digest_desk-*.dist-info/METADATA)
    BIN_REAL=$BIN ;;
esac
INTERNAL=$(dirname "$BIN_REAL")/_internal
HOST_PY=$(python3 -c 'import sys; print(sys.base_prefix)' 2>/dev/null || echo /nonexistent)
DB=$T/work/smoke.sqlite3
OUT=$T/work/site
FAILED=0
SKIPPED=()

# The frozen program in an empty environment, started from /.
dd() {
  ( cd / && env -i HOME="$T/home" PATH=/usr/bin:/bin LANG=C.UTF-8 PYTHONNOUSERSITE=1 \
      XDG_RUNTIME_DIR="$T/run" QT_QPA_PLATFORM=offscreen \
      QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" ${DD_EXTRA_ENV:-} "$BIN" "$@" )
}
pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; FAILED=1; }
has_command() { dd --help | grep -Eq "^ +$1( |$)|[{,]$1[,}]"; }

echo "smoke-testing $(basename "$PKG") in $T/root"

# 1. version from package metadata, as the installer names it
got=$(dd --version)
[ "$got" = "digest-desk $EXPECTED" ] && pass "--version: $got" || fail "--version printed '$got', expected 'digest-desk $EXPECTED'"
# ... and read from the bundled metadata, not from the fallback constant
if grep -qx "Version: $EXPECTED" "$INTERNAL"/digest_desk-*.dist-info/METADATA 2>/dev/null; then
  pass "package metadata bundled: $(basename "$INTERNAL"/digest_desk-*.dist-info)"
else fail "no digest_desk-$EXPECTED.dist-info/METADATA in the bundle"; fi

# 2. import: a generated article plus the bundled samples (read from inside the bundle)
cat > "$T/work/articles/smoke-test-article.md" <<'MD'
---
title: Smoke test article for the frozen bundle
slug: smoke-test-article
date: 2026-11-28T08:00:00+00:00
author: Packaging Desk
category: Technology
tags: [packaging, smoke]
summary: One article imported, rendered and exported by the installed program.
status: published
links:
  - title: The AMP project
    url: https://amp.dev/
    kind: read-more
---
The installed program imported this article from a markdown file.

## A heading

A paragraph with a [link](https://example.com/) and *emphasis*.
MD
SLUG=smoke-test-article
SAMPLES=$INTERNAL/digest_desk/resources/samples
DB_PLAIN=$T/work/plain.sqlite3   # the generated article alone: no pictures
SAMPLE_SLUG=
if has_command import; then
  set -- "$T/work/articles"
  ls "$SAMPLES"/*.md >/dev/null 2>&1 && set -- "$@" "$SAMPLES"
  if out=$(dd --db "$DB" import "$@" 2>&1) && grep -q "$SLUG" <<<"$out" \
      && dd --db "$DB_PLAIN" import "$T/work/articles" >/dev/null 2>&1; then
    pass "import: $(wc -l <<<"$out") slugs ($(ls "$SAMPLES"/*.md 2>/dev/null | wc -l) bundled samples)"
    SAMPLE_SLUG=$(grep -vx "$SLUG" <<<"$out" | grep -E '^[a-z0-9-]+$' | head -n 1 || true)
  else fail "import: $out"; fi
else SKIPPED+=(import); fi

# 3. list and render both renditions
if out=$(dd --db "$DB" list 2>&1); then pass "list: $(wc -l <<<"$out") articles"; else fail "list: $out"; fi
if has_command render; then
  for rendition in standard simplified; do
    if dd --db "$DB" render "$SLUG" --rendition "$rendition" > "$T/work/$rendition.html" 2>"$T/work/err" \
        && grep -qi "<html" "$T/work/$rendition.html" && grep -q "Smoke test article" "$T/work/$rendition.html"; then
      pass "render $rendition: $(wc -c < "$T/work/$rendition.html") bytes"
    else fail "render $rendition: $(cat "$T/work/err")"; fi
  done
else SKIPPED+=(render); fi

# 4. export the site
if has_command export; then
  if out=$(dd --db "$DB" export "$OUT" 2>&1) && [ -f "$OUT/index.html" ] && [ -f "$OUT/$SLUG/index.html" ] \
      && [ -f "$OUT/$SLUG/amp/index.html" ]; then
    pass "export: $(find "$OUT" -type f | wc -l) files"
  else fail "export: $out"; fi
else SKIPPED+=(export); fi

# 4a. a site big enough for worker processes (the export starts them from 150 articles, the
# import's rendering ahead from 500): the frozen program starts itself again as multiprocessing's
# fork server (packaging/entry.py calls freeze_support first) and both finish with every page.
POOL_DB=$T/work/pool.sqlite3
mkdir -p "$T/work/pool-md"
for n in $(seq 1 600); do
  printf -- '---\ntitle: Pool article %s\nslug: pool-%s\ndate: 2026-11-%02dT08:00:00+00:00\nauthor: Packaging Desk\ncategory: Technology\nsummary: Article %s of six hundred.\nstatus: published\n---\nThe *harbour* crews moved crane %s on the **second** day.\n\n1. One\n2. Two\n' \
    "$n" "$n" $(( n % 28 + 1 )) "$n" "$n" > "$T/work/pool-md/pool-$n.md"
done
pooled() {  # the frozen program under strace, which names every program started (execve)
  if command -v strace >/dev/null; then
    ( cd / && env -i HOME="$T/home" PATH=/usr/bin:/bin LANG=C.UTF-8 PYTHONNOUSERSITE=1 \
        strace -f -qq -s 256 -e trace=execve -o "$T/work/pool-trace.$1" "$BIN" --db "$POOL_DB" "${@:2}" )
  else dd --db "$POOL_DB" "${@:2}"; fi
}
if out=$(pooled import import "$T/work/pool-md" 2>&1) && out=$(pooled export export "$T/work/pool-site" 2>&1) \
    && [ "$(ls -d "$T/work/pool-site"/pool-*/amp 2>/dev/null | wc -l)" -eq 600 ]; then
  if ! command -v strace >/dev/null; then
    pass "600-article import and export (no strace here: worker processes not confirmed)"
  elif grep -q 'multiprocessing.forkserver import main' "$T/work/pool-trace.export" \
      && grep -q 'multiprocessing.forkserver import main' "$T/work/pool-trace.import"; then
    pass "600-article import and export with worker processes (each started the fork server they fork from)"
  else fail "600-article export: no fork server was started (the export rendered in one process)"; fi
else fail "600-article import and export: $(tail -n 3 <<<"$out")"; fi

# 4b. spell check with the machine's dictionaries hidden (a private mount namespace): the
# bundled en_GB and en_US must be found. British spellings pass only under en-GB.
cat > "$T/work/spelling/spelling-probe.md" <<'MD'
---
title: Spelling in the frozen bundle
slug: spelling-probe
date: 2026-11-28T08:00:00+00:00
author: Packaging Desk
category: Technology
summary: The harbour crews recieve new cranes.
status: draft
---
The harbour crews will recieve the new cranes in the programme's second week.
MD
DICT_DIRS="/usr/share/hunspell /usr/share/myspell /usr/lib/aspell /var/lib/aspell"
no_dicts() {  # runs the frozen program with every system dictionary folder covered by an empty one
  if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
    unshare -m sh -c 'for d in $0; do [ -d "$d" ] && mount -t tmpfs tmpfs "$d"; done; exec "$@"' \
      "$DICT_DIRS" env -i HOME="$T/home" PATH=/usr/bin:/bin LANG=C.UTF-8 PYTHONNOUSERSITE=1 "$BIN" "$@"
  else
    echo "(cannot hide the system dictionaries here: needs root and unshare)" >&2
    env -i HOME="$T/home" PATH=/usr/bin:/bin LANG=C.UTF-8 PYTHONNOUSERSITE=1 "$BIN" "$@"
  fi
}
SPELL_DB=$T/work/spelling.sqlite3
if [ -d "$INTERNAL/enchant/hunspell" ] && (cd / && dd --db "$SPELL_DB" import "$T/work/spelling" >/dev/null 2>&1); then
  spelled() { (cd / && no_dicts --db "$SPELL_DB" site set language "$1" >/dev/null \
                && no_dicts --db "$SPELL_DB" check spelling-probe 2>&1) | grep 'editorial.spelling' || true; }
  gb=$(spelled en-GB); us=$(spelled en-US)
  if grep -q '1 possible misspelling: recieve\.' <<<"$gb" && grep -q "harbour, recieve, programme's" <<<"$us"; then
    pass "spelling with no system dictionary: en-GB flags only 'recieve', en-US also the British spellings ($(ls "$INTERNAL/enchant/hunspell" | tr '\n' ' '))"
  else fail "spelling with no system dictionary: en-GB '${gb:-nothing}', en-US '${us:-nothing}' (is libenchant-2-2 installed?)"; fi
else fail "spelling: no bundled dictionaries in $INTERNAL/enchant/hunspell, or the probe did not import"; fi

# 5. the window, offscreen: the app quits by itself after the previews rendered (DIGEST_DESK_SMOKE_TEST)
# Prints nothing; sets RC and READY (seconds from launch to the first event-loop turn with the
# window shown, as reported by the app itself).
gui_run() {
  local log=$1 seconds=$2 db=$3 t0; shift 3
  t0=$(date +%s.%N)
  RC=0
  DD_EXTRA_ENV="DIGEST_DESK_SMOKE_TEST=$seconds" dd --db "$db" "$@" > "$log" 2>"$log.err" || RC=$?
  READY=$(awk -v t0="$t0" '/^smoke-test: window-ready at /{printf "%.2f", $4 - t0}' "$log")
  CPU=$(awk '/^smoke-test: window-ready at /{print $6}' "$log")
}
gui_ok() { [ "$RC" -eq 0 ] && [ -n "$READY" ] && grep -q "^smoke-test: previews ok" "$1"; }
gui_why() { echo "exit $RC: $(grep -h '^smoke-test:' "$1" | tail -n 3) $(grep -v '^\[' "$1.err" | tail -n 3)"; }
# a. the generated article: start-up time over three runs
gui_run "$T/work/gui1.log" "$GUI_SECONDS" "$DB_PLAIN" gui --open "$SLUG"
if gui_ok "$T/work/gui1.log"; then
  pass "window: usable ${READY}s after launch; $(grep '^smoke-test: previews ok' "$T/work/gui1.log")"
  times=("$READY") cpus=("$CPU")
  for n in 2 3; do
    gui_run "$T/work/gui$n.log" 1 "$DB_PLAIN" gui --open "$SLUG"; times+=("${READY:-?}"); cpus+=("${CPU:-?}")
  done
  echo "      launch to usable window, runs 1-3: ${times[*]} s wall; CPU of the app process: ${cpus[*]}"
  echo "      (load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores)"
else fail "window: $(gui_why "$T/work/gui1.log")"; fi
# b. a bundled sample with pictures, in the database holding all of them
if [ -n "$SAMPLE_SLUG" ]; then
  gui_run "$T/work/gui-sample.log" "$GUI_SECONDS" "$DB" gui --open "$SAMPLE_SLUG"
  if gui_ok "$T/work/gui-sample.log"; then
    pass "window with pictures ($SAMPLE_SLUG): $(grep '^smoke-test: previews ok' "$T/work/gui-sample.log")"
  else fail "window with pictures ($SAMPLE_SLUG): $(gui_why "$T/work/gui-sample.log")"; fi
fi

# 6. nothing read from the checkout or the host Python (every file the CLI and the window open)
if command -v strace >/dev/null; then
  trace() { ( cd / && env -i HOME="$T/home" PATH=/usr/bin:/bin LANG=C.UTF-8 PYTHONNOUSERSITE=1 \
      XDG_RUNTIME_DIR="$T/run" QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" \
      DIGEST_DESK_SMOKE_TEST=2 strace -f -qq -e trace=%file -o "$T/work/trace.$1" \
      "$BIN" --db "$DB" "${@:2}" >/dev/null 2>&1 ) || true; }
  trace cli list
  trace export export "$T/work/site-traced"
  DB=$DB_PLAIN trace gui gui --open "$SLUG"
  trace gui-pictures gui --open "${SAMPLE_SLUG:-$SLUG}"
  leaks=$(cat "$T/work"/trace.* | grep -E "\"($ROOT|$HOST_PY)[/\"]" | grep -v ENOENT | head -n 5 || true)
  [ -z "$leaks" ] && pass "no file opened from $ROOT or $HOST_PY" || fail "files opened outside the bundle: $leaks"
  # 7. nothing the program looks for was pruned from the bundle (packaging/prune_bundle.py)
  looked=$(cat "$T/work"/trace.* | grep ENOENT | grep -oE "\"$INTERNAL/[^\"]+\"" | tr -d '"' | sort -u || true)
  if missing=$(python3 "$ROOT/packaging/prune_bundle.py" --pruned "$INTERNAL" <<<"$looked"); then
    pass "nothing pruned was looked for ($(wc -l < <(cat "$T/work"/trace.*)) trace lines: list, export, two windows)"
  else fail "the program looked for pruned files: $(head -n 5 <<<"$missing")"; fi
  # 8. the .deb leaves system libraries to the machine (prune_bundle.py --host-libraries): the
  # windows above ran, so none was missing; name how many the machine's copies served
  if [ -f "$INTERNAL/host-libraries.txt" ]; then
    hosted=$(grep -v '^#' "$INTERNAL/host-libraries.txt" | cut -f1)
    from_host=$(cat "$T/work"/trace.* | grep -v ENOENT | grep -oE '"/[^"]+\.so[.0-9]*"' | tr -d '"' \
                | grep -v "^$INTERNAL/" | grep -oF -f <(sed 's|^|/|' <<<"$hosted") | sort -u | wc -l || true)
    if [ "$from_host" -gt 0 ] && [ -z "$(cd "$INTERNAL" && ls $hosted 2>/dev/null)" ]; then
      pass "system libraries from the machine: $from_host of the $(wc -l <<<"$hosted") the .deb leaves out were loaded from outside the bundle"
    else fail "system libraries the .deb leaves out: $from_host loaded from the machine, or copies left in the bundle"; fi
  fi
else SKIPPED+=(strace-check); fi

[ ${#SKIPPED[@]} -eq 0 ] || echo "skipped (not in this build): ${SKIPPED[*]}"
if [ "$FAILED" -eq 0 ]; then echo "SMOKE TEST PASSED"; else echo "SMOKE TEST FAILED"; exit 1; fi
