"""A change past what is kept in memory writes its updates part by part and numbers them at the
end: the answer, the record and its order are the ones a change keeping them all gives."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest
import sqlalchemy as sa

from app.db.database import Database
from app.db.migrate import upgrade
from app.db.models import Engine, SorceryUpdateRow
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.errors import InvalidInput, Issue
from app.record import sync
from app.record.reading import change_updates
from app.record.updates import ChangeSummary
from app.services import configs
from app.services.bootstrap import bootstrap
from app.services.imports import FileKind, import_text
from app.settings import Settings
from tests.conftest import PG_ADMIN_URL, GraphQLClient, World, _pg_answers, skip_or_fail
from tests.helpers import caller_for, default_template, lines_under_general, new_endpoint, new_tenant, record_after

update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]
engine_t = Engine.__table__  # type: ignore[attr-defined]
# Names whose order by code point (Python's, and the record's) differs from a language's
# collation, which puts "alpha" before "Zed" and ignores punctuation at first.
NAMES = ["Zed", "alpha", "a-b", "a_b", "a.b", "A0", "b9", "B10", "a", "a0", "zz", "Z-9"]


async def _answer(world: World, summary: ChangeSummary) -> list[tuple[Any, ...]]:
    async with world.db.reading() as session:
        updates = await change_updates(session, summary)
    return [
        (u.seq, u.action, u.object_type, u.object_id, u.fields, u.changed_keys, u.tenant_uuid, u.endpoint_uuid)
        for u in updates
    ]


async def _times_after(world: World, after: int) -> int:
    """How many distinct times the updates numbered after ``after`` were recorded at."""
    async with world.db.reading() as session:
        count = sa.select(sa.func.count(sa.distinct(update_t.c.created_at))).where(update_t.c.seq > after)
        return int((await session.execute(count)).scalar_one())


async def _last_seq(world: World) -> int:
    async with world.db.reading() as session:
        return int((await session.execute(sa.select(sa.func.max(engine_t.c.last_seq)))).scalar_one())


async def _change(world: World, template: UUID, value: str) -> ChangeSummary:
    caller = await caller_for(world.db, world.admin_token)
    patch = configs.ConfigPatch(sections={Section.ENDPOINT: (("dtmf_mode", value),)})
    result = await configs.update_config(
        world.db, caller, ConfigKind.TEMPLATE, template, patch, expected_revision=None, dry_run=False
    )
    return result.changes


def _relative(answer: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    first = answer[0][0]
    return [(seq - first, *rest) for seq, *rest in answer]


@pytest.mark.parametrize("big", [False, True], ids=["on the loop", "big: in a worker thread and a lane"])
async def test_a_change_past_what_is_kept_records_what_a_kept_one_does(
    world: World, monkeypatch: pytest.MonkeyPatch, big: bool
) -> None:
    await _past_what_is_kept(world, monkeypatch, big=big)


@pytest.fixture
async def language_collated_world(tmp_path: Path) -> AsyncIterator[World]:
    """A PostgreSQL database whose default collation is a language's (ICU en-US), as many
    production databases have (en_US.UTF-8): it orders "alpha" before "Zed"."""
    if await _pg_answers(PG_ADMIN_URL) is not None:
        skip_or_fail(f"PostgreSQL does not answer at {PG_ADMIN_URL}")
    name = f"pjsip_graph_test_icu_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin_dsn = PG_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        )
    finally:
        await connection.close()
    url = str(sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False))
    try:
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        settings = Settings(data_dir=tmp_path / "data", database_url=url)
        token = await bootstrap(db, settings.admin_token_path)
        assert token is not None
        async with db.reading() as session:
            ordered = await session.execute(sa.text("SELECT x FROM (VALUES ('Zed'), ('alpha')) v(x) ORDER BY x"))
            assert ordered.scalars().all() == ["alpha", "Zed"]  # the collation the test is about
        yield World(db=db, admin_token=token, settings=settings)
        await db.dispose()
    finally:
        connection = await asyncpg.connect(admin_dsn)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


async def test_the_order_is_by_code_point_under_a_language_collation(
    language_collated_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _past_what_is_kept(language_collated_world, monkeypatch, big=True)


async def _past_what_is_kept(world: World, monkeypatch: pytest.MonkeyPatch, *, big: bool) -> None:
    # given 12 endpoints under one template, named so that collations disagree on their order
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Pending")
    general = await default_template(world.db, tenant, "general")
    for i, name in enumerate(NAMES):
        sections = {Section.AUTH: (("username", name), ("password", f"pw-{i}"))}
        if i % 4 == 0:  # some set the changed key themselves: their objects do not change
            sections[Section.ENDPOINT] = (("dtmf_mode", "auto"),)
        await new_endpoint(world.db, admin, tenant, name, [general.uuid], sections)
    monkeypatch.setattr(sync, "SYNC_PART", 5)
    if big:
        monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 1)

    async def change(value: str, kept: int) -> tuple[ChangeSummary, list[Any], list[Any], list[Any]]:
        monkeypatch.setattr(sync, "KEPT_UPDATES", kept)
        after = await _last_seq(world)
        summary = await _change(world, general.uuid, value)
        answer = await _answer(world, summary)
        assert [u[0] for u in answer] == list(range(after + 1, after + 1 + len(answer)))
        rows, objects = await record_after(world.db, tenant, after)
        assert await _times_after(world, after) == 1  # every update has the one time of the change
        return summary, _relative(answer), rows, objects

    # when the template changes back and forth, keeping its updates, then past what is kept
    await change("info", 10**6)
    kept, kept_answer, kept_rows, kept_objects = await change("inband", 10**6)
    await change("info", 10**6)
    written, answer, rows, objects = await change("inband", 3)

    # then the second kept none in memory, and its answer, record and states are the same
    assert kept.updates and not kept.stored
    assert written.updates == [] and len(written.stored) == 1
    assert written.count == kept.count == len(answer) == 9
    assert answer == kept_answer
    assert rows == kept_rows
    assert objects == kept_objects
    # in the order of updates kept in memory: auths before endpoints, each by code point
    assert [u[3] for u in answer if u[2] == "endpoint"] == sorted(n for i, n in enumerate(NAMES) if i % 4)


async def test_a_refused_part_leaves_nothing_pending(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # given 12 endpoints, and a change whose updates go past what is kept
    admin = await caller_for(world.db, world.admin_token)
    tenant, general, _ = await lines_under_general(world.db, admin, "Refused", "r", 12)
    monkeypatch.setattr(sync, "SYNC_PART", 4)
    monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 1)
    monkeypatch.setattr(sync, "KEPT_UPDATES", 1)
    plan = sync._plan
    calls: list[int] = []

    def refusing_the_last_part(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            return InvalidInput([Issue("input.options", "refused for the test")])
        return plan(*args)

    monkeypatch.setattr(sync, "_plan", refusing_the_last_part)
    before_seq = await _last_seq(world)
    before = await record_after(world.db, tenant, before_seq)
    # when the last part is refused, after the first two were written
    with pytest.raises(InvalidInput, match="refused for the test"):
        await _change(world, general.uuid, "info")
    # then nothing is recorded and the states are as they were
    assert await _last_seq(world) == before_seq
    assert await record_after(world.db, tenant, before_seq) == before
    # and the same change, accepted, records every update (nothing of the refused one in the way)
    monkeypatch.setattr(sync, "_plan", plan)
    summary = await _change(world, general.uuid, "info")
    assert summary.updates == [] and summary.count == 12
    assert len(await _answer(world, summary)) == 12


async def test_an_import_past_what_is_kept_answers_what_its_dry_run_does(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["[office](!)", "type=endpoint", "context=from-office", "allow=!all,ulaw", ""]
    for name in NAMES:
        lines += [f"[{name}]", "type=auth", f"username={name}", "password=pw", ""]
        lines += [f"[{name}](office)", "type=endpoint", f"auth={name}", f"aors={name}", ""]
        lines += [f"[{name}]", "type=aor", "max_contacts=1", ""]
    text = "\n".join(lines)
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Imported")
    monkeypatch.setattr(sync, "SYNC_PART", 5)
    monkeypatch.setattr(sync, "OFF_LOOP_ENDPOINTS", 1)
    monkeypatch.setattr(sync, "KEPT_UPDATES", 2)
    dry = await import_text(world.db, caller, tenant_uuid=tenant, kind=FileKind.PJSIP_CONF, text=text, dry_run=True)
    assert dry.changes is not None and len(dry.changes.updates) == 3 * len(NAMES)
    after = await _last_seq(world)
    done = await import_text(world.db, caller, tenant_uuid=tenant, kind=FileKind.PJSIP_CONF, text=text, dry_run=False)
    assert done.changes is not None and done.changes.updates == [] and done.changes.count == 3 * len(NAMES)
    answer = await _answer(world, done.changes)
    assert [u[0] for u in answer] == list(range(after + 1, after + 1 + 3 * len(NAMES)))

    def shape(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:  # the endpoints' uuids are new
        return [row[1:6] for row in rows]

    dry_answer = [(u.seq, u.action, u.object_type, u.object_id, u.fields, u.changed_keys) for u in dry.changes.updates]
    assert shape(answer) == shape(dry_answer)
    assert "Sorcery updates: 36" in done.summary()
    # the new endpoints' objects were never read, and are stored all the same
    rows, objects = await record_after(world.db, tenant, after)
    assert len(rows) == len(objects) == 3 * len(NAMES)


async def test_the_graphql_answer_reads_back_what_was_not_kept(
    world: World, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Answered")
    general = await default_template(world.db, tenant, "general")
    for name in NAMES[:6]:
        await new_endpoint(world.db, admin, tenant, name, [general.uuid])
    monkeypatch.setattr(sync, "SYNC_PART", 2)
    mutation = """
    mutation($id: UUID!, $v: String!) {
      updateTemplate(uuid: $id, input: {options: {endpoint: [{key: "dtmf_mode", value: $v}]}}) {
        changes { sorceryUpdateCount sorceryUpdates { seq objectType objectId fields { key value } } }
      }
    }
    """
    monkeypatch.setattr(sync, "KEPT_UPDATES", 10**6)
    kept = (await gql.ok(mutation, {"id": str(general.uuid), "v": "info"}))["updateTemplate"]["changes"]
    await gql.ok(mutation, {"id": str(general.uuid), "v": "inband"})
    monkeypatch.setattr(sync, "KEPT_UPDATES", 1)
    read_back = (await gql.ok(mutation, {"id": str(general.uuid), "v": "info"}))["updateTemplate"]["changes"]
    assert read_back["sorceryUpdateCount"] == kept["sorceryUpdateCount"] == len(read_back["sorceryUpdates"]) == 6

    def without_seq(changes: dict[str, Any]) -> list[Any]:
        return [{k: v for k, v in u.items() if k != "seq"} for u in changes["sorceryUpdates"]]

    assert without_seq(read_back) == without_seq(kept)
    first = read_back["sorceryUpdates"][0]["seq"]
    assert [u["seq"] for u in read_back["sorceryUpdates"]] == list(range(first, first + 6))
