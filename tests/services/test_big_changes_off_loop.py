"""A big change resolves, diffs and prepares its rows in worker threads, with exactly the result it has on the event loop."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from app import switch_interval
from app.db.database import Database
from app.db.models import Engine, SorceryObjectRow, SorceryUpdateRow
from app.db.queries import load_tenant_graphs
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.record import sync
from app.services import configs
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant, record_after

update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]
object_t = SorceryObjectRow.__table__  # type: ignore[attr-defined]


async def _change(db: Database, world: World, template: configs.ConfigRecord, value: str, *, dry_run: bool) -> list:
    caller = await caller_for(db, world.admin_token)
    patch = configs.ConfigPatch(sections={Section.ENDPOINT: (("dtmf_mode", value),)})
    result = await configs.update_config(
        db, caller, ConfigKind.TEMPLATE, template.uuid, patch, expected_revision=None, dry_run=dry_run
    )
    return [
        (u.seq, u.action, u.object_type, u.object_id, u.changed_keys, u.fields, u.tenant_uuid, u.endpoint_uuid)
        for u in result.changes.updates
    ]


async def _recorded_change(
    world: World, template: configs.ConfigRecord, tenant: UUID, value: str
) -> tuple[list[Any], list[Any], list[Any]]:
    """A committed change: its answer, its stored update rows and the tenant's objects (numbers
    relative to its first update, which follows the engine's previous last one)."""
    async with world.db.reading() as session:
        last = (await session.execute(sa.select(sa.func.coalesce(sa.func.max(update_t.c.seq), 0)))).scalar_one()
    answer = await _change(world.db, world, template, value, dry_run=False)
    assert [seq for seq, *_ in answer] == list(range(last + 1, last + 1 + len(answer)))
    updates, objects = await record_after(world.db, tenant, last)
    return [(seq - answer[0][0], *rest) for seq, *rest in answer], updates, objects


async def test_a_change_gives_the_same_updates_in_threads_and_on_the_loop(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Off loop")
    general = await default_template(world.db, tenant, "general")
    for i in range(12):
        await new_endpoint(
            world.db,
            admin,
            tenant,
            f"off-{i}",
            [general.uuid],
            {Section.AUTH: (("username", f"u{i}"), ("password", f"pw-{i}"))},
        )

    threads: list[str] = []
    to_thread = asyncio.to_thread

    async def counted(*args: object, **kwargs: object) -> object:
        threads.append(getattr(args[0], "__name__", "?"))
        return await to_thread(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(switch_interval.asyncio, "to_thread", counted)
    monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 10**9)
    monkeypatch.setattr(switch_interval, "OFF_LOOP_ROWS", 10**9)
    on_loop = await _change(world.db, world, general, "info", dry_run=True)
    assert threads == []
    monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 1)
    in_thread = await _change(world.db, world, general, "info", dry_run=True)
    assert threads == ["desired_endpoint_objects", "_plan", "dismantle", "dismantle"]
    assert in_thread == on_loop
    assert len(on_loop) == 12
    # every part that can leave the loop for a big change (a whole tenant's rows) leaves it
    threads.clear()
    monkeypatch.setattr(switch_interval, "OFF_LOOP_ROWS", 1)
    assert await _change(world.db, world, general, "info", dry_run=True) == on_loop
    assert set(threads) >= {"graph_of", "_object_texts", "desired_endpoint_objects", "_plan", "_unnumbered"}

    # and for real: the same answer, and the same rows stored, on the loop and off it
    async def real(value: str, *, off: bool) -> tuple[list[Any], list[Any], list[Any]]:
        monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 1 if off else 10**9)
        monkeypatch.setattr(switch_interval, "OFF_LOOP_ROWS", 1 if off else 10**9)
        threads.clear()
        recorded = await _recorded_change(world, general, tenant, value)
        assert bool(threads) == off
        return recorded

    from_start = await real("info", off=False)  # the template's other defaults go: many keys change
    assert from_start[0] == [(i, *u[1:]) for i, u in enumerate(on_loop)]
    assert [row[:4] for row in from_start[1]] == [(i, u[1].value, u[2], u[3]) for i, u in enumerate(on_loop)]
    await real("inband", off=False)
    first = await real("info", off=False)  # only dtmf_mode changes
    await real("inband", off=False)
    again = await real("info", off=True)
    assert again == first
    assert len(again[0]) == len(again[1]) == 12


