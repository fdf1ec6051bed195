"""Recorded object states: bulk writes, stored text, and changes recognised by comparing text."""

from __future__ import annotations

from typing import Any
from unittest import mock
from uuid import UUID, uuid4

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.db.bulk import RawJSON, delete_rows, insert_rows, json_text
from app.db.models import Engine, SorceryObjectRow, SorceryUpdateRow
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.record import sync, text_diff
from app.services import configs
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant

object_t = SorceryObjectRow.__table__  # type: ignore[attr-defined]
update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]


async def _engine_uuid(world: World) -> UUID:
    async with world.db.reading() as session:
        return (await session.execute(sa.select(Engine.uuid))).scalar_one()  # type: ignore[call-overload]


async def _stored(world: World, object_id: str, object_type: str = "aor") -> tuple[str, UUID | None] | None:
    async with world.db.reading() as session:
        row = (
            await session.execute(
                sa.select(sa.cast(object_t.c.fields, sa.Text), object_t.c.tenant_uuid).where(
                    object_t.c.object_id == object_id, object_t.c.object_type == object_type
                )
            )
        ).first()
    return None if row is None else (row[0], row[1])


def _raw_json(world: World, text: str) -> sa.ColumnElement[Any]:
    """A JSON text written as it is (SQLite stores text; PostgreSQL needs a cast to json)."""
    value = sa.type_coerce(text, sa.Text)
    return value if world.db.is_sqlite else sa.cast(value, postgresql.JSON)


async def test_bulk_insert_upsert_and_delete_round_trip(world: World) -> None:
    engine = await _engine_uuid(world)
    tenant = uuid4()
    rows = [
        {
            "engine_uuid": engine,
            "object_type": "aor",
            "object_id": f"bulk-{n}",
            "fields": (("max_contacts", str(n)), ("contact", "sip:a@b")),
            "tenant_uuid": tenant if n % 2 else None,
            "endpoint_uuid": None,
        }
        for n in range(3000)
    ]
    async with world.db.writing() as session:
        await insert_rows(session, object_t, rows)
    # values come back as written, JSON as the compact text the application writes
    assert await _stored(world, "bulk-7") == ('[["max_contacts","7"],["contact","sip:a@b"]]', tenant)
    assert await _stored(world, "bulk-8") == ('[["max_contacts","8"],["contact","sip:a@b"]]', None)
    # more rows than one statement takes (STATEMENT_ROWS): the last part is written too
    assert await _stored(world, "bulk-2999") == ('[["max_contacts","2999"],["contact","sip:a@b"]]', tenant)

    # an upsert replaces the chosen columns of existing rows and inserts new ones
    upserts = [
        {**rows[7], "fields": json_text([["max_contacts", "70"]]), "tenant_uuid": None},
        {**rows[0], "object_id": "bulk-new", "fields": json_text([])},
    ]
    async with world.db.writing() as session:
        await insert_rows(
            session,
            object_t,
            upserts,
            on_conflict=("engine_uuid", "object_type", "object_id"),
            update=("fields", "tenant_uuid"),
        )
        await delete_rows(
            session, object_t, [{"engine_uuid": engine, "object_type": "aor", "object_id": f"bulk-{n}"} for n in (1, 2)]
        )
    assert await _stored(world, "bulk-7") == ('[["max_contacts","70"]]', None)
    assert await _stored(world, "bulk-new") == ("[]", None)
    assert await _stored(world, "bulk-1") is None and await _stored(world, "bulk-2") is None
    assert await _stored(world, "bulk-3") is not None
    async with world.db.reading() as session:
        count = (await session.execute(sa.select(sa.func.count()).select_from(object_t))).scalar_one()
    assert count >= 3000 - 2 + 1


async def test_json_text_is_what_is_compared() -> None:
    assert json_text((("a", "b"), ("c", "d"))) == RawJSON('[["a","b"],["c","d"]]')
    assert orjson.loads(json_text([["é", "\u0001"]]).text) == [["é", "\u0001"]]


