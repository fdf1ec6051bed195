"""Two server processes writing one database: a change never builds on what another is changing.

Each process has its own `Database` (engine, pool, in-process write lock): two of them here
are two processes as far as the database can tell. On PostgreSQL the scope locks keep a
second writer of one endpoint out until the first commits; on SQLite the write transaction
takes the file's write lock before its first read (`BEGIN IMMEDIATE`). Without it, both
processes read revision 1, both wrote revision 2 with different options, and a tenant graph
kept by one process matched the other's stamps while holding its own options.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any
from uuid import UUID

import pytest

from app.db.database import Database
from app.db.models import SipConfig, Tenant
from app.db.tenant_graphs import TenantGraphs
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.services import configs
from app.services.access import Caller
from tests.conftest import World
from tests.helpers import caller_for, lines_under_general, recorded_objects

# Set in the task whose change must stop once it holds its locks and has read the row.
_held: contextvars.ContextVar[tuple[asyncio.Event, asyncio.Event] | None] = contextvars.ContextVar("held", default=None)


def _context(value: str) -> configs.ConfigPatch:
    return configs.ConfigPatch(sections={Section.ENDPOINT: (("context", value),)})


async def _change(
    db: Database,
    caller: Caller,
    kind: ConfigKind,
    uuid: UUID,
    value: str,
    held: tuple[asyncio.Event, asyncio.Event] | None,
) -> int:
    _held.set(held)
    result = await configs.update_config(db, caller, kind, uuid, _context(value), expected_revision=None, dry_run=False)
    assert result.view is not None
    return result.view.record.revision


async def test_two_processes_changing_one_endpoint_take_turns(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    real_lock = configs.lock_tenant_scope

    async def lock_then_hold(*args: Any, **kwargs: Any) -> Any:
        engine = await real_lock(*args, **kwargs)
        held = _held.get()
        if held is not None:
            reached, release = held
            reached.set()
            await release.wait()
        return engine

    monkeypatch.setattr(configs, "lock_tenant_scope", lock_then_hold)
    # given two processes on one database, the first keeping its tenant graphs (checked at each use)
    first, second = world.db, Database(world.db.url)
    first.tenant_graphs = TenantGraphs(max_nodes=10_000, min_nodes=1, check=True)
    try:
        admin = await caller_for(first, world.admin_token)
        tenant, general, lines = await lines_under_general(first, admin, "Turns", "turns", 8)
        line = lines[0]
        await _change(first, admin, ConfigKind.TEMPLATE, general.uuid, "from-general", None)  # its graph kept

        # when the second process's change of a line has read it and is still computing
        reached, release = asyncio.Event(), asyncio.Event()
        slow = asyncio.create_task(
            _change(second, admin, ConfigKind.ENDPOINT, line.uuid, "from-second", (reached, release))
        )
        await asyncio.wait_for(reached.wait(), timeout=10)
        fast = asyncio.create_task(_change(first, admin, ConfigKind.ENDPOINT, line.uuid, "from-first", None))
        await asyncio.sleep(0.5)

        # then the first process's change of the same line waits for it
        assert not fast.done()
        release.set()
        revisions = await asyncio.wait_for(asyncio.gather(slow, fast), timeout=20)

        # and each change has a revision of its own; the last one's options are stored and recorded
        assert revisions == [2, 3]
        async with first.reading() as session:
            row = await session.get(SipConfig, line.uuid)
            tenant_row = await session.get(Tenant, tenant)
            assert row is not None and tenant_row is not None
            assert (row.revision, row.options["endpoint"]) == (3, [["context", "from-first"]])
            objects = await recorded_objects(session, tenant_row.engine_uuid, tenant_uuids=[tenant])
        assert ("context", "from-first") in objects[("endpoint", line.name)][0]
        # and the first process's kept graph still agrees with the database (the check raises if not)
        await _change(first, admin, ConfigKind.TEMPLATE, general.uuid, "from-general-2", None)
        assert first.tenant_graphs.last_load == "refreshed"
    finally:
        await second.dispose()
