"""Another process holds the SQLite file's write lock past the busy timeout: a clear, retryable answer.

An import from the command line or a second server on the embedded database can hold the write
lock for longer than SQLite's busy timeout; the writer that waited gives up with "database is
locked". The API answers SERVICE_UNAVAILABLE (HTTP 503) saying so, the command line a line on
standard error, and nothing is changed.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from app.api.app import create_app
from app.cli.main import main
from app.db import session as db_session
from app.db.database import Database
from app.db.migrate import upgrade
from app.settings import get_settings
from tests.conftest import World

CREATE_TENANT = "mutation($name: String!) { createTenant(input: {name: $name}) { tenant { slug } } }"
TENANTS = "{ tenants { edges { node { name } } } }"


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # Read by each new connection: the waits of this file's tests last a fraction of a second.
    monkeypatch.setattr(db_session, "SQLITE_BUSY_TIMEOUT_MS", 300)


def _file_of(url: str) -> Path:
    return Path(url.split("///", 1)[1])


class WriteLock:
    """Another process's write transaction on the file, as long as it is held."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)

    def __enter__(self) -> WriteLock:
        self.connection.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *_: object) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_mutation_that_waited_too_long_for_the_lock_is_refused_as_busy_and_changes_nothing(
    world: World, short_busy_timeout: None
) -> None:
    db = Database(world.db.url)
    app = create_app(world.settings, db=db, migrate=False)
    headers = {"Authorization": f"Bearer {world.admin_token}"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            # when another process holds the write lock while a tenant is created
            with WriteLock(_file_of(world.db.url)):
                response = await http.post(
                    "/graphql", json={"query": CREATE_TENANT, "variables": {"name": "Waited"}}, headers=headers
                )
                # then the answer says the database is busy and asks to retry, and reads still work
                assert response.status_code == 503
                (error,) = response.json()["errors"]
                assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
                assert error["message"] == db_session.BUSY_MESSAGE
                tenants = (await http.post("/graphql", json={"query": TENANTS}, headers=headers)).json()
                assert "Waited" not in str(tenants["data"])
            # and once the lock is gone, the same mutation goes through
            retried = await http.post(
                "/graphql", json={"query": CREATE_TENANT, "variables": {"name": "Waited"}}, headers=headers
            )
            assert retried.json()["data"]["createTenant"]["tenant"]["slug"] == "waited"
    finally:
        await db.dispose()


@pytest.fixture
def migrated_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "data" / "pjsip-graph.db"
    url = f"sqlite+aiosqlite:///{path}"
    monkeypatch.setenv("PJSIP_GRAPH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PJSIP_GRAPH_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        upgrade(url)
        yield path
    finally:
        get_settings.cache_clear()


def test_the_command_line_says_the_database_is_busy_in_one_line(
    migrated_file: Path, short_busy_timeout: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given another process holding the write lock
    monkeypatch.setattr(sys, "argv", ["pjsip-graph", "token", "revoke", str(uuid4())])
    with WriteLock(migrated_file), pytest.raises(SystemExit) as exited:
        # when a token is revoked from the command line
        main()
    # then it exits with a failure and one line that says why, no traceback
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err == f"pjsip-graph: {db_session.BUSY_MESSAGE}\n"
