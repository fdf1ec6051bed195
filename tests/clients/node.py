"""Node scripts of this folder, with their npm packages installed once and cached."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import skip_or_fail

CLIENTS = Path(__file__).resolve().parent


def _stale(folder: Path) -> bool:
    """node_modules is missing, or older than the package.json it was installed from."""
    installed = folder / "node_modules" / ".package-lock.json"
    return not installed.exists() or installed.stat().st_mtime < (folder / "package.json").stat().st_mtime


def node_ready() -> str:
    """The node executable, with the packages installed; skips (or fails) without Node and npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        skip_or_fail("Node.js and npm are needed to run the real GraphQL clients")
    assert node is not None and npm is not None
    if _stale(CLIENTS):
        command = "ci" if (CLIENTS / "package-lock.json").exists() else "install"
        done = subprocess.run(
            [npm, command, "--no-audit", "--no-fund"], cwd=CLIENTS, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            skip_or_fail(f"npm {command} failed in tests/clients: {done.stderr.strip()[-500:]}")
    return node


def run_script(script: str, *args: str, timeout: float = 120) -> str:
    """Run one script of tests/clients and return its standard output; fail with its errors."""
    node = node_ready()
    done = subprocess.run(
        [node, str(CLIENTS / script), *args], cwd=CLIENTS, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{script} exited with {done.returncode}:\n{done.stderr}"
    return done.stdout
