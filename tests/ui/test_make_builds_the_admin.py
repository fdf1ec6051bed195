"""`make run` builds the web admin when its build is stale, and without Node says what to install."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.npm import REPO
from tests.ui.ui import built


def make(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    found = shutil.which("make")
    if found is None:
        pytest.skip("make is not installed")
    env = {**os.environ, **({"PATH": path} if path is not None else {})}
    return subprocess.run([found, *args], cwd=REPO, capture_output=True, text=True, timeout=120, env=env)


def test_a_fresh_build_is_left_alone_and_a_newer_source_rebuilds() -> None:
    built()
    assert make("-q", "ui/dist/index.html").returncode == 0, "make would rebuild an up-to-date admin"
    stale = make("-n", "-W", "ui/src/main.tsx", "ui/dist/index.html")
    assert stale.returncode == 0 and "npm run --silent build" in stale.stdout
    run = make("-n", "-W", "ui/src/main.tsx", "run").stdout
    assert run.index("npm run --silent build") < run.index("pjsip-graph serve"), run


def test_without_node_make_says_what_to_install(tmp_path: Path) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("sh", "find"):  # what the Makefile's recipes and variables need, and no npm
        located = shutil.which(tool)
        assert located is not None
        (tools / tool).symlink_to(located)
    done = make("-W", "ui/src/main.tsx", "ui/dist/index.html", path=str(tools))
    assert done.returncode == 0, done.stderr
    assert "Node.js 20 and npm are needed" in done.stdout and "apt-get install nodejs npm" in done.stdout
