"""Run the official AMP validator and the Nu Html Checker over many pages in one process each."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
AMP_DIR = ROOT / ".cache" / "ampval"
VNU_JAR = ROOT / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AMP_SCRIPT = Path(__file__).with_name("amp_batch.js")


def _missing(what: str) -> None:
    reason = f"{what} is not installed: run `bash .ci/setup-validators.sh`"
    if os.environ.get("DIGEST_DESK_CI") or os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def amp_validate(pages: dict[str, str]) -> dict[str, list[str]]:
    """Errors per page name from the official AMP validator (empty list = PASS)."""
    engine = AMP_DIR / "vendor" / "validator_wasm.js"
    if not (engine.is_file() and (AMP_DIR / "node_modules" / "amphtml-validator").is_dir()) or not shutil.which("node"):
        _missing("the AMP validator")
    proc = subprocess.run(
        ["node", str(AMP_SCRIPT), str(engine)], input=json.dumps(pages), capture_output=True,
        text=True, cwd=AMP_DIR, timeout=300, check=False,
        env={**os.environ, "NODE_PATH": str(AMP_DIR / "node_modules")},
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    return {name: result[name] for name in pages}


def nu_validate(pages: dict[str, str], tmp: Path) -> dict[str, list[str]]:
    """Errors per page name from the Nu Html Checker (one java process for all pages)."""
    if not VNU_JAR.is_file() or not shutil.which("java"):
        _missing("the Nu Html Checker")
    files = {}
    for i, (name, html) in enumerate(pages.items()):
        path = tmp / f"page{i}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    proc = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *[str(tmp / f"page{i}.html") for i in range(len(pages))]],
        capture_output=True, text=True, timeout=600, check=False,
    )
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    errors: dict[str, list[str]] = {name: [] for name in pages}
    for msg in messages:
        name = files.get(msg.get("url", "").rsplit("/", 1)[-1], "?")
        errors.setdefault(name, []).append(f"{msg.get('lastLine')}: {msg.get('message')} [{msg.get('extract', '')!r}]")
    return errors
