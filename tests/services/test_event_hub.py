"""The hub's window and one subscriber's path: replay, live, resume, too slow."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.events.follow import TooSlow, follow
from app.events.hub import EventHub
from app.events.records import UPDATES, engine_heads
from tests.conftest import World
from tests.helpers import caller_for, new_endpoint, new_tenant


async def _engine(world: World) -> Any:
    heads = await engine_heads(world.db)
    return next(iter(heads))


async def _next(stream: Any, timeout: float = 5) -> Any:
    return await asyncio.wait_for(anext(stream), timeout)


async def test_replay_then_live_without_gap_or_duplicate(world: World) -> None:
    # given a hub and a record with two transport updates
    hub = EventHub(world.db, poll_interval=0.05)
    await hub.start()
    engine = await _engine(world)
    admin = await caller_for(world.db, world.admin_token)
    try:
        stream = follow(hub, engine, UPDATES, 0)
        replayed = [await _next(stream), await _next(stream)]
        # when new updates are committed (no explicit wake-up: the poll finds them)
        tenant = await new_tenant(world.db, admin, "Hub")
        await new_endpoint(world.db, admin, tenant, "hub-1", [])
        live = [await _next(stream)]
        # then the subscriber sees 1, 2, then 3: one mechanism, one order
        assert [r.seq for r in replayed + live] == [1, 2, 3]
        assert (live[0].object_type, live[0].object_id) == ("endpoint", "hub-1")
        await stream.aclose()
    finally:
        await hub.stop()


async def test_a_subscriber_that_falls_out_of_the_window_is_disconnected_with_its_position(world: World) -> None:
    # given a hub with a tiny live window and a live subscriber that stops reading
    hub = EventHub(world.db, window_size=3, poll_interval=0.05)
    await hub.start()
    engine = await _engine(world)
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Slow")
    try:
        stream = follow(hub, engine, UPDATES, None)
        reader = asyncio.create_task(_next(stream, timeout=10))
        await asyncio.sleep(0.2)
        await new_endpoint(world.db, admin, tenant, "slow-0", [])
        first = await reader
        # when more updates arrive than the window holds before it reads again
        for i in range(1, 6):
            await new_endpoint(world.db, admin, tenant, f"slow-{i}", [])
        hub.wake(engine)
        await asyncio.sleep(0.5)
        # then it is told to resume from the last update it saw, instead of slowing the others
        with pytest.raises(TooSlow) as too_slow:
            await _next(stream)
        assert too_slow.value.last == first.seq
        assert "after: " + str(first.seq) in too_slow.value.message
    finally:
        await hub.stop()


async def test_stopping_the_hub_ends_subscriptions_cleanly(world: World) -> None:
    hub = EventHub(world.db, poll_interval=0.05)
    await hub.start()
    engine = await _engine(world)
    stream = follow(hub, engine, UPDATES, None)
    waiting = asyncio.create_task(_next(stream))
    await asyncio.sleep(0.2)
    await hub.stop()
    with pytest.raises(StopAsyncIteration):
        await waiting
