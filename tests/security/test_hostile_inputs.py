"""Hostile values for every argument of the schema: never an internal error, never a traceback, no trace.

A tenant with every tenant scope (the operator, for the engine's transports
and options) sends each operation of `hostile.operations`
with values drawn by hypothesis. Whatever it sends, the answer carries a code
other than INTERNAL_SERVER_ERROR (and no HTTP 5xx), nothing is logged with a
traceback or at ERROR level, and an answer with errors leaves every table
(configurations, recorded updates, sequences, events, tokens) as it was.

Profiles (HYPOTHESIS_PROFILE): ``ci`` (the default; derandomized, a few
examples per operation, so a run is repeatable) and ``dev`` (random, many
more examples) to hunt for new failures.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import SQLModel

from app.api.app import create_app
from app.api.schema import build_schema
from app.db.database import Database
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.services import configs
from app.services.bootstrap import bootstrap
from app.settings import Settings
from tests.conftest import BACKENDS, _truncate_all, skip_or_fail
from tests.helpers import caller_for, new_endpoint, new_tenant, token_for
from tests.security.hostile import Operation, Pool, operations

settings.register_profile(
    "ci",
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

OPERATIONS = operations(build_schema(Settings())._schema)
# Mutations of engine-wide objects, sent with the operator's token (every other one with the tenant's).
OPERATOR_MUTATIONS = frozenset(
    {
        "createTransport",
        "updateTransport",
        "deleteTransport",
        "setEngineOptions",
        "createEngineTransport",
        "updateEngineTransport",
        "updateEngine",
    }
)
# Columns that change on a successful read: the token's last use.
VOLATILE_COLUMNS = frozenset({"last_used_at"})


class Incidents(logging.Handler):
    """Log records an operator would have to look at: errors, and anything with a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


@dataclass
class Hostile:
    db: Database
    http: httpx.AsyncClient
    token: str
    operator_token: str
    pool: Pool
    incidents: Incidents = field(default_factory=Incidents)

    async def send(self, operation: Operation, variables: dict[str, Any]) -> httpx.Response:
        # The engine's own objects are the operator's: only its token gets past the scope check there.
        token = self.operator_token if operation.path[0] in OPERATOR_MUTATIONS else self.token
        return await self.http.post(
            "/graphql",
            json={"query": operation.document, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )

    async def state(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, in a stable order."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        async with self.db.reading() as session:
            for table in SQLModel.metadata.sorted_tables:
                columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS]
                rows = (await session.execute(select(*columns).order_by(*table.primary_key.columns))).all()
                out[table.name] = [tuple(r) for r in rows]
        return out


@pytest.fixture(scope="module", params=BACKENDS)
async def hostile(
    request: pytest.FixtureRequest, sqlite_template: Path, pg_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Hostile]:
    """Two tenants with templates and lines; the attacker holds every tenant scope of the first."""
    base = tmp_path_factory.mktemp("hostile")
    if request.param == "sqlite":
        shutil.copy(sqlite_template, base / "test.db")
        url = f"sqlite+aiosqlite:///{base / 'test.db'}"
    else:
        if pg_url is None:
            skip_or_fail("PostgreSQL does not answer")
        assert pg_url is not None
        await _truncate_all(pg_url)
        url = pg_url
    db = Database(url)
    config = Settings(data_dir=base / "data", database_url=url, executor_check=True)
    admin_token = await bootstrap(db, config.admin_token_path)
    assert admin_token is not None
    admin = await caller_for(db, admin_token)
    own_tenant = await new_tenant(db, admin, "Attacker")
    other_tenant = await new_tenant(db, admin, "Victim")
    uuids: dict[str, list[Any]] = {"own": [own_tenant], "other": [other_tenant]}
    for side, tenant in (("own", own_tenant), ("other", other_tenant)):
        line = await new_endpoint(
            db, admin, tenant, f"{side}-line", [], {Section.AUTH: (("username", side), ("password", "s3cret"))}
        )
        uuids[side].append(line.uuid)
        created = await configs.create_config(
            db,
            admin,
            ConfigKind.TEMPLATE,
            configs.NewConfig(tenant_uuid=tenant, name=f"{side}-tpl", parent_uuids=[], sections={}),
            dry_run=False,
        )
        assert created.view is not None
        uuids[side].append(created.view.record.uuid)
    token = await token_for(db, own_tenant, "tenants:read,tenants:write,sip:read,sip:write,secrets:read")
    pool = Pool(uuids["own"], uuids["other"], ["own-line", "other-line", "own-tpl", "other-tpl", "default", "attacker"])
    app = create_app(config, db=db, migrate=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        hostile = Hostile(db, http, token, admin_token, pool)
        logging.getLogger().addHandler(hostile.incidents)
        try:
            yield hostile
        finally:
            logging.getLogger().removeHandler(hostile.incidents)
    await db.dispose()


@pytest.fixture
def incidents(hostile: Hostile) -> Iterator[Incidents]:
    hostile.incidents.records.clear()
    yield hostile.incidents


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
@given(data=st.data())
async def test_hostile_arguments_answer_a_code_log_nothing_and_change_nothing(
    hostile: Hostile, incidents: Incidents, operation: Operation, data: st.DataObject
) -> None:
    variables = data.draw(operation.variables(hostile.pool), label="variables")
    before = await hostile.state()
    incidents.records.clear()
    response = await hostile.send(operation, variables)
    assert response.status_code < 500, response.text
    body = response.json()
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL_SERVER_ERROR" not in codes, body
    assert all(codes), f"an error without a code: {body}"
    assert not incidents.records, [r.getMessage() for r in incidents.records]
    if codes:
        assert await hostile.state() == before, f"{operation.name} failed with {codes} but changed the database"


def test_every_root_field_with_arguments_is_covered() -> None:
    """The walk of the schema finds the fields a hostile tenant reaches first."""
    names = {o.name for o in OPERATIONS}
    schema = build_schema(Settings())._schema
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert root is not None
        for name, root_field in root.fields.items():
            if root_field.args:
                assert f"{kind}.{name}" in names
    assert len(names) == len(OPERATIONS)
    assert {"query.template.children", "query.tenant.children"} <= names  # arguments one level down
