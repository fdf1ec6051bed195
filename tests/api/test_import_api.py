"""Importing a file sent by a frontend, through GraphQL."""

from __future__ import annotations

from unittest import mock

import pytest
import sqlalchemy as sa

from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, new_tenant

IMPORT = """
mutation($t: UUID!, $text: String!, $dry: Boolean) {
  importPjsipConf(tenantUuid: $t, text: $text, dryRun: $dry) {
    dryRun templates endpoints unmapped changes { sorceryUpdates { seq objectType objectId } }
  }
}
"""
CONF = """
[office](!)
type = endpoint
context = office
allow = !all,ulaw

[alice](office)
type = endpoint
callerid = Alice <100>
auth = alice

[alice]
type = auth
username = alice
password = s3cret

#include "more.conf"
"""


async def test_a_pjsip_conf_sent_as_text_imports_atomically(world: World, gql: GraphQLClient) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Uploaded")
    # a dry run reports and writes nothing
    dry = (await gql.ok(IMPORT, {"t": str(tenant), "text": CONF, "dry": True}))["importPjsipConf"]
    assert dry["dryRun"] is True and dry["endpoints"] == ["alice"]
    assert all(u["seq"] is None for u in dry["changes"]["sorceryUpdates"])
    listed = await gql.ok("query($t: UUID) { endpoints(tenantUuid: $t) { totalCount } }", {"t": str(tenant)})
    assert listed["endpoints"]["totalCount"] == 0
    # the real import creates the template and the endpoint; the include is reported, not followed
    done = (await gql.ok(IMPORT, {"t": str(tenant), "text": CONF}))["importPjsipConf"]
    assert done["endpoints"] == ["alice"] and len(done["templates"]) == 1
    assert any("more.conf" in line for line in done["unmapped"])
    objects = {(u["objectType"], u["objectId"]) for u in done["changes"]["sorceryUpdates"]}
    assert {("auth", "alice"), ("endpoint", "alice")} <= objects


async def test_a_broken_file_is_refused_with_nothing_written(world: World, gql: GraphQLClient) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Broken")
    error = await gql.error(IMPORT, {"t": str(tenant), "text": "[alice](nosuchtemplate)\ntype = endpoint\n"})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "text"
    listed = await gql.ok("query($t: UUID) { endpoints(tenantUuid: $t) { totalCount } }", {"t": str(tenant)})
    assert listed["endpoints"]["totalCount"] == 0


async def test_a_bulk_import_refreshes_the_planner_statistics(
    world: World, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without it, PostgreSQL sorted a whole tenant to show one page until autovacuum came by."""
    import app.services.imports as imports

    monkeypatch.setattr(imports, "BULK_ROWS", 2)  # this small file stands for a large one
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Bulk")
    analysed = mock.AsyncMock(wraps=imports.refresh_statistics)
    monkeypatch.setattr(imports, "refresh_statistics", analysed)
    await gql.ok(IMPORT, {"t": str(tenant), "text": CONF, "dry": True})
    assert analysed.await_count == 0  # a dry run writes nothing, so nothing to learn
    await gql.ok(IMPORT, {"t": str(tenant), "text": CONF})
    assert analysed.await_count == 1
    async with world.db.reading() as session:
        if world.db.is_sqlite:
            stats = (await session.execute(sa.text("SELECT count(*) FROM sqlite_stat1"))).scalar_one()
            assert stats > 0
        else:
            when = (
                await session.execute(
                    sa.text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'sip_config'")
                )
            ).scalar_one()
            assert when is not None
