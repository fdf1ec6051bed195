"""Hot reads (app/db/hot.py): the same rows as through SQLAlchemy, and a pool left healthy."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from app.db.database import Database
from app.db.hot import HotRead, bypasses_sqlalchemy
from app.db.models import Tenant
from app.domain.defaults import ROOT_TENANT_NAME

tenant_t = Tenant.__table__  # type: ignore[attr-defined]
TENANTS = HotRead(sa.select(tenant_t.c.uuid, tenant_t.c.name).where(tenant_t.c.name == sa.bindparam("name")))
SLEEP = HotRead(sa.select(sa.func.pg_sleep(sa.bindparam("seconds", type_=sa.Float)).label("slept")))


async def test_the_rows_are_those_sqlalchemy_reads(db: Database) -> None:
    async with db.connection() as connection:
        expected = (await connection.execute(TENANTS.statement, {"name": ROOT_TENANT_NAME})).all()
    rows = await TENANTS.rows(db, {"name": ROOT_TENANT_NAME})
    assert [tuple(r) for r in rows] == [tuple(r) for r in expected] and len(rows) == 1
    assert list(await TENANTS.rows(db, {"name": "nobody"})) == []


async def test_a_read_cancelled_midway_leaves_no_busy_connection_in_the_pool(db: Database) -> None:
    if not bypasses_sqlalchemy(db):
        pytest.skip("SQLite's reads go through SQLAlchemy: nothing of this module's is in between")
    size = db.engine.sync_engine.pool.size()
    # when reads are cancelled in the middle of their statement (clients gone), more than the pool holds
    for _ in range(size + 2):
        read = asyncio.create_task(SLEEP.rows(db, {"seconds": 5}))
        await asyncio.sleep(0.2)
        read.cancel()
        with pytest.raises(asyncio.CancelledError):
            await read
    # then the next reads get a connection that answers at once
    for _ in range(size + 2):
        rows = await asyncio.wait_for(TENANTS.rows(db, {"name": ROOT_TENANT_NAME}), timeout=2)
        assert len(rows) == 1
