"""Two replicas on one PostgreSQL (and Redis): real processes on loopback."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.events.pg_listener import LISTENER_APPLICATION_NAME
from tests.conftest import World, skip_or_fail
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant
from tests.integration.servers import (
    free_port,
    post,
    server_env,
    start_replicas,
    start_server,
    stop,
    subscriber,
)

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["postgresql"])]

REDIS_URL = "redis://127.0.0.1:6379/0"
UPDATES = "subscription($after: Int) { sorceryUpdates(after: $after) { seq objectId } }"
UPDATE_ENDPOINT = """
mutation($uuid: UUID!, $callerid: String!) {
  updateEndpoint(uuid: $uuid, input: {options: {endpoint: [{key: "callerid", value: $callerid}]}}) {
    changes { sorceryUpdates { seq } }
  }
}
"""
LAST_SEQ = "{ sorceryUpdates(first: 500, after: 0) { seq } }"


def _redis_answers(url: str = "127.0.0.1") -> bool:
    try:
        return (
            subprocess.run(["redis-cli", "-h", url, "ping"], capture_output=True, text=True, timeout=5).stdout.strip()
            == "PONG"
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture
def redis_url() -> str:
    if shutil.which("redis-cli") is None or not _redis_answers():
        skip_or_fail("Redis does not answer at 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture
def replicas(world: World, redis_url: str) -> Iterator[list[int]]:
    env = server_env(world.db.url, world.settings.data_dir, PJSIP_GRAPH_CACHE_URL=redis_url)
    process, ports = start_replicas(env, 2)
    try:
        yield ports
    finally:
        stop(process)


async def _terminate_listeners(world: World) -> int:
    async with world.db.writing() as session:
        result = await session.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": LISTENER_APPLICATION_NAME},
        )
        return int(result.scalar_one())


async def _last_seq(port: int, token: str) -> int:
    seqs = [u["seq"] for u in (await post(port, token, LAST_SEQ))["sorceryUpdates"]]
    return max(seqs) if seqs else 0


async def test_every_subscriber_on_both_replicas_gets_the_exact_sequence(world: World, replicas: list[int]) -> None:
    # given four endpoints, one per writer, and the record's current end
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Replicated")
    sip = await default_template(world.db, tenant, "sip")
    endpoints = [await new_endpoint(world.db, admin, tenant, f"rep-{w}", [sip.uuid]) for w in range(4)]
    token = world.admin_token
    start = await _last_seq(replicas[0], token)
    writes = 200
    final = start + writes
    received: dict[int, list[int]] = {}

    async def follow(index: int) -> None:
        """Subscribe on one replica; some drop the connection and resume on the other with `after`."""
        seen = received.setdefault(index, [])
        port_index = index % 2
        resumes = 2 if index % 4 == 0 else 0
        while not seen or seen[-1] < final:
            after = seen[-1] if seen else start
            async with subscriber(replicas[port_index], token) as sub:
                assert (await sub.next())["type"] == "connection_ack"
                await sub.subscribe(UPDATES, {"after": after})
                taken = 0
                while not seen or seen[-1] < final:
                    message = await sub.next(timeout=30)
                    assert message["type"] == "next", message
                    seen.append(message["payload"]["data"]["sorceryUpdates"]["seq"])
                    taken += 1
                    if resumes and taken >= 25:
                        resumes -= 1
                        break
            port_index = 1 - port_index

    async def write(w: int) -> None:
        for n in range(writes // 4):
            port = replicas[(w + n) % 2]
            await post(port, token, UPDATE_ENDPOINT, {"uuid": str(endpoints[w].uuid), "callerid": f"w{w}-{n}"})
            if w == 0 and n == 20:
                # a replica's listener connection dies mid-run: nothing may be lost
                assert await _terminate_listeners(world) == 2

    # when 20 subscribers follow while 4 writers spread 200 mutations over both replicas
    followers = [asyncio.create_task(follow(i)) for i in range(20)]
    await asyncio.sleep(1.0)
    await asyncio.gather(*(write(w) for w in range(4)))
    await asyncio.wait_for(asyncio.gather(*followers), timeout=120)

    # then the record has exactly 200 new updates, and every subscriber saw exactly them, in order
    assert await _last_seq(replicas[1], token) == final
    for index, seqs in received.items():
        assert seqs == list(range(start + 1, final + 1)), f"subscriber {index}"


GENERAL = "query($uuid: UUID!) { template(uuid: $uuid) { own { endpoint { key value } } } }"
UPDATE_TEMPLATE = """
mutation($uuid: UUID!, $options: [SipOptionInput!]!) {
  updateTemplate(uuid: $uuid, input: {options: {endpoint: $options}}) { template { revision } }
}
"""
RESOLVED = """
query($uuid: UUID!) { endpoint(uuid: $uuid) { resolved { endpoint { key value origin { name } } } } }
"""


def _value(resolved: dict[str, Any], key: str) -> str:
    return next(o["value"] for o in resolved["endpoint"]["resolved"]["endpoint"] if o["key"] == key)


async def test_a_write_on_one_replica_is_read_on_the_other_at_once(world: World, replicas: list[int]) -> None:
    # given an endpoint under `general`, its resolved view cached on replica 2
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Consistent")
    general = await default_template(world.db, tenant, "general")
    sip = await default_template(world.db, tenant, "sip")
    endpoint = await new_endpoint(world.db, admin, tenant, "consistent-1", [sip.uuid])
    token = world.admin_token
    own = (await post(replicas[0], token, GENERAL, {"uuid": str(general.uuid)}))["template"]["own"]["endpoint"]

    fresh = 0
    for attempt in range(100):
        await post(replicas[1], token, RESOLVED, {"uuid": str(endpoint.uuid)})  # warm replica 2's cache
        # when replica 1 changes general's language
        language = f"lang{attempt}"
        options = [{"key": o["key"], "value": language if o["key"] == "language" else o["value"]} for o in own]
        await post(replicas[0], token, UPDATE_TEMPLATE, {"uuid": str(general.uuid), "options": options})
        # then replica 2 answers with the new value as soon as the mutation returned
        seen = await post(replicas[1], token, RESOLVED, {"uuid": str(endpoint.uuid)})
        fresh += _value(seen, "language") == language
    assert fresh == 100


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A Redis server of this test's own, so the test may stop it."""
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while (
        subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() != "PONG"
    ):
        assert time.monotonic() < deadline, "own redis-server did not start"
        time.sleep(0.1)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


