"""npm packages of a folder (ui/, tests/clients/, tests/browser/), installed once from its lock file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import skip_or_fail

REPO = Path(__file__).resolve().parents[1]


def _stale(folder: Path) -> bool:
    """node_modules is missing, or older than the package.json or lock file it was installed from."""
    installed = folder / "node_modules" / ".package-lock.json"
    sources = [p for p in (folder / "package.json", folder / "package-lock.json") if p.exists()]
    return not installed.exists() or any(installed.stat().st_mtime < p.stat().st_mtime for p in sources)


def npm_installed(folder: Path) -> str:
    """The node executable, with ``folder``'s packages installed; skips (or fails in CI) without Node and npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        skip_or_fail(f"Node.js and npm are needed for {folder.relative_to(REPO)}")
    assert node is not None and npm is not None
    if _stale(folder):
        command = "ci" if (folder / "package-lock.json").exists() else "install"
        done = subprocess.run(
            [npm, command, "--no-audit", "--no-fund"], cwd=folder, capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            skip_or_fail(f"npm {command} failed in {folder.relative_to(REPO)}: {done.stderr.strip()[-500:]}")
    return node
