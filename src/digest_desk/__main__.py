"""Allow ``python -m digest_desk``."""

from __future__ import annotations

import sys

from digest_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
