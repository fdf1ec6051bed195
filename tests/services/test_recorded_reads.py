"""Reading many endpoints' recorded objects: one array parameter on PostgreSQL, IN lists elsewhere."""

from __future__ import annotations

from uuid import UUID, uuid4

import sqlalchemy as sa

from app.db.models import SipConfig
from app.db.queries import CHUNK, config_t, recorded_object_texts, rows_in_transaction
from app.services.snapshots import ConfigRecord
from tests.api.test_statement_count import count_statements
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant


async def _alice(world: World, tenant_name: str) -> ConfigRecord:
    """An endpoint under the `sip` template of a new tenant."""
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, tenant_name)
    sip = await default_template(world.db, tenant, "sip")
    return await new_endpoint(world.db, admin, tenant, "alice", [sip.uuid])


async def test_many_endpoints_are_read_in_one_statement_on_postgresql_and_in_lists_elsewhere(
    world: World, backend: str
) -> None:
    alice = await _alice(world, "Read")
    async with world.db.reading() as session:
        engine = UUID(str((await session.execute(sa.text("SELECT uuid FROM engine"))).scalar_one()))
    # a big change's part: more endpoints than an IN list takes at once (unknown ones find nothing)
    owners = [uuid4() for _ in range(2 * CHUNK)] + [alice.uuid]
    with count_statements(world.db) as statements:
        async with world.db.reading() as session:
            found = await recorded_object_texts(session, engine, endpoint_uuids=owners, object_types=["endpoint"])
            every = await recorded_object_texts(session, engine, endpoint_uuids=owners)
    assert set(found) == {("endpoint", "alice")}
    assert {"endpoint", "aor"} <= {object_type for object_type, _ in every}
    if backend == "postgresql":
        assert len(statements) == 2 and all("ANY" in s for s in statements)
    else:
        assert len(statements) == 2 * 3  # one IN list per chunk of CHUNK endpoints


async def test_a_read_in_the_transaction_sees_its_unflushed_changes_and_goes_by_asyncpg_on_postgresql(
    world: World, backend: str
) -> None:
    alice = await _alice(world, "Raw read")
    statement = sa.select(config_t.c.label).where(config_t.c.uuid == sa.bindparam("uuid"))
    async with world.db.writing(commit=False) as session:
        row = await session.get(SipConfig, alice.uuid)
        assert row is not None
        row.label = "changed, not flushed"
        with count_statements(world.db) as statements:
            rows = await rows_in_transaction(session, statement, {"uuid": alice.uuid})
    assert [tuple(r) for r in rows] == [("changed, not flushed",)]
    assert any(s.startswith("UPDATE") for s in statements)  # flushed first
    reads = [s for s in statements if "SELECT" in s]
    assert len(reads) == 1 and reads[0].startswith("(asyncpg)") == (backend == "postgresql")
