"""The GraphQL-over-HTTP audit of the graphql-http reference package, against the real server."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.node import node_ready, run_script
from tests.integration.servers import server_env, start_server, stop


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    node_ready()  # skip before starting a server when Node is absent
    data: Path = tmp_path_factory.mktemp("audit")
    process, port = start_server(server_env(f"sqlite+aiosqlite:///{data / 'audit.db'}", data))
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        stop(process)


def test_the_audit_passes_with_no_warnings(server_url: str) -> None:
    results = [json.loads(line) for line in run_script("audit.mjs", server_url).splitlines() if line]

    assert len(results) > 50
    not_ok = [r for r in results if r["status"] != "ok"]
    assert not_ok == [], json.dumps(not_ok, indent=1)
