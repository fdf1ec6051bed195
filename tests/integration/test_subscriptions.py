"""Subscriptions over real WebSockets against uvicorn: replay, live, tenancy, auth."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

import pytest
import websockets

from app.events.retention import prune
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant, token_for
from tests.integration.conftest import Server
from tests.integration.servers import post, server_env, start_server, stop, subscriber

CHANGES = "subscription($after: Int, $recurse: Boolean) { configChanged(after: $after, recurse: $recurse) { seq action kind uuid tenantUuid } }"
UPDATES = "subscription($after: Int) { sorceryUpdates(after: $after) { seq action objectType objectId } }"
CREATE_TENANT = "mutation($name: String!) { createTenant(input: {name: $name}) { tenant { uuid } } }"
CREATE_TEMPLATE = "mutation($name: String!) { createTemplate(input: {name: $name}) { template { uuid } } }"


async def _collect(sub: Any, count: int, timeout: float = 10) -> list[dict[str, Any]]:
    out = []
    while len(out) < count:
        message = await sub.next(timeout)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        out.append(next(iter(message["payload"]["data"].values())))
    return out


async def _quiet(sub: Any, seconds: float = 1.0) -> None:
    """Nothing more arrives."""
    with pytest.raises(TimeoutError):
        await sub.next(seconds)


async def test_tenants_see_only_their_own_events_live_and_on_replay(world: World, server: Server) -> None:
    # given two sibling tenants, each with its own token
    admin = await caller_for(world.db, world.admin_token)
    a = await new_tenant(world.db, admin, "Alpha")
    b = await new_tenant(world.db, admin, "Beta")
    token_a = await token_for(world.db, a, "tenants:read,tenants:write,sip:read,sip:write")
    token_b = await token_for(world.db, b, "sip:read,sip:write")

    async with subscriber(server.port, token_a) as sub_a, subscriber(server.port, token_b, via="header") as sub_b:
        assert (await sub_a.next())["type"] == "connection_ack"
        assert (await sub_b.next())["type"] == "connection_ack"
        await sub_a.subscribe(CHANGES, {"recurse": True})
        await sub_b.subscribe(CHANGES, {"recurse": True})
        await asyncio.sleep(0.3)

        # when A creates a sub-tenant and B a template
        child = (await post(server.port, token_a, CREATE_TENANT, {"name": "Alpha child"}))["createTenant"]["tenant"]
        template = (await post(server.port, token_b, CREATE_TEMPLATE, {"name": "b-only"}))["createTemplate"]["template"]

        # then A sees its sub-tenant and the sub-tenant's four default templates, and nothing of B
        seen_a = await _collect(sub_a, 5)
        assert seen_a[0] == {
            "seq": seen_a[0]["seq"],
            "action": "CREATED",
            "kind": "tenant",
            "uuid": child["uuid"],
            "tenantUuid": child["uuid"],
        }
        assert [e["kind"] for e in seen_a[1:]] == ["template"] * 4
        assert all(e["tenantUuid"] == child["uuid"] for e in seen_a)
        await _quiet(sub_a)
        # and B sees only its template
        (seen_b,) = await _collect(sub_b, 1)
        assert (seen_b["kind"], seen_b["uuid"]) == ("template", template["uuid"])
        await _quiet(sub_b)

    # and a replay from the start shows B its own history in order (its creation, its four
    # default templates, then its template) with nothing of A
    async with subscriber(server.port, token_b) as sub:
        await sub.next()
        await sub.subscribe(CHANGES, {"after": 0})
        replayed = await _collect(sub, 6)
        await _quiet(sub)
    assert [(e["kind"], e["tenantUuid"]) for e in replayed] == [("tenant", str(b))] + [("template", str(b))] * 5
    assert replayed[-1] == seen_b
    assert [e["seq"] for e in replayed] == sorted(e["seq"] for e in replayed)


async def test_sorcery_updates_replay_then_live_and_resume_without_gap(world: World, server: Server) -> None:
    # given an endpoint and a subscriber that saw everything so far
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Stream")
    sip = await default_template(world.db, tenant, "sip")
    await new_endpoint(world.db, admin, tenant, "stream-1", [sip.uuid])
    update = "mutation($n: String!) { createEndpoint(input: {name: $n}) { endpoint { uuid } } }"

    recorded = await post(server.port, server.token, "{ sorceryUpdates(first: 500) { seq } }")
    count = len(recorded["sorceryUpdates"])
    async with subscriber(server.port, server.token) as sub:
        await sub.next()
        await sub.subscribe(UPDATES, {"after": 0})
        history = await _collect(sub, count)
        await _quiet(sub, 0.3)
    assert [u["seq"] for u in history] == list(range(1, count + 1))
    last = history[-1]["seq"]

    # when updates are recorded while nobody listens
    for i in range(3):
        await post(server.port, server.token, update, {"n": f"offline-{i}"})

    # then resuming with the last seen sequence gives exactly what was missed, then live ones
    async with subscriber(server.port, server.token) as sub:
        await sub.next()
        await sub.subscribe(UPDATES, {"after": last})
        missed = await _collect(sub, 3)
        await post(server.port, server.token, update, {"n": "online"})
        live = await _collect(sub, 1)
    seqs = [u["seq"] for u in missed + live]
    assert seqs == list(range(last + 1, last + 5))
    assert [u["objectId"] for u in missed + live] == ["offline-0", "offline-1", "offline-2", "online"]


async def test_a_pruned_cursor_is_told_to_resynchronise(world: World, server: Server) -> None:
    # given a record whose oldest updates were pruned
    removed = await prune(world.db, days=7, max_records=1)
    assert removed["updates"] == 1

    # when a subscriber asks for updates after 0
    async with subscriber(server.port, server.token) as sub:
        await sub.next()
        await sub.subscribe(UPDATES, {"after": 0})
        message = await sub.next()

    # then it gets a clear error saying how to resynchronise
    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert "Resynchronise" in errors[0]["message"]
    assert errors[0]["extensions"]["reason"] == "RESYNC_REQUIRED"


@pytest.mark.parametrize("token", [None, "pjg_not-a-token"])
async def test_a_missing_or_bad_token_closes_the_socket_before_any_event(server: Server, token: str | None) -> None:
    async with subscriber(server.port, token) as sub:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await sub.next()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_sorcery_updates_need_the_secrets_scope(world: World, server: Server) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "NoSecrets")
    token = await token_for(world.db, tenant, "sip:read")
    async with subscriber(server.port, token) as sub:
        await sub.next()
        await sub.subscribe(UPDATES, {"after": 0})
        message = await sub.next()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_shutdown_completes_open_subscriptions(world: World) -> None:
    # given a server with a live subscriber
    env = server_env(world.db.url, world.settings.data_dir)
    process, port = start_server(env)
    try:
        async with subscriber(port, world.admin_token) as sub:
            await sub.next()
            await sub.subscribe(UPDATES, {"after": None}, op_id="live")
            await asyncio.sleep(0.3)
            # when the server is asked to stop
            os.killpg(process.pid, signal.SIGTERM)
            # then the subscription is completed before the socket goes
            message = await sub.next(timeout=15)
            assert message == {"id": "live", "type": "complete"}
        # uvicorn re-raises the signal it handled once it has shut down cleanly
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        stop(process)


@pytest.mark.parametrize(("document", "stream"), [(UPDATES, "Sorcery updates"), (CHANGES, "change events")])
async def test_a_cursor_beyond_the_record_is_told_to_resynchronise(
    world: World, server: Server, document: str, stream: str
) -> None:
    # given a client that saw sequence numbers of a database since restored or reset
    after = 10_000

    # when it resumes from there
    async with subscriber(server.port, server.token) as sub:
        await sub.next()
        await sub.subscribe(document, {"after": after})
        message = await sub.next()

    # then it is told at once, instead of waiting for numbers that will not come
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    extensions = errors[0]["extensions"]
    assert (extensions["code"], extensions["reason"], extensions["field"]) == (
        "BAD_USER_INPUT",
        "AFTER_BEYOND_RECORD",
        "after",
    )
    assert extensions["lastSeq"] < after
    assert f"beyond the last recorded {stream[:-1]}" in errors[0]["message"]


async def test_changes_committed_by_another_process_reach_subscribers_without_waiting_for_the_poll(
    world: World,
) -> None:
    # given a server whose safety-net poll is a minute away, with a live subscriber
    env = server_env(world.db.url, world.settings.data_dir, PJSIP_GRAPH_EVENTS_POLL_SECONDS="60")
    process, port = start_server(env)
    try:
        async with subscriber(port, world.admin_token) as sub:
            assert (await sub.next())["type"] == "connection_ack"
            await sub.subscribe(CHANGES, {"recurse": True})
            await asyncio.sleep(0.3)
            # when this test's process (an import from the command line, another server) writes
            admin = await caller_for(world.db, world.admin_token)
            tenant = await new_tenant(world.db, admin, "Elsewhere")
            # then the server's subscriber gets it: PostgreSQL's NOTIFY, or the SQLite file changing
            events = await _collect(sub, 1, timeout=10)
            assert (events[0]["kind"], events[0]["uuid"], events[0]["action"]) == ("tenant", str(tenant), "CREATED")
    finally:
        stop(process)
