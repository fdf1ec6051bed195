"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL.

Every test that takes ``db`` (or anything built on it) runs once per backend.
PostgreSQL tests skip when the server does not answer, unless
PJSIP_GRAPH_REQUIRE_SERVICES=1 (set by CI), which turns that skip into a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from app.api.app import create_app
from app.db.database import Database
from app.db.migrate import upgrade
from app.services.bootstrap import bootstrap
from app.settings import Settings

PG_ADMIN_URL = os.environ.get("PJSIP_GRAPH_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("PJSIP_GRAPH_REQUIRE_SERVICES") == "1"
BACKENDS = ["sqlite", "postgresql"]


def skip_or_fail(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PJSIP_GRAPH_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(reason)


async def _pg_answers(url: str) -> str | None:
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncio.wait_for(asyncpg.connect(dsn), timeout=3)
    except Exception as exc:  # any connection failure means "absent"
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


def _with_database(url: str, name: str) -> str:
    return str(sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is the slow part)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test session, migrated, dropped at the end."""
    problem = asyncio.run(_pg_answers(PG_ADMIN_URL))
    if problem is not None:
        yield None
        return
    name = f"pjsip_graph_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def admin(statement: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = _with_database(PG_ADMIN_URL, name)
    upgrade(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, sqlite_template: Path, pg_url: str | None, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = pg_url
    if url is None:
        skip_or_fail(f"PostgreSQL does not answer at {PG_ADMIN_URL}")
    await _truncate_all(url)
    yield url


async def _truncate_all(url: str) -> None:
    engine = Database(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    async with engine.engine.begin() as conn:
        await conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@dataclass
class World:
    """A bootstrapped database: the default engine, the root tenant and its admin token."""

    db: Database
    admin_token: str
    settings: Settings


@pytest.fixture
async def world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    db = Database(database_url)
    # Every query the tests send is also answered by graphql-core's own executor and compared,
    # and every tenant graph a change takes from those kept is compared with the tenant read whole
    # (kept from the first configuration on, so that every test's changes go through them).
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        executor_check=True,
        tenant_graphs_min_nodes=1,
        tenant_graphs_check=True,
    )
    token = await bootstrap(db, settings.admin_token_path)
    assert token is not None
    yield World(db=db, admin_token=token, settings=settings)
    await db.dispose()


@pytest.fixture
def db(world: World) -> Database:
    return world.db


class GraphQLClient:
    """Posts GraphQL documents to the ASGI app, as a frontend would over HTTP."""

    def __init__(self, http: httpx.AsyncClient, token: str | None) -> None:
        self.http = http
        self.token = token

    def as_token(self, token: str | None) -> GraphQLClient:
        return GraphQLClient(self.http, token)

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def ok(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of a response that must have no errors."""
        body = await self.post(query, variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The first error of a response that must fail."""
        body = await self.post(query, variables)
        assert body.get("errors"), f"expected an error, got {body}"
        error: dict[str, Any] = body["errors"][0]
        return error


@pytest.fixture
async def gql(world: World) -> AsyncIterator[GraphQLClient]:
    app = create_app(world.settings, db=world.db, migrate=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield GraphQLClient(http, world.admin_token)
