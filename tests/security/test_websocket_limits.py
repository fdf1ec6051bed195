"""Over a WebSocket: fresh data for every operation, and a bounded number of subscriptions per token."""

from __future__ import annotations

from tests.conftest import World
from tests.integration.servers import post, server_env, start_server, stop, subscriber

TEMPLATE = "query($u: UUID!) { template(uuid: $u) { label revision } }"
UPDATE = "mutation($u: UUID!, $l: String) { updateTemplate(uuid: $u, input: {label: $l}) { template { revision } } }"
CREATE = 'mutation { createTemplate(input: {name: "watched"}) { template { uuid } } }'
CHANGES = "subscription { configChanged { seq } }"


async def test_each_operation_on_a_socket_reads_fresh_data(world: World) -> None:
    process, port = start_server(server_env(world.db.url, world.settings.data_dir))
    try:
        uuid = (await post(port, world.admin_token, CREATE))["createTemplate"]["template"]["uuid"]
        async with subscriber(port, world.admin_token) as socket:
            assert (await socket.next())["type"] == "connection_ack"
            await socket.subscribe(TEMPLATE, {"u": uuid}, op_id="before")
            before = await socket.next()
            assert before["payload"]["data"]["template"]["label"] is None, before
            await socket.next()  # complete

            # when the template changes, then a later query on the same socket sees it
            await post(port, world.admin_token, UPDATE, {"u": uuid, "l": "changed"})
            await socket.subscribe(TEMPLATE, {"u": uuid}, op_id="after")
            after = await socket.next()
            assert after["payload"]["data"]["template"]["label"] == "changed", after
    finally:
        stop(process)


async def test_open_subscriptions_per_token_are_limited(world: World) -> None:
    env = server_env(world.db.url, world.settings.data_dir, PJSIP_GRAPH_MAX_SUBSCRIPTIONS_PER_TOKEN="2")
    process, port = start_server(env)
    try:
        async with subscriber(port, world.admin_token) as socket:
            assert (await socket.next())["type"] == "connection_ack"
            for op_id in ("1", "2", "3"):
                await socket.subscribe(CHANGES, op_id=op_id)
            # then one of the three (they start concurrently) is refused
            refused = await socket.next()
            assert refused["id"] in ("1", "2", "3"), refused
            assert refused["type"] == "error" or refused["payload"]["errors"], refused
            errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
            assert errors[0]["extensions"]["code"] == "TOO_MANY_REQUESTS", refused
    finally:
        stop(process)
