"""Writers of one engine: different tenants run side by side, the record stays gap-free and ordered.

A change inside a tenant holds that tenant's scope (and its ancestors, shared) for its whole
transaction, and the engine row only from its first sequence number to its commit
(app/record/engine_row.py). On PostgreSQL that lets other tenants' writers through while one
tenant's change is being computed; SQLite has a single writer, so these cases are PostgreSQL's.
"""

from __future__ import annotations

import asyncio
from uuid import UUID

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app import switch_interval
from app.db.models import ConfigEventRow, SorceryObjectRow, SorceryUpdateRow, Tenant
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.errors import InvalidInput
from app.record.engine_row import lock_tenant_scope
from app.services import configs
from app.services.access import Caller
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])

WRITERS = 8
MUTATIONS_PER_WRITER = 6

BIG_TEMPLATE_ENDPOINTS = 400


async def _set_callerid(world: World, caller: Caller, uuid: UUID, value: str) -> None:
    patch = configs.ConfigPatch(sections={Section.ENDPOINT: (("callerid", value),)})
    await configs.update_config(
        world.db, caller, ConfigKind.ENDPOINT, uuid, patch, expected_revision=None, dry_run=False
    )


async def _engine_uuid(world: World, tenant: UUID) -> UUID:
    async with world.db.reading() as session:
        return (await _tenant_row(session, tenant)).engine_uuid


async def _tenant_row(session: AsyncSession, tenant: UUID) -> Tenant:
    row = await session.get(Tenant, tenant)
    assert row is not None
    return row


async def _seqs(world: World, table: type) -> list[int]:
    async with world.db.reading() as session:
        rows = await session.execute(sa.select(table.seq).order_by(table.seq))  # type: ignore[attr-defined]
        return [int(s) for s in rows.scalars().all()]


async def test_a_tenant_writes_while_another_tenants_change_is_in_progress(world: World) -> None:
    # given two tenants of one engine, each with an endpoint
    caller = await caller_for(world.db, world.admin_token)
    busy, other = await new_tenant(world.db, caller, "Busy"), await new_tenant(world.db, caller, "Other")
    engine_uuid = await _engine_uuid(world, busy)
    busy_line = await new_endpoint(
        world.db, caller, busy, "busy-line", [(await default_template(world.db, busy, "sip")).uuid]
    )
    other_line = await new_endpoint(
        world.db, caller, other, "other-line", [(await default_template(world.db, other, "sip")).uuid]
    )
    before = await _seqs(world, SorceryUpdateRow)

    # when a change of the busy tenant holds its scope, still computing (not yet numbering)
    async with world.db.writing() as held:
        await lock_tenant_scope(held, engine_uuid, busy)
        # then the other tenant's write goes through meanwhile, numbered next
        await asyncio.wait_for(_set_callerid(world, caller, other_line.uuid, "<other>"), timeout=10)
        after_other = await _seqs(world, SorceryUpdateRow)
        assert after_other == list(range(1, len(before) + 2))
        # and a second writer of the busy tenant waits for the first
        same_tenant = asyncio.create_task(_set_callerid(world, caller, busy_line.uuid, "<busy>"))
        await asyncio.sleep(0.5)
        assert not same_tenant.done()
    await asyncio.wait_for(same_tenant, timeout=10)
    # and every update is numbered once, without a gap
    assert await _seqs(world, SorceryUpdateRow) == list(range(1, len(before) + 3))


async def test_writers_of_different_endpoints_of_one_tenant_run_side_by_side(world: World) -> None:
    # given a tenant with two lines, and a change of the first in progress
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Shared")
    engine_uuid = await _engine_uuid(world, tenant)
    sip = await default_template(world.db, tenant, "sip")
    first = await new_endpoint(world.db, caller, tenant, "line-one", [sip.uuid])
    second = await new_endpoint(world.db, caller, tenant, "line-two", [sip.uuid])
    async with world.db.writing() as held:
        await lock_tenant_scope(held, engine_uuid, tenant, endpoint=first.uuid)
        # when the second line changes, then it goes through meanwhile
        await asyncio.wait_for(_set_callerid(world, caller, second.uuid, "<two>"), timeout=10)
        # while another change of the first line, and a change of their template, wait
        same_line = asyncio.create_task(_set_callerid(world, caller, first.uuid, "<one>"))
        patch = configs.ConfigPatch(sections={Section.ENDPOINT: (("language", "de"),)})
        template = asyncio.create_task(
            configs.update_config(
                world.db, caller, ConfigKind.TEMPLATE, sip.uuid, patch, expected_revision=None, dry_run=False
            )
        )
        await asyncio.sleep(0.5)
        assert not same_line.done() and not template.done()
    await asyncio.wait_for(asyncio.gather(same_line, template), timeout=10)


async def test_a_change_of_a_parent_tenant_waits_for_a_writer_of_a_child_tenant(world: World) -> None:
    # given a child tenant below a parent, and a writer of the child in progress
    caller = await caller_for(world.db, world.admin_token)
    parent = await new_tenant(world.db, caller, "Parent")
    child = await new_tenant(world.db, caller, "Child", parent=parent)
    engine_uuid = await _engine_uuid(world, parent)
    general = await default_template(world.db, parent, "general")
    async with world.db.writing() as held:
        await lock_tenant_scope(held, engine_uuid, child)
        # when the parent's template (which the child's endpoints may inherit) changes
        patch = configs.ConfigPatch(sections={Section.ENDPOINT: (("language", "fr"),)})
        change = asyncio.create_task(
            configs.update_config(
                world.db, caller, ConfigKind.TEMPLATE, general.uuid, patch, expected_revision=None, dry_run=False
            )
        )
        await asyncio.sleep(0.5)
        # then it waits: the child's writer computes from the parent's templates as they are
        assert not change.done()
    await asyncio.wait_for(change, timeout=10)


