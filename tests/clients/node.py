"""Node scripts of this folder, with their npm packages installed once and cached."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.npm import npm_installed

CLIENTS = Path(__file__).resolve().parent


def node_ready() -> str:
    """The node executable, with the packages installed; skips (or fails) without Node and npm."""
    return npm_installed(CLIENTS)


def run_script(script: str, *args: str, timeout: float = 120) -> str:
    """Run one script of tests/clients and return its standard output; fail with its errors."""
    node = node_ready()
    done = subprocess.run(
        [node, str(CLIENTS / script), *args], cwd=CLIENTS, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{script} exited with {done.returncode}:\n{done.stderr}"
    return done.stdout
