"""Fixtures of the Asterisk tests: the realtime (ps_*) database."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator

import pytest
import sqlalchemy as sa

from app.asterisk.realtime.follower import CHECKPOINTS, checkpoint_t
from app.asterisk.realtime.schema import METADATA, create_schema
from app.db.session import create_engine
from tests.conftest import PG_ADMIN_URL, skip_or_fail

RT_DATABASE = f"pjsip_graph_rt_{os.getpid()}"


def _database_url(name: str) -> str:
    return sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


async def _admin(statement: str) -> str | None:
    import asyncpg

    try:
        conn = await asyncio.wait_for(
            asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")), 3
        )
    except Exception as exc:  # any connection failure means "absent"
        return f"{type(exc).__name__}: {exc}"
    try:
        await conn.execute(statement)
    finally:
        await conn.close()
    return None


@pytest.fixture(scope="session")
def realtime_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database with the ps_* schema, dropped at the end of the session."""
    if asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{RT_DATABASE}" WITH (FORCE)')) is not None:
        yield None
        return
    asyncio.run(_admin(f'CREATE DATABASE "{RT_DATABASE}"'))
    url = _database_url(RT_DATABASE)
    asyncio.run(create_schema(url))
    yield url
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{RT_DATABASE}" WITH (FORCE)'))


@pytest.fixture
async def rt(realtime_url: str | None) -> AsyncIterator[str]:
    """The realtime database, emptied (rows and checkpoints)."""
    if realtime_url is None:
        skip_or_fail(f"PostgreSQL does not answer at {PG_ADMIN_URL}")
        raise AssertionError("unreachable")
    engine = create_engine(realtime_url)
    async with engine.begin() as conn:
        await conn.run_sync(CHECKPOINTS.create_all, checkfirst=True)
        tables = ", ".join(f'"{t.name}"' for t in [*METADATA.sorted_tables, checkpoint_t])
        await conn.execute(sa.text(f"TRUNCATE {tables}"))
    await engine.dispose()
    yield realtime_url
