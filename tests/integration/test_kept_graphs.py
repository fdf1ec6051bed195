"""Two server processes on one database, each keeping the tenant's graph between template changes
(app/db/tenant_graphs.py): what one writes, the other's next template change sees."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import World
from tests.helpers import caller_for, lines_under_general
from tests.integration.servers import post, server_env, start_server, stop

pytestmark = [pytest.mark.slow]

UPDATE_TEMPLATE = """
mutation($uuid: UUID!, $options: [SipOptionInput!]!) {
  updateTemplate(uuid: $uuid, input: {options: {endpoint: $options}}) {
    changes { sorceryUpdates { objectType objectId fields { key value } } }
  }
}
"""
OWN = "query($uuid: UUID!) { template(uuid: $uuid) { own { endpoint { key value } } } }"
UPDATE_ENDPOINT = """
mutation($uuid: UUID!, $options: [SipOptionInput!]!) {
  updateEndpoint(uuid: $uuid, input: {options: {endpoint: $options}}) { endpoint { revision } }
}
"""
CREATE_ENDPOINT = """
mutation($input: CreateSipEndpointInput!) { createEndpoint(input: $input) { endpoint { uuid } } }
"""


@pytest.fixture
def two_servers(world: World) -> Iterator[list[int]]:
    # every tenant's graph kept (not only big ones), and no check against a whole read: what is
    # tested is the kept graph itself
    env = server_env(world.db.url, world.settings.data_dir, PJSIP_GRAPH_TENANT_GRAPHS_MIN_NODES="1")
    started = [start_server(env) for _ in range(2)]
    try:
        yield [port for _, port in started]
    finally:
        for process, _ in started:
            stop(process)


async def test_a_template_change_sees_what_the_other_process_wrote_since_it_kept_the_graph(
    world: World, two_servers: list[int]
) -> None:
    first, second = two_servers
    admin = await caller_for(world.db, world.admin_token)
    tenant, general, lines = await lines_under_general(world.db, admin, "Kept across", "kept-across", 3)
    token = world.admin_token
    own = (await post(second, token, OWN, {"uuid": str(general.uuid)}))["template"]["own"]["endpoint"]

    async def dtmf_everywhere(port: int, value: str) -> dict[str, str]:
        """`general`'s dtmf_mode set on that server: the endpoint objects it changed, with their dtmf_mode."""
        options = [o for o in own if o["key"] != "dtmf_mode"] + [{"key": "dtmf_mode", "value": value}]
        data = await post(port, token, UPDATE_TEMPLATE, {"uuid": str(general.uuid), "options": options})
        return {
            u["objectId"]: next(f["value"] for f in u["fields"] if f["key"] == "dtmf_mode")
            for u in data["updateTemplate"]["changes"]["sorceryUpdates"]
            if u["objectType"] == "endpoint"
        }

    # the second server reads the tenant's graph and keeps it
    assert set(await dtmf_everywhere(second, "info")) == {line.name for line in lines}
    # the first one gives a line its own dtmf_mode and adds a line under `general`
    own_dtmf = [{"key": "dtmf_mode", "value": "inband"}]
    await post(first, token, UPDATE_ENDPOINT, {"uuid": str(lines[0].uuid), "options": own_dtmf})
    created = {"tenantUuid": str(tenant), "name": "kept-across-late", "parentUuids": [str(general.uuid)]}
    await post(first, token, CREATE_ENDPOINT, {"input": created})

    # the second server's next change follows both: the line keeps its own value, the new one changes
    assert await dtmf_everywhere(second, "rfc4733") == {
        lines[1].name: "rfc4733",
        lines[2].name: "rfc4733",
        "kept-across-late": "rfc4733",
    }
