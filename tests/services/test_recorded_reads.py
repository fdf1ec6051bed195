"""Reading many endpoints' recorded objects: one array parameter on PostgreSQL, IN lists elsewhere."""

from __future__ import annotations

from uuid import UUID, uuid4

import sqlalchemy as sa

from app.db.queries import CHUNK, recorded_object_texts
from tests.api.test_statement_count import count_statements
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant


async def test_many_endpoints_are_read_in_one_statement_on_postgresql_and_in_lists_elsewhere(
    world: World, backend: str
) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Read")
    sip = await default_template(world.db, tenant, "sip")
    alice = await new_endpoint(world.db, admin, tenant, "alice", [sip.uuid])
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