@pytest.mark.parametrize("big", [False, True], ids=["on the loop", "big: statements while it computes"])
async def test_a_change_in_parts_gives_the_same_updates_and_rows_as_at_once(
    world: World, monkeypatch: pytest.MonkeyPatch, big: bool
) -> None:
    # given 12 endpoints under one template
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "In parts")
    general = await default_template(world.db, tenant, "general")
    for i in range(12):
        sections = {Section.AUTH: (("username", f"u{i}"), ("password", f"pw-{i}"))}
        if i % 3 == 0:  # some set the changed key themselves: their objects do not change
            sections[Section.ENDPOINT] = (("dtmf_mode", "auto"),)
        await new_endpoint(world.db, admin, tenant, f"part-{i:02d}", [general.uuid], sections)

    async def change(value: str, *, part: int) -> tuple[list[Any], list[Any], list[Any]]:
        monkeypatch.setattr(sync, "SYNC_PART", part)
        return await _recorded_change(world, general, tenant, value)

    # when the template changes back and forth, at once and then 5 endpoints at a time
    await change("info", part=10**6)
    at_once = await change("inband", part=10**6)
    await change("info", part=10**6)
    resolved_parts: list[int] = []
    resolve = sync.desired_endpoint_objects

    def counted(graph: Any, endpoints: list[UUID], *args: Any, **kwargs: Any) -> Any:
        resolved_parts.append(len(endpoints))
        return resolve(graph, endpoints, *args, **kwargs)

    stored_parts: list[int] = []
    store = sync.store_object_states

    async def stored(session: Any, engine: UUID, plans: list[Any], texts: Any) -> None:
        stored_parts.append(len(plans))
        await store(session, engine, plans, texts)

    monkeypatch.setattr(sync, "desired_endpoint_objects", counted)
    monkeypatch.setattr(sync, "store_object_states", stored)
    monkeypatch.setattr(sync, "SYNC_PART", 5)
    if big:  # each part's states are stored (and the next part's objects read) while it computes
        monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 1)
    dry_in_parts = await _change(world.db, world, general, "inband", dry_run=True)
    assert stored_parts == []
    in_parts = await change("inband", part=5)
    assert resolved_parts == [5, 5, 2] * 2
    # the states of each part's changed endpoints (8 in all), in one statement lane step per part
    assert (len(stored_parts), sum(stored_parts)) == ((3, 8) if big else (0, 0))

    # then the answer, the recorded updates (their order too) and the stored objects are the same
    assert in_parts == at_once
    assert [u[1:] for u in dry_in_parts] == [u[1:] for u in at_once[0]]
    assert len(at_once[0]) == 8  # the 4 endpoints that set dtmf_mode themselves are untouched


async def test_a_big_change_creating_objects_stores_them_after_its_last_read(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows added between its reads, under statistics of a smaller table, would make PostgreSQL
    scan the whole table for each later part: an import of thousands took minutes."""
    # given 12 endpoints whose objects are not recorded (as an import's new endpoints)
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Created")
    general = await default_template(world.db, tenant, "general")
    for i in range(12):
        await new_endpoint(world.db, admin, tenant, f"new-{i:02d}", [general.uuid])
    async with world.db.writing() as session:
        await session.execute(sa.delete(object_t).where(object_t.c.tenant_uuid == tenant))
    events: list[str] = []
    read, store = sync.recorded_object_texts, sync.store_object_states

    async def reading(*args: Any, **kwargs: Any) -> Any:
        events.append("read")
        return await read(*args, **kwargs)

    async def storing(session: Any, engine: UUID, plans: list[Any], texts: Any) -> None:
        events.append(f"store {len(plans)}")
        await store(session, engine, plans, texts)

    monkeypatch.setattr(sync, "recorded_object_texts", reading)
    monkeypatch.setattr(sync, "store_object_states", storing)
    monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 1)
    monkeypatch.setattr(sync, "SYNC_PART", 5)
    # when they are recomputed in parts, as a big change
    async with world.db.writing() as session:
        engine = await session.get(Engine, general.engine_uuid)
        assert engine is not None
        graph = await load_tenant_graphs(session, [tenant])
        summary = await sync.sync_endpoints(session, engine, graph, graph.endpoints(), dry_run=False)
    # then every part was read before any new state was stored, and all were stored once
    creates = sum(1 for u in summary.updates if u.action.value == "UPSERT")
    assert events == ["read", "read", "read", f"store {creates}"]
    async with world.db.reading() as session:
        stored = (await session.execute(sa.select(sa.func.count()).where(object_t.c.tenant_uuid == tenant))).scalar()
    assert stored == creates >= 12
