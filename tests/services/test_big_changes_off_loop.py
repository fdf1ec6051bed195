"""A big change resolves and diffs in a worker thread, with exactly the result it has on the event loop."""

from __future__ import annotations

import asyncio

import pytest

from app.db.database import Database
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.record import sync
from app.services import configs
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant


async def _change(db: Database, world: World, template: configs.ConfigRecord, value: str, *, dry_run: bool) -> list:
    caller = await caller_for(db, world.admin_token)
    patch = configs.ConfigPatch(sections={Section.ENDPOINT: (("dtmf_mode", value),)})
    result = await configs.update_config(
        db, caller, ConfigKind.TEMPLATE, template.uuid, patch, expected_revision=None, dry_run=dry_run
    )
    return [(u.action, u.object_type, u.object_id, u.changed_keys, u.fields) for u in result.changes.updates]


async def test_a_change_gives_the_same_updates_in_a_thread_and_on_the_loop(
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

    monkeypatch.setattr(sync.asyncio, "to_thread", counted)
    monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 10**9)
    on_loop = await _change(world.db, world, general, "info", dry_run=True)
    assert threads == []
    monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 1)
    in_thread = await _change(world.db, world, general, "info", dry_run=True)
    assert threads == ["desired_endpoint_objects", "_plan"]
    assert in_thread == on_loop
    assert len(on_loop) == 12
    # and for real
    assert await _change(world.db, world, general, "info", dry_run=False) == on_loop
