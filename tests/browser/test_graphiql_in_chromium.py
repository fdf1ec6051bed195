"""GraphiQL in a real browser: it loads and runs a query with no request leaving the server.

Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it) driven
by playwright-core. Skipped without it, except in CI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import World, skip_or_fail
from tests.integration.servers import server_env, start_server, stop
from tests.npm import REPO, npm_installed

BROWSER_TESTS = Path(__file__).resolve().parent


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    assert found is not None
    return found


@pytest.fixture
def served(world: World, database_url: str, tmp_path: Path) -> Iterator[int]:
    process, port = start_server(server_env(database_url, world.settings.data_dir))
    try:
        yield port
    finally:
        stop(process)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_graphiql_loads_and_runs_a_query_with_nothing_from_elsewhere(world: World, served: int) -> None:
    browser = chromium()
    npm_installed(REPO / "ui")
    node = npm_installed(BROWSER_TESTS)
    done = subprocess.run(
        [node, str(BROWSER_TESTS / "graphiql.mjs"), browser, f"http://127.0.0.1:{served}", world.admin_token],
        cwd=BROWSER_TESTS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["elsewhere"] == [], "requests left the server"
    assert report["failed"] == [] and report["pageErrors"] == []
    assert '"__typename": "Query"' in report["result"]
