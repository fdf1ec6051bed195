"""A page of endpoints costs a fixed number of SQL statements, whatever its size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app import switch_interval
from app.db import queries
from app.db.database import Database
from app.db.hot import HotRead, bypasses_sqlalchemy
from app.db.models import ConfigEventRow, SorceryUpdateRow
from app.domain.resolution import Resolver
from app.domain.sections import Section
from app.record import sync
from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, default_template, lines_under_general, new_endpoint, new_tenant

event_t = ConfigEventRow.__table__  # type: ignore[attr-defined]
update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]

PAGE = """
query($tenant: UUID!, $first: Int!) {
  endpoints(tenantUuid: $tenant, first: $first) {
    totalCount
    edges { node {
      name
      parents { name }
      own { endpoint { key value } auth { key value } }
      resolved { endpoint { key value origin { name } overrides { value } } aor { key value } }
      sorceryObjects { type id fields { key value } }
      transport { name }
      tenant { slug }
    } }
  }
}
"""


@contextmanager
def count_statements(db: Database) -> Iterator[list[str]]:
    """Every statement sent: through SQLAlchemy, and the hot reads asyncpg runs itself."""
    statements: list[str] = []
    rows = HotRead.rows

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    async def hot_rows(read: HotRead, connection: Any, params: Any) -> Any:
        if bypasses_sqlalchemy(connection):
            statements.append(f"(asyncpg) {read.statement}")
        return await rows(read, connection, params)

    async def fetch(driver: Any, sql: str, arguments: list[Any]) -> Any:
        statements.append(f"(asyncpg) {sql}")
        return await fetched(driver, sql, arguments)

    fetched = queries._fetch
    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        with mock.patch.object(HotRead, "rows", hot_rows), mock.patch.object(queries, "_fetch", fetch):
            yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_page_of_200_issues_no_more_statements_than_page_of_10(world: World, gql: GraphQLClient) -> None:
    # given 200 endpoints under two levels of templates
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Counted")
    sip = await default_template(world.db, tenant, "sip")
    webrtc = await default_template(world.db, tenant, "webrtc")
    for i in range(200):
        parents = [sip.uuid, webrtc.uuid] if i % 2 else [sip.uuid]
        await new_endpoint(
            world.db,
            caller,
            tenant,
            f"counted-{i:03d}",
            parents,
            {Section.AUTH: (("username", f"u{i}"), ("password", f"p{i}"))},
        )

    # when a page of 10 and a page of 200 are read with every nested field
    # (after a first request: a token's first use of the minute records its last use once)
    await gql.ok(PAGE, {"tenant": str(tenant), "first": 1})
    with count_statements(world.db) as small:
        small_page = await gql.ok(PAGE, {"tenant": str(tenant), "first": 10})
    with count_statements(world.db) as large:
        large_page = await gql.ok(PAGE, {"tenant": str(tenant), "first": 200})

    # then both pages are complete and cost the same number of statements
    assert len(small_page["endpoints"]["edges"]) == 10
    assert len(large_page["endpoints"]["edges"]) == 200
    node = large_page["endpoints"]["edges"][1]["node"]
    assert [p["name"] for p in node["parents"]] == ["sip", "webrtc"]
    assert [o["type"] for o in node["sorceryObjects"]] == ["auth", "aor", "endpoint"]
    assert len(large) == len(small), "\n".join(large)
    assert len(large) <= 12


UPDATE_ENDPOINT = """
mutation($uuid: UUID!, $value: String!) {
  updateEndpoint(uuid: $uuid, input: {options: {endpoint: [{key: "callerid", value: $value}]}}) {
    endpoint { revision parents { name } resolved { endpoint { key value } } }
    changes { sorceryUpdates { seq action sorceryType objectId } }
  }
}
"""


async def test_a_small_endpoint_update_costs_few_statements(world: World, gql: GraphQLClient, backend: str) -> None:
    # given an endpoint under a template, and a first mutation (the token's first use of the
    # minute records it; the tenant's path is read once per process)
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Written")
    sip = await default_template(world.db, tenant, "sip")
    endpoint = await new_endpoint(
        world.db, caller, tenant, "written-1", [sip.uuid], {Section.AUTH: (("username", "u"), ("password", "p"))}
    )
    first = await gql.ok(UPDATE_ENDPOINT, {"uuid": str(endpoint.uuid), "value": "<100>"})

    # when its caller id changes again
    with count_statements(world.db) as statements:
        second = await gql.ok(UPDATE_ENDPOINT, {"uuid": str(endpoint.uuid), "value": "<200>"})

    # then the answer and the record are complete: one numbered update, one change event
    answer = second["updateEndpoint"]
    assert answer["endpoint"]["revision"] == first["updateEndpoint"]["endpoint"]["revision"] + 1
    assert [p["name"] for p in answer["endpoint"]["parents"]] == ["sip"]
    assert {"key": "callerid", "value": "<200>"} in answer["endpoint"]["resolved"]["endpoint"]
    (update,) = answer["changes"]["sorceryUpdates"]
    previous = first["updateEndpoint"]["changes"]["sorceryUpdates"][0]["seq"]
    assert update == {"seq": previous + 1, "action": "UPSERT", "sorceryType": "ENDPOINT", "objectId": "written-1"}
    async with world.db.reading() as session:
        events = (await session.execute(sa.select(event_t).order_by(event_t.c.seq.desc()).limit(2))).all()
    assert [(e.uuid, e.action) for e in events] == [(endpoint.uuid, "UPDATED")] * 2
    assert events[0].seq == events[1].seq + 1 and events[0].revision == answer["endpoint"]["revision"]
    # and it cost (PostgreSQL): the token, the row before and after the scope locks (with the
    # engine), the locks, the ancestors, the row's update with its resolution version, the
    # recorded objects, then the new states, numbers, update and event in one statement: 8,
    # and the parents the answer asks for; SQLite begins with `BEGIN IMMEDIATE` (so that another
    # process on the file waits), draws the version from the engine row, and writes the states,
    # numbers and rows one statement each
    assert len(statements) <= (9 if backend == "postgresql" else 13), "\n".join(statements)


ONE = "query($uuid: UUID!) { endpoint(uuid: $uuid) { name own { endpoint { key value } } } }"


async def test_the_token_and_a_config_by_uuid_are_read_by_asyncpg_itself(
    world: World, gql: GraphQLClient, backend: str
) -> None:
    # given an endpoint, read once (the token's first use of the minute records it)
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Hot")
    sip = await default_template(world.db, tenant, "sip")
    endpoint = await new_endpoint(
        world.db, caller, tenant, "hot-1", [sip.uuid], {Section.ENDPOINT: (("callerid", "<1>"),)}
    )
    await gql.ok(ONE, {"uuid": str(endpoint.uuid)})

    # when it is read again
    with count_statements(world.db) as statements:
        answer = await gql.ok(ONE, {"uuid": str(endpoint.uuid)})

    # then the answer is whole, from two statements: the token, the endpoint; on PostgreSQL
    # both skip SQLAlchemy's execution (the hottest reads), on SQLite both go through it
    assert answer["endpoint"] == {"name": "hot-1", "own": {"endpoint": [{"key": "callerid", "value": "<1>"}]}}
    assert len(statements) == 2, "\n".join(statements)
    hot = [s for s in statements if s.startswith("(asyncpg)")]
    assert len(hot) == (2 if backend == "postgresql" else 0), "\n".join(statements)


async def test_a_lost_connection_is_not_handed_out_again(world: World, gql: GraphQLClient, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite reads a file: there is no connection for the server to lose")
    # given a warm pool
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Lost")
    query = "query($uuid: UUID!) { tenant(uuid: $uuid) { name } }"
    assert (await gql.ok(query, {"uuid": str(tenant)}))["tenant"] == {"name": "Lost"}

    # when PostgreSQL ends every connection of the server (a restart, a failover)
    admin = await asyncpg.connect(world.db.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        ended = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    assert ended >= 1

    # then a request may find its connection gone (SERVICE_UNAVAILABLE), and the next ones are served
    # (the pool must drop what asyncpg found closed, though SQLAlchemy did not see it fail)
    headers = {"Authorization": f"Bearer {gql.token}"}
    body = {"query": query, "variables": {"uuid": str(tenant)}}
    answers = [(await gql.http.post("/graphql", json=body, headers=headers)).json() for _ in range(4)]
    refused = [a for a in answers if a.get("errors")]
    assert all(a["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE" for a in refused), answers
    assert len(refused) <= 1 and answers[-1]["data"] == {"tenant": {"name": "Lost"}}, answers


UPDATE_TEMPLATE = """
mutation($uuid: UUID!, $value: String!) {
  updateTemplate(uuid: $uuid, input: {options: {endpoint: [{key: "dtmf_mode", value: $value}]}}) {
    changes { sorceryUpdates { seq objectId } }
  }
}
"""


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_a_big_change_holds_the_engine_row_only_to_copy_its_updates(
    world: World, gql: GraphQLClient, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given 12 endpoints under a template, whose changes are written the way a change of
    # thousands of updates is (object states first, then the numbers and the update rows)
    caller = await caller_for(world.db, world.admin_token)
    _, general, _ = await lines_under_general(world.db, caller, "Copied", "copied", 12)
    monkeypatch.setattr(switch_interval, "OFF_LOOP_ROWS", 1)
    # (a first change: the token's first use of the minute is recorded then)
    await gql.ok(UPDATE_TEMPLATE, {"uuid": str(general.uuid), "value": "inband"})
    copies: list[tuple[str, int]] = []
    copy = asyncpg.Connection.copy_records_to_table

    async def counted(self: asyncpg.Connection, table_name: str, *, records: Any, **kwargs: Any) -> str:
        rows = list(records)
        copies.append((table_name, len(rows)))
        return await copy(self, table_name, records=rows, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(asyncpg.Connection, "copy_records_to_table", counted)

    # when the template changes
    with count_statements(world.db) as statements:
        data = await gql.ok(UPDATE_TEMPLATE, {"uuid": str(general.uuid), "value": "info"})

    # then its 12 updates are numbered one after the other and stored by one COPY
    updates = data["updateTemplate"]["changes"]["sorceryUpdates"]
    seqs = [u["seq"] for u in updates]
    assert seqs == list(range(seqs[0], seqs[0] + 12))
    assert copies == [("sorcery_update", 12)]
    async with world.db.reading() as session:
        stored = (
            await session.execute(
                sa.select(update_t.c.seq, update_t.c.object_id)
                .where(update_t.c.seq >= seqs[0])
                .order_by(update_t.c.seq)
            )
        ).all()
    assert [(s, o) for s, o in stored] == [(u["seq"], u["objectId"]) for u in updates]
    # and while it holds the engine row (from the claim of its numbers to its commit), the
    # only other statement is its change event's insert: the rest was written before
    claims = [i for i, s in enumerate(statements) if s.startswith("UPDATE engine SET last_seq")]
    assert len(claims) == 1, "\n".join(statements)
    held = [s.split("(")[0].strip() for s in statements[claims[0] + 1 :]]
    assert held == ["INSERT INTO config_event"], "\n".join(statements)


async def test_a_change_past_what_is_kept_holds_the_engine_row_only_to_number_its_sorted_updates(
    world: World, gql: GraphQLClient, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given 12 endpoints under a template, whose changes are written part by part
    caller = await caller_for(world.db, world.admin_token)
    _, general, _ = await lines_under_general(world.db, caller, "Pending", "pending", 12)
    monkeypatch.setattr(sync, "SYNC_PART", 5)
    monkeypatch.setattr(sync, "KEPT_UPDATES", 1)
    await gql.ok(UPDATE_TEMPLATE, {"uuid": str(general.uuid), "value": "inband"})

    # when the template changes
    with count_statements(world.db) as statements:
        data = await gql.ok(UPDATE_TEMPLATE, {"uuid": str(general.uuid), "value": "info"})

    # then its 12 updates are read back numbered one after the other
    seqs = [u["seq"] for u in data["updateTemplate"]["changes"]["sorceryUpdates"]]
    assert seqs == list(range(seqs[0], seqs[0] + 12))
    # and they were sorted before the engine row was claimed; while it is held, only they are
    # copied with their numbers and the change event inserted
    claims = [i for i, s in enumerate(statements) if s.startswith("UPDATE engine SET last_seq")]
    assert len(claims) == 1, "\n".join(statements)
    before = [s.split(" AS ")[0] for s in statements[: claims[0]]]
    assert any(s.startswith("CREATE TEMPORARY TABLE sorted_update_") for s in before), "\n".join(statements)
    after = [" ".join(s.split()[:3]) for s in statements[claims[0] + 1 :]]
    expected = ["INSERT INTO sorcery_update", "INSERT INTO config_event"]
    if backend == "sqlite":  # no ON COMMIT DROP there
        expected.insert(1, f"DROP TABLE {statements[claims[0] + 2].split()[2]}")
    # (then, committed, the answer reads them back)
    assert after == [*expected, "SELECT sorcery_update.seq, sorcery_update.action,"], "\n".join(statements)


async def test_a_small_endpoint_update_resolves_the_endpoint_once(world: World, gql: GraphQLClient) -> None:
    # given an endpoint under a template
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Resolved once")
    sip = await default_template(world.db, tenant, "sip")
    endpoint = await new_endpoint(world.db, caller, tenant, "once-1", [sip.uuid], {})

    # when its caller id changes, the answer showing its resolved options
    with mock.patch.object(Resolver, "resolve", autospec=True, side_effect=Resolver.resolve) as resolved:
        answer = await gql.ok(UPDATE_ENDPOINT, {"uuid": str(endpoint.uuid), "value": "<300>"})

    # then the endpoint was resolved once: for its objects, and the answer reuses that view
    assert {"key": "callerid", "value": "<300>"} in answer["updateEndpoint"]["endpoint"]["resolved"]["endpoint"]
    assert [call.args[1] for call in resolved.call_args_list] == [endpoint.uuid]