async def test_two_tenants_racing_for_one_endpoint_name_get_one_endpoint_and_one_clear_error(world: World) -> None:
    # given two tenants of one engine, and the first holding its scope as if computing
    caller = await caller_for(world.db, world.admin_token)
    first, second = await new_tenant(world.db, caller, "First"), await new_tenant(world.db, caller, "Second")
    engine_uuid = await _engine_uuid(world, first)
    sip_second = await default_template(world.db, second, "sip")
    async with world.db.writing() as held:
        await lock_tenant_scope(held, engine_uuid, first)
        await configs.insert_config(
            held,
            kind=ConfigKind.ENDPOINT,
            tenant=await _tenant_row(held, first),
            data=configs.NewConfig(tenant_uuid=first, name="shared-name"),
        )
        # when the second tenant creates the same name meanwhile (it waits on the unique name)
        racing = asyncio.create_task(new_endpoint(world.db, caller, second, "shared-name", [sip_second.uuid]))
        await asyncio.sleep(0.5)
    # then once the first commits, the second gets the usual issue on input.name, and nothing of it is kept
    with pytest.raises(InvalidInput) as refused:
        await asyncio.wait_for(racing, timeout=10)
    assert refused.value.issues[0].field == "input.name"
    assert "already exists on this engine" in refused.value.issues[0].message
    async with world.db.reading() as session:
        owners = (
            (
                await session.execute(
                    sa.select(SorceryObjectRow.tenant_uuid).where(SorceryObjectRow.object_id == "shared-name")  # type: ignore[arg-type]
                )
            )
            .scalars()
            .all()
        )
    assert set(owners) <= {first}


@pytest.mark.parametrize("copied", [False, True], ids=["one-statement", "copied"])
async def test_eight_writers_and_a_big_template_change_keep_the_record_gap_free_and_ordered(
    world: World, monkeypatch: pytest.MonkeyPatch, copied: bool
) -> None:
    if copied:
        # the big change written the way a change of thousands of updates is: its numbers
        # claimed, then its update rows copied under the engine row (app/record/writing.py)
        monkeypatch.setattr(switch_interval, "OFF_LOOP_ROWS", BIG_TEMPLATE_ENDPOINTS)
    # given a big tenant whose template reaches 400 endpoints, and 8 small tenants with a line each
    caller = await caller_for(world.db, world.admin_token)
    big = await new_tenant(world.db, caller, "Big")
    general = await default_template(world.db, big, "general")
    sip = await default_template(world.db, big, "sip")
    for i in range(BIG_TEMPLATE_ENDPOINTS):
        await new_endpoint(world.db, caller, big, f"big-{i:03}", [sip.uuid])
    lines = []
    for w in range(WRITERS):
        tenant = await new_tenant(world.db, caller, f"Small {w}")
        template = await default_template(world.db, tenant, "sip")
        lines.append(await new_endpoint(world.db, caller, tenant, f"small-{w}", [template.uuid]))
    updates_before = await _seqs(world, SorceryUpdateRow)
    events_before = await _seqs(world, ConfigEventRow)
    snapshots: list[list[int]] = []
    done = asyncio.Event()

    async def writer(w: int) -> None:
        for n in range(MUTATIONS_PER_WRITER):
            await _set_callerid(world, caller, lines[w].uuid, f"<w{w}n{n}>")

    async def big_change() -> None:
        for value in ("jazz", "rock"):
            patch = configs.ConfigPatch(sections={Section.ENDPOINT: (("moh_suggest", value),)})
            await configs.update_config(
                world.db, caller, ConfigKind.TEMPLATE, general.uuid, patch, expected_revision=None, dry_run=False
            )

    async def reader() -> None:
        while not done.is_set():
            snapshots.append(await _seqs(world, SorceryUpdateRow))
            await asyncio.sleep(0)

    # when the 8 writers and the big change run at once while a reader watches the record
    watching = asyncio.create_task(reader())
    await asyncio.gather(big_change(), *(writer(w) for w in range(WRITERS)))
    done.set()
    await watching

    # then updates and events are numbered without gap or duplicate
    updates = await _seqs(world, SorceryUpdateRow)
    expected_new = 2 * BIG_TEMPLATE_ENDPOINTS + WRITERS * MUTATIONS_PER_WRITER
    assert updates == list(range(1, len(updates_before) + expected_new + 1))
    events = await _seqs(world, ConfigEventRow)
    assert events == list(range(1, len(events_before) + 2 + WRITERS * MUTATIONS_PER_WRITER + 1))
    # and a reader never saw a gap: each snapshot is a prefix of the final record
    for seen in snapshots:
        assert seen == updates[: len(seen)]
    # and each small line's object holds its last value, each big endpoint the last template value
    async with world.db.reading() as session:
        rows = (
            await session.execute(
                sa.select(SorceryObjectRow.object_id, SorceryObjectRow.fields).where(  # type: ignore[call-overload]
                    SorceryObjectRow.object_type == "endpoint"
                )
            )
        ).all()
    fields = {object_id: dict(tuple(pair) for pair in value) for object_id, value in rows}
    for w in range(WRITERS):
        assert fields[f"small-{w}"]["callerid"] == f"<w{w}n{MUTATIONS_PER_WRITER - 1}>"
    assert {fields[f"big-{i:03}"]["moh_suggest"] for i in range(BIG_TEMPLATE_ENDPOINTS)} == {"rock"}
