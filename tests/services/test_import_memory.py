"""What a big import keeps until its commit, and what its report costs to print."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.db.aftercommit import Committed
from app.domain.diff import Action
from app.record.sync import OFF_LOOP_ENDPOINTS
from app.record.updates import ChangeSummary, RecordedUpdate
from app.services.imports import FileKind, ImportReport, import_text
from tests.conftest import World
from tests.helpers import caller_for, new_tenant

ENDPOINTS = OFF_LOOP_ENDPOINTS + 20  # a big change: resolved and compared off the event loop


def _conf(prefix: str) -> str:
    lines = ["[office](!)", "type=endpoint", "context=from-office", "allow=!all,ulaw", ""]
    for i in range(ENDPOINTS):
        lines += [f"[{prefix}{i:04d}](office)", "type=endpoint", f"callerid=<{i}>", ""]
    return "\n".join(lines)


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
async def test_a_big_import_keeps_resolved_views_only_for_a_cache(world: World, cache: bool) -> None:
    """Without a cache nothing reads the views after the commit: keeping them all cost ~1.4 kB per endpoint (68 MB of a 50,000-endpoint import)."""
    seen: list[Committed] = []

    async def hook(facts: Committed) -> None:
        seen.append(facts)

    world.db.commit_hooks.append(hook)
    world.db.keeps_resolved_views = cache
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Imported")
    seen.clear()
    report = await import_text(
        world.db, caller, tenant_uuid=tenant, kind=FileKind.PJSIP_CONF, text=_conf("m"), dry_run=False
    )
    assert len(report.endpoints) == ENDPOINTS
    (facts,) = seen
    assert facts.engines  # the commit's facts reached the hook either way
    assert len(facts.resolved) == (ENDPOINTS if cache else 0)


def test_reports_print_short_whatever_their_size() -> None:
    """asyncio formats a finished task's result when a command ends: a whole report took gigabytes."""
    update = RecordedUpdate(
        seq=1,
        action=Action.UPSERT,
        object_type="endpoint",
        object_id="a" * 40,
        fields=(("callerid", "x" * 100),) * 20,
        changed_keys=("callerid",),
        requires_recreate=False,
        requires_reload=False,
        engine="default",
        tenant_uuid=None,
        endpoint_uuid=None,
        created_at=datetime.now(UTC),
    )
    changes = ChangeSummary(dry_run=False, affected_endpoints=5000, updates=[update] * 5000)
    report = ImportReport(dry_run=False, endpoints=["e" * 40] * 5000, changes=changes)
    assert repr(changes) == "ChangeSummary(dry_run=False, affected_endpoints=5000, updates=<5000>)"
    assert len(repr(report)) < 200 and "endpoints=<5000>" in repr(report)
