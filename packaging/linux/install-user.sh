#!/bin/sh
# Add (or with --remove, take away) a menu entry and icon for this portable Digest Desk folder.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
ENTRY="$DATA/applications/digest-desk.desktop"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$ENTRY"
  find "$DATA/icons/hicolor" -name digest-desk.png -path '*/apps/*' -delete 2>/dev/null || true
  echo "Removed the Digest Desk menu entry."
  exit 0
fi
mkdir -p "$DATA/applications" "$DATA/icons"
cp -R "$HERE/icons/hicolor" "$DATA/icons/"
sed -e "s|^Exec=.*|Exec=\"$HERE/digest-desk\"|" -e "s|^TryExec=.*|TryExec=$HERE/digest-desk|" \
    "$HERE/digest-desk.desktop" > "$ENTRY"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
echo "Added Digest Desk to your applications menu ($ENTRY)."
