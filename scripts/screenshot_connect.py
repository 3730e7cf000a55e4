"""Take docs/connect-dialog.png: File > Connect to Team Server… with recent servers, offscreen.

Run: QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" python scripts/screenshot_connect.py
(nothing connects: the dialog is filled in and photographed).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from screenshots import offscreen_app, wait  # noqa: E402  (beside this script)

from digest_desk.store.engine import server_address  # noqa: E402
from digest_desk.ui.connect_dialog import ConnectDialog  # noqa: E402

RECENT = (
    server_address("db.newsroom.example", 5432, "newsroom", "ana", "verify-full"),
    server_address("staging.newsroom.example", 6432, "newsroom_test", "ana", "require"),
)


def main() -> int:
    app, _tmp = offscreen_app()
    dialog = ConnectDialog(list(RECENT), lambda _url: None)
    dialog.resize(480, 390)
    dialog.show()
    dialog.recent_list.setCurrentRow(0)  # fills the fields from the newest recent server
    wait(app, 0.5)
    out = ROOT / "docs" / "connect-dialog.png"
    dialog.grab().save(str(out))
    print(f"wrote {out.relative_to(ROOT)}")
    dialog.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
