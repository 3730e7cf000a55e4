"""Child process: open a database the way the window does and try to autosave; report as JSON.

Usage: python child_open_readonly.py DB RECOVERY_FOLDER
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from digest_desk.store.articles import list_articles
from digest_desk.store.drafts import DraftKeeper, DraftSaveError
from digest_desk.store.safe_open import open_for_editing


def main(argv: list[str]) -> int:
    opened = open_for_editing(argv[0])
    report: dict[str, object] = {"writable": opened.writable, "message": opened.message}
    if opened.store is not None:
        report["titles"] = [row.title for row in list_articles(opened.store)]
        keeper = DraftKeeper(opened.store, "child", recovery_folder=Path(argv[1]))
        try:
            keeper.write(1, {"body": "typed in a read-only place"})
            report["draft"] = "written"
        except DraftSaveError as exc:
            report["draft"] = str(exc)
            report["recovery"] = str(exc.recovery_path)
        opened.store.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
