"""Data migrations: what an existing PostgreSQL database looks like after an upgrade."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command

from app.db.migrate import alembic_config, upgrade
from tests.conftest import PG_ADMIN_URL, _pg_answers, _with_database, skip_or_fail


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture
async def scratch_pg() -> AsyncIterator[str]:
    problem = await _pg_answers(PG_ADMIN_URL)
    if problem is not None:
        skip_or_fail(f"PostgreSQL does not answer at {PG_ADMIN_URL}: {problem}")
    name = f"pjsip_graph_migration_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_dsn(PG_ADMIN_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _with_database(PG_ADMIN_URL, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def test_object_fields_become_compact_json_text(scratch_pg: str) -> None:
    # given a database at revision 0002 holding an object state as jsonb
    await asyncio.to_thread(command.upgrade, alembic_config(scratch_pg), "0002")
    conn = await asyncpg.connect(_dsn(scratch_pg))
    try:
        engine = uuid.uuid4()
        await conn.execute(
            "INSERT INTO engine (uuid, name, global_options, system_options, last_seq, created_at) "
            "VALUES ($1, 'default', '[]', '[]', 1, now())",
            engine,
        )
        await conn.execute(
            "INSERT INTO sorcery_object (engine_uuid, object_type, object_id, fields) "
            """VALUES ($1, 'aor', 'alice', '[["max_contacts", "1"], ["contact", "sip:a@b"]]'::jsonb)""",
            engine,
        )
        assert await conn.fetchval("SELECT fields::text FROM sorcery_object") == (
            '[["max_contacts", "1"], ["contact", "sip:a@b"]]'
        )

        # when it is upgraded
        await asyncio.to_thread(upgrade, scratch_pg)

        # then the columns are json, and the stored text is the compact form the application writes
        types = await conn.fetch(
            "SELECT table_name, data_type FROM information_schema.columns "
            "WHERE column_name = 'fields' AND table_name IN ('sorcery_object', 'sorcery_update')"
        )
        assert {r["table_name"]: r["data_type"] for r in types} == {"sorcery_object": "json", "sorcery_update": "json"}
        assert await conn.fetchval("SELECT fields::text FROM sorcery_object") == (
            '[["max_contacts","1"],["contact","sip:a@b"]]'
        )
    finally:
        await conn.close()


TOKEN_COLUMNS = {"expires_at", "revoked_at", "last_used_at"}


async def _token_columns(url: str) -> set[str]:
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: {col["name"] for col in sa.inspect(c).get_columns("api_token")})
    finally:
        await engine.dispose()
    return names & TOKEN_COLUMNS


async def _token_columns_round_trip(url: str) -> None:
    # given a database at revision 0004
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0004")
    assert await _token_columns(url) == set()

    # when it is upgraded, then api_token has the expiry, revocation and last-use columns
    await asyncio.to_thread(upgrade, url)
    assert await _token_columns(url) == TOKEN_COLUMNS

    # and a downgrade to 0004 removes them again
    await asyncio.to_thread(command.downgrade, alembic_config(url), "0004")
    assert await _token_columns(url) == set()


async def test_token_expiry_columns_on_sqlite(tmp_path: Path) -> None:
    await _token_columns_round_trip(f"sqlite+aiosqlite:///{tmp_path}/migrate.db")


async def test_token_expiry_columns_on_postgresql(scratch_pg: str) -> None:
    await _token_columns_round_trip(scratch_pg)
