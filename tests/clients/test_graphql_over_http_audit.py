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
    # The audit's requests carry no token and ask for `__type`: introspection is
    # opened to anonymous callers here so the audit judges the protocol alone.
    env = server_env(f"sqlite+aiosqlite:///{data / 'audit.db'}", data, PJSIP_GRAPH_INTROSPECTION_REQUIRES_TOKEN="false")
    process, port = start_server(env)
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        stop(process)


def test_the_audit_passes_with_no_warnings(server_url: str) -> None:
    results = [json.loads(line) for line in run_script("audit.mjs", server_url).splitlines() if line]

    assert len(results) > 50
    not_ok = [r for r in results if r["status"] != "ok"]
    assert not_ok == [], json.dumps(not_ok, indent=1)
