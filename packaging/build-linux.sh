#!/usr/bin/env bash
# Build the Linux installers into dist/: the PyInstaller one-folder bundle, a .deb and a .tar.gz.
# Usage: packaging/build-linux.sh        (from any folder; needs python3.11+, dpkg-deb, network to PyPI)
# Env:   PYTHON=python3.11  DD_BUILD_VENV=.cache/build-venv  DD_DEB_COMPRESSION=xz|gzip|zstd
#        DD_DEB_LEVEL=9 (xz -9, the smallest download; dpkg-deb compresses on every core)
#        DD_HUNSPELL_DIR=/usr/share/hunspell (the bundled en_US and en_GB dictionaries)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
START=$(date +%s)
PYTHON=${PYTHON:-python3}
VENV=${DD_BUILD_VENV:-$ROOT/.cache/build-venv}
WORK=$ROOT/.cache/build
DIST=$ROOT/dist
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONNOUSERSITE=1

say() { printf '\n== %s\n' "$*"; }
die() { printf 'build-linux: %s\n' "$*" >&2; exit 2; }

[ -d resources ] || die "resources/ is missing: the bundle would have no templates, samples or icons"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"
command -v patchelf >/dev/null || die "patchelf not found (apt-get install patchelf)"
command -v strip >/dev/null && command -v readelf >/dev/null && command -v file >/dev/null || die "strip, readelf or file not found (apt-get install binutils file)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "$PYTHON is older than 3.11"

say "1/5 build venv ($VENV): the project installed from this checkout, plus PyInstaller"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
# pip always reinstalls a local folder, so the bundle gets this checkout's current code.
"$VENV/bin/python" -m pip install -q "pyinstaller>=6.10" "$ROOT" 2>&1 | { grep -v '^WARNING: Location' || true; }
VERSION=$("$VENV/bin/python" packaging/bundle_meta.py version)
ARCH=$("$VENV/bin/python" packaging/bundle_meta.py arch)
eval "$("$VENV/bin/python" packaging/bundle_meta.py names)"  # sets deb= tarball= windows= dmg=
echo "version $VERSION ($ARCH)"

say "2/5 icons"
rm -rf "$WORK/icons"
"$VENV/bin/python" packaging/make_icons.py "$WORK/icons"

say "3/5 PyInstaller bundle"
mkdir -p "$WORK" "$DIST"
rm -rf "$WORK/dist"
( cd "$WORK" && DD_ICON_DIR="$WORK/icons" "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$WORK/dist" --workpath "$WORK/pyi" "$ROOT/packaging/digest-desk.spec" )
BUNDLE=$WORK/dist/digest-desk
[ -x "$BUNDLE/digest-desk" ] || die "PyInstaller produced no $BUNDLE/digest-desk"
# Libraries copied from the build host's Python (pyenv, a venv) keep a RUNPATH into it; the
# loader would search that folder first on any machine that has it. Keep only $ORIGIN entries.
fixed=0
while IFS= read -r -d '' lib; do
  rpath=$(patchelf --print-rpath "$lib" 2>/dev/null) || continue
  case ":$rpath" in *:/*) ;; *) continue ;; esac
  keep=$(tr ':' '\n' <<<"$rpath" | grep '^\$ORIGIN' | paste -sd: || true)
  if [ -n "$keep" ]; then patchelf --set-rpath "$keep" "$lib"; else patchelf --remove-rpath "$lib"; fi
  fixed=$((fixed + 1))
done < <(find "$BUNDLE" -type f -name '*.so*' -print0)
echo "build-host RUNPATH removed from $fixed libraries"
echo "bundle as PyInstaller made it: $(du -sh "$BUNDLE" | cut -f1)"
# What no code path loads, and symbol tables (packaging/README.md: the table and the proof).
"$VENV/bin/python" packaging/prune_bundle.py "$BUNDLE"
echo "bundle: $(du -sh "$BUNDLE" | cut -f1)"

say "4/5 .deb"
STAGE=$WORK/deb/root
rm -rf "$WORK/deb"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
         "$STAGE/usr/share/icons" "$STAGE/usr/share/doc/digest-desk"
cp -a "$BUNDLE" "$STAGE/opt/digest-desk"
# The .deb depends on GTK, GLib, NSS, X11, fontconfig...: the machine's copies replace the
# bundle's (the .tar.gz keeps them, for machines without the packages).
"$VENV/bin/python" packaging/prune_bundle.py --host-libraries "$STAGE/opt/digest-desk"
ln -s ../../opt/digest-desk/digest-desk "$STAGE/usr/bin/digest-desk"
install -m 644 packaging/linux/digest-desk.desktop "$STAGE/usr/share/applications/"
cp -R "$WORK/icons/hicolor" "$STAGE/usr/share/icons/"
printf 'Digest Desk %s\nLicense: MIT\nBundles Python, Qt for Python (PySide6, LGPLv3) and its dependencies.\n' \
    "$VERSION" > "$STAGE/usr/share/doc/digest-desk/copyright"
find "$STAGE" -type d -exec chmod 755 {} +
KIB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
"$VENV/bin/python" packaging/bundle_meta.py control --installed-kib "$KIB" > "$STAGE/DEBIAN/control"
dpkg-deb --build --root-owner-group -Z"${DD_DEB_COMPRESSION:-xz}" -z"${DD_DEB_LEVEL:-9}" "$STAGE" "$DIST/$deb" >/dev/null

say "5/5 .tar.gz"
TOP=digest-desk-$VERSION
rm -rf "$WORK/tar" && mkdir -p "$WORK/tar"
cp -a "$BUNDLE" "$WORK/tar/$TOP"
sed "s/@VERSION@/$VERSION/" packaging/linux/README.txt > "$WORK/tar/$TOP/README.txt"
install -m 644 packaging/linux/digest-desk.desktop "$WORK/tar/$TOP/"
install -m 755 packaging/linux/install-user.sh "$WORK/tar/$TOP/"
mkdir -p "$WORK/tar/$TOP/icons" && cp -R "$WORK/icons/hicolor" "$WORK/tar/$TOP/icons/"
GZ=gzip; command -v pigz >/dev/null && GZ=pigz
tar -C "$WORK/tar" --owner=0 --group=0 --numeric-owner -I "$GZ" -cf "$DIST/$tarball" "$TOP"

ELAPSED=$(( $(date +%s) - START ))
say "done in ${ELAPSED}s"
ls -l "$DIST/$deb" "$DIST/$tarball" | awk '{printf "%8.1f MiB (%.1f MB)  %s\n", $5/1048576, $5/1e6, $9}'
echo "bundle folder: $(du -sh "$BUNDLE" | cut -f1)  (installed: ${KIB} KiB)"
