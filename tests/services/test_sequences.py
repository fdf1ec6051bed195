"""Sequence numbers of recorded updates: per engine, strictly increasing, no gaps, visible in order."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from app.db.models import SorceryUpdateRow
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.services import configs
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant

WRITERS = 4
MUTATIONS_PER_WRITER = 10


async def _seqs(world: World) -> list[int]:
    async with world.db.reading() as session:
        rows = await session.execute(sa.select(SorceryUpdateRow.seq).order_by(SorceryUpdateRow.seq))  # type: ignore[arg-type]
        return [int(s) for s in rows.scalars().all()]


async def test_concurrent_mutations_get_gapless_sequences_seen_in_order(world: World) -> None:
    # given a tenant with one endpoint per writer
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Concurrent")
    sip = await default_template(world.db, tenant, "sip")
    endpoints = [await new_endpoint(world.db, caller, tenant, f"conc-{w}", [sip.uuid]) for w in range(WRITERS)]
    start = len(await _seqs(world))
    snapshots: list[list[int]] = []
    done = asyncio.Event()

    async def writer(index: int) -> None:
        for n in range(MUTATIONS_PER_WRITER):
            patch = configs.ConfigPatch(sections={Section.ENDPOINT: (("callerid", f"w{index}-{n}"),)})
            await configs.update_config(
                world.db,
                caller,
                ConfigKind.ENDPOINT,
                endpoints[index].uuid,
                patch,
                expected_revision=None,
                dry_run=False,
            )

    async def reader() -> None:
        while not done.is_set():
            snapshots.append(await _seqs(world))
            await asyncio.sleep(0)

    # when writers run concurrently while a reader watches the record
    watching = asyncio.create_task(reader())
    await asyncio.gather(*(writer(i) for i in range(WRITERS)))
    done.set()
    await watching

    # then every mutation got its own numbers, with no gap and no duplicate
    seqs = await _seqs(world)
    assert seqs == list(range(1, start + WRITERS * MUTATIONS_PER_WRITER + 1))
    # and no reader ever saw a number before all the smaller ones
    assert snapshots, "the reader never ran"
    for snapshot in snapshots:
        assert snapshot == list(range(1, len(snapshot) + 1))
