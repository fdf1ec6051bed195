"""The web admin's npm project (ui/): install, run its scripts, build it when its build is stale."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.npm import REPO, npm_installed

UI = REPO / "ui"
DIST = UI / "dist"
# What the build is made from: a newer one of these makes the build stale.
SOURCES = ("src", "index.html", "vite.config.ts", "tsconfig.json", "package.json", "package-lock.json")


def run_npm(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``npm <args>`` in ui/ (its packages installed first; skips or fails without Node and npm)."""
    npm_installed(UI)
    npm = shutil.which("npm")
    assert npm is not None
    return subprocess.run(
        [npm, *args], cwd=UI, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


def newest_source() -> float:
    times: list[float] = []
    for name in SOURCES:
        path = UI / name
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        times.extend(p.stat().st_mtime for p in files if p.exists())
    return max(times)


def built() -> Path:
    """ui/dist, built now when it is missing or older than its sources."""
    index = DIST / "index.html"
    if not index.exists() or index.stat().st_mtime < newest_source():
        done = run_npm("run", "build")
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return DIST
