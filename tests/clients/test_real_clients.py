"""Mainstream GraphQL clients, with their defaults, against a real server.

graphql-ws
receives a replay-then-live Sorcery update stream with no gap and no duplicate;
Apollo Client's default InMemoryCache normalises every entity and keeps an
endpoint's Sorcery objects apart; graphql-codegen's TypeScript types of
schema.graphql type-check with tsc.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.clients.node import node_ready, run_script
from tests.integration.servers import server_env, start_server, stop

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunningServer:
    url: str
    token: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    node_ready()  # skip before starting a server when Node is absent
    data: Path = tmp_path_factory.mktemp("clients")
    process, port = start_server(server_env(f"sqlite+aiosqlite:///{data / 'clients.db'}", data))
    try:
        # The server's first start creates the admin token and keeps it here.
        token = (data / "admin.token").read_text().strip()
        yield RunningServer(f"http://127.0.0.1:{port}/graphql", token)
    finally:
        stop(process)


def _run(script: str, *args: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run_script(script, *args))
    return result


def test_graphql_ws_replays_then_goes_live_without_gap_or_duplicate(server: RunningServer) -> None:
    result = _run("ws_replay.mjs", server.url, server.token)

    recorded, delivered = result["recorded"], result["delivered"]
    assert len(recorded) >= 10  # two replayed, one racing and two live creations
    assert recorded == list(range(result["start"] + 1, result["start"] + 1 + len(recorded)))
    assert delivered == recorded


def test_apollo_default_cache_normalises_every_entity_and_keeps_sorcery_objects_apart(
    server: RunningServer,
) -> None:
    result = _run("apollo_cache.mjs", server.url, server.token)

    # every identified object is stored once under its own key, with no type policy
    prefixes = {key.split(":", 1)[0] for key in result["keys"]}
    assert {"Tenant", "SipTemplate", "SipEndpoint", "PjsipObject", "ROOT_QUERY"} <= prefixes
    # the endpoint, its aor and its auth (one Sorcery id) are three entries, read back as sent
    network, cached = result["network"], result["cached"]
    assert {o["sorceryType"] for o in network} >= {"ENDPOINT", "AOR", "AUTH"}
    assert len({o["sorceryId"] for o in network if o["sorceryType"] != "AUTH"}) == 1
    assert sum(key.startswith("PjsipObject:") for key in result["keys"]) == len(network)
    assert cached == network
    # a mutation's answer updates every query that shows the same endpoint
    assert result["labelAfter"] == "Relabelled"
    assert result["listedLabelAfter"] == ["Relabelled"]


def test_graphql_codegen_types_type_check_with_tsc(tmp_path: Path) -> None:
    # (from the committed schema.graphql, which a test keeps equal to the server's)
    result = _run("codegen.mjs", str(ROOT / "schema.graphql"), str(tmp_path))

    assert result["status"] == 0, result["output"]
    generated = result["generated"]
    # every scalar has a real type: UUID and DateTime are strings, nothing is `any`
    assert "UUID: { input: string; output: string; }" in generated
    assert "DateTime: { input: string; output: string; }" in generated
    assert ": any" not in generated
    assert "export type Node = {" in generated
    assert "export enum SipSection {" in generated