async def test_redis_stopping_mid_run_degrades_readiness_but_not_answers(
    world: World, own_redis: tuple[subprocess.Popen[bytes], int]
) -> None:
    redis_process, redis_port = own_redis
    env = server_env(world.db.url, world.settings.data_dir, PJSIP_GRAPH_CACHE_URL=f"redis://127.0.0.1:{redis_port}/0")
    server, port = start_server(env)
    try:
        admin = await caller_for(world.db, world.admin_token)
        tenant = await new_tenant(world.db, admin, "NoRedis")
        general = await default_template(world.db, tenant, "general")
        sip = await default_template(world.db, tenant, "sip")
        endpoint = await new_endpoint(world.db, admin, tenant, "noredis-1", [sip.uuid])
        token = world.admin_token
        own = (await post(port, token, GENERAL, {"uuid": str(general.uuid)}))["template"]["own"]["endpoint"]
        await post(port, token, RESOLVED, {"uuid": str(endpoint.uuid)})
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz").json()
        assert ready == {"status": "ready", "checks": {"database": "up", "cache": "up", "listener": "up"}}

        # when Redis stops
        redis_process.terminate()
        redis_process.wait(timeout=10)

        # then writes and reads still answer correctly, from the database
        options = [{"key": o["key"], "value": "xx_XX" if o["key"] == "language" else o["value"]} for o in own]
        await post(port, token, UPDATE_TEMPLATE, {"uuid": str(general.uuid), "options": options})
        seen = await post(port, token, RESOLVED, {"uuid": str(endpoint.uuid)})
        assert _value(seen, "language") == "xx_XX"
        # and readiness says the cache is down, the service degraded but up
        response = httpx.get(f"http://127.0.0.1:{port}/readyz")
        assert response.status_code == 200
        assert response.json() == {
            "status": "degraded",
            "checks": {"database": "up", "cache": "down", "listener": "up"},
        }
    finally:
        stop(server)


async def test_a_token_revoked_on_one_replica_ends_its_subscription_on_the_other(
    world: World, replicas: list[int]
) -> None:
    # given a token that follows configuration changes on the second replica
    from tests.helpers import token_for

    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Revoked")
    token = await token_for(world.db, tenant, "sip:read")
    listed = await post(
        replicas[0],
        world.admin_token,
        "query { apiTokens(recurse: true, first: 500) { edges { node { uuid tenantUuid } } } }",
    )
    token_uuid = next(e["node"]["uuid"] for e in listed["apiTokens"]["edges"] if e["node"]["tenantUuid"] == str(tenant))
    async with subscriber(replicas[1], token) as sub:
        assert (await sub.next())["type"] == "connection_ack"
        await sub.subscribe("subscription { configChanged { seq } }")
        await asyncio.sleep(0.5)

        # when the operator revokes it through the first replica
        await post(
            replicas[0],
            world.admin_token,
            "mutation($u: UUID!) { revokeApiToken(uuid: $u) { uuid } }",
            {"u": token_uuid},
        )

        # then the subscription on the second replica ends with UNAUTHENTICATED within seconds
        message = await sub.next(15)
        assert message["type"] in ("next", "error"), message
        assert "UNAUTHENTICATED" in str(message), message