async def test_an_object_stored_in_another_text_form_is_compared_by_value(world: World) -> None:
    """Rows written in another JSON layout (older data, other tools) are decoded and diffed, not misread."""
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Texts")
    sip = await default_template(world.db, tenant, "sip")
    endpoints = [await new_endpoint(world.db, caller, tenant, f"text-{n}", [sip.uuid]) for n in range(3)]
    # the same content in a spaced layout for one endpoint object, a different content for another
    async with world.db.writing() as session:
        same = (await _stored(world, "text-0", "endpoint"))[0]  # type: ignore[index]
        spaced = orjson.dumps(orjson.loads(same), option=orjson.OPT_INDENT_2).decode()
        await session.execute(
            sa.update(object_t)
            .where(object_t.c.object_id == "text-0", object_t.c.object_type == "endpoint")
            .values(fields=_raw_json(world, spaced))
        )
        stale = [list(p) for p in orjson.loads(same)] + [["language", "xx"]]
        await session.execute(
            sa.update(object_t)
            .where(object_t.c.object_id == "text-1", object_t.c.object_type == "endpoint")
            .values(fields=stale)
        )
    async with world.db.reading() as session:
        before = (await session.execute(sa.select(sa.func.max(update_t.c.seq)))).scalar_one()

    # when a template change that does not touch these endpoints' resolution is recorded
    patch = configs.ConfigPatch(sections={Section.AOR: (("max_contacts", "3"),)})
    replaced: list[str | None] = []

    def replaced_value(*args: Any) -> str | None:
        replaced.append(text_diff.replaced_value(*args))
        return replaced[-1]

    with (
        mock.patch.object(sync, "to_options", side_effect=sync.to_options) as decoded,
        mock.patch.object(sync, "replaced_value", replaced_value),
    ):
        await configs.update_config(
            world.db, caller, ConfigKind.TEMPLATE, sip.uuid, patch, expected_revision=None, dry_run=False
        )
    # only objects whose stored text differs from the desired one were looked at, not the other
    # six: the three aors whose max_contacts the change replaces are recognised from their texts,
    # the two endpoints altered above (spaced out, or one pair more) are decoded
    assert sorted(replaced, key=str) == [None, None, "max_contacts", "max_contacts", "max_contacts"]
    assert decoded.call_count == 2

    # then only the really different object is rewritten, besides the aors the change touches
    async with world.db.reading() as session:
        rows = (
            await session.execute(
                sa.select(update_t.c.object_type, update_t.c.object_id, update_t.c.changed_keys).where(
                    update_t.c.seq > before
                )
            )
        ).all()
    by_object = {(t, i): keys for t, i, keys in rows}
    assert "language" in by_object[("endpoint", "text-1")]
    assert ("endpoint", "text-0") not in by_object
    assert ("endpoint", "text-2") not in by_object
    assert {i for t, i in by_object if t == "aor"} == {e.name for e in endpoints}
    # and the spaced row, unchanged in value, keeps its text; rewritten rows are compact again
    assert (await _stored(world, "text-0", "endpoint"))[0] == spaced  # type: ignore[index]
    rewritten = (await _stored(world, "text-1", "endpoint"))[0]  # type: ignore[index]
    assert '["language","xx"]' not in rewritten
    assert rewritten == orjson.dumps(orjson.loads(rewritten)).decode()


async def test_reads_run_outside_transactions_on_postgresql(world: World) -> None:
    """Read sessions send no BEGIN/ROLLBACK: each statement is its own snapshot (as at READ COMMITTED)."""
    if world.db.is_sqlite:
        pytest.skip("SQLite's driver opens no transaction for reads in the first place")
    now = sa.text("SELECT now(), pg_current_xact_id_if_assigned() IS NULL")
    pause = sa.text("SELECT pg_sleep(0.05)")
    async with world.db.connection() as connection:
        first = (await connection.execute(now)).one()
        await connection.execute(pause)
        second = (await connection.execute(now)).one()
    # inside one transaction, now() would stay at the transaction's start
    assert (second[0] - first[0]).total_seconds() >= 0.05
    assert first[1] and second[1]
    async with world.db.reading() as session:
        before = (await session.execute(now)).one()[0]
        await session.execute(pause)
        assert ((await session.execute(now)).one()[0] - before).total_seconds() >= 0.05
