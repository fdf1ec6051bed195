"""Writes of thousands of rows in a few statements.

A template change of a large tenant records thousands of Sorcery updates and
object states in one transaction. On PostgreSQL each column travels as one
array and ``unnest`` turns the arrays back into rows: one statement and one
round trip however many rows, binary-encoded by asyncpg, with no per-row work
in SQLAlchemy. SQLite's executemany already loops in C inside the driver, so
there the rows go through SQLAlchemy's executemany.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.types import JSONDoc, JSONText

Row = Mapping[str, Any]
_JSON_TYPES = (JSONDoc, JSONText)


@dataclass(frozen=True, slots=True)
class RawJSON:
    """A JSON column's value already serialised (compact orjson), written as it is."""

    text: str


def json_text(value: Any) -> RawJSON:
    """The text the application stores for a JSON value (what JSONText columns compare)."""
    return RawJSON(orjson.dumps(value).decode())


def _as_json_text(value: Any) -> str:
    return value.text if isinstance(value, RawJSON) else orjson.dumps(value).decode()


def is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _pg_type(column: sa.Column[Any]) -> str:
    """The PostgreSQL array element type a column's values are sent as."""
    type_ = column.type
    if isinstance(type_, _JSON_TYPES):
        return "text"  # sent as JSON text, cast in the statement
    if isinstance(type_, sa.TypeDecorator):
        type_ = type_.impl_instance  # e.g. SQLModel's AutoString is a String
    if isinstance(type_, sa.Uuid):
        return "uuid"
    if isinstance(type_, sa.Boolean):
        return "bool"
    if isinstance(type_, sa.DateTime):
        return "timestamptz" if type_.timezone else "timestamp"
    if isinstance(type_, sa.Integer):
        return "bigint"
    if isinstance(type_, sa.String):
        return "text"
    raise TypeError(f"no bulk mapping for column {column.name} of type {type_!r}")


def _pg_arrays(
    table: sa.Table, names: Sequence[str], rows: Sequence[Row], *, first: int = 1
) -> tuple[str, str, list[list[Any]]]:
    """(casted select list, unnest(...) source, one list of values per column); parameters from ``$first``."""
    arrays: list[list[Any]] = []
    selects: list[str] = []
    sources: list[str] = []
    for n, name in enumerate(names, start=first):
        column = table.c[name]
        if isinstance(column.type, _JSON_TYPES):
            arrays.append([_as_json_text(row[name]) for row in rows])
            selects.append(f"v.c{n}::{'json' if isinstance(column.type, JSONText) else 'jsonb'}")
        else:
            arrays.append([row[name] for row in rows])
            selects.append(f"v.c{n}")
        sources.append(f"${n}::{_pg_type(column)}[]")
    aliases = ", ".join(f"c{n}" for n in range(first, first + len(names)))
    return ", ".join(selects), f"unnest({', '.join(sources)}) AS v({aliases})", arrays


def _pg_insert(
    table: sa.Table, rows: Sequence[Row], on_conflict: Sequence[str], update: Sequence[str], *, first: int = 1
) -> tuple[str, list[list[Any]]]:
    """An ``INSERT ... SELECT FROM unnest(...)`` of ``rows``, its parameters numbered from ``$first``."""
    names = list(rows[0])
    selects, source, arrays = _pg_arrays(table, names, rows, first=first)
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {selects} FROM {source}"
    if on_conflict:
        assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in update)
        statement += f" ON CONFLICT ({', '.join(on_conflict)}) DO UPDATE SET {assignments}"
    return statement, arrays


async def insert_rows(
    session: AsyncSession,
    table: sa.Table,
    rows: Sequence[Row],
    *,
    on_conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (dicts with the same keys); with ``on_conflict``, update ``update`` columns instead."""
    if not rows:
        return
    if is_postgresql(session):
        statement, arrays = _pg_insert(table, rows, on_conflict, update)
        connection = await session.connection()
        await connection.exec_driver_sql(statement, tuple(arrays))
        return
    names = list(rows[0])
    # SQLite: the driver's executemany, with each column's values converted
    # the way SQLAlchemy would (uuids, timestamps, booleans) in one pass per
    # column, instead of SQLAlchemy's per-row parameter processing.
    dialect = session.get_bind().dialect
    columns = [_sqlite_values(table.c[n], [row[n] for row in rows], dialect) for n in names]
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    if on_conflict:
        assignments = ", ".join(f"{c} = excluded.{c}" for c in update)
        statement += f" ON CONFLICT ({', '.join(on_conflict)}) DO UPDATE SET {assignments}"
    connection = await session.connection()
    await connection.exec_driver_sql(statement, list(zip(*columns, strict=True)))


async def insert_into_tables(session: AsyncSession, parts: Sequence[tuple[sa.Table, Sequence[Row]]]) -> None:
    """Insert rows into several tables; on PostgreSQL in one statement (one round trip).

    The inserts but the last become data-modifying CTEs of the last one: PostgreSQL runs
    them all, in one snapshot, whatever the order (none of them reads another's rows).
    """
    parts = [(table, rows) for table, rows in parts if rows]
    if not is_postgresql(session):
        for table, rows in parts:
            await insert_rows(session, table, rows)
        return
    if not parts:
        return
    statements: list[str] = []
    arrays: list[list[Any]] = []
    for table, rows in parts:
        statement, values = _pg_insert(table, rows, (), (), first=len(arrays) + 1)
        statements.append(statement)
        arrays += values
    ctes = ", ".join(f"inserted_{n} AS ({statement})" for n, statement in enumerate(statements[:-1]))
    connection = await session.connection()
    await connection.exec_driver_sql(f"WITH {ctes} {statements[-1]}" if ctes else statements[-1], tuple(arrays))


def _sqlite_values(column: sa.Column[Any], values: list[Any], dialect: Any) -> list[Any]:
    if isinstance(column.type, _JSON_TYPES):
        return [_as_json_text(v) for v in values]  # JSON is stored as its text
    process = column.type.bind_processor(dialect)
    if process is None:
        return values
    return [None if v is None else process(v) for v in values]


async def delete_rows(session: AsyncSession, table: sa.Table, keys: Sequence[Row]) -> None:
    """Delete the rows whose columns equal each key (dicts with the same keys)."""
    if not keys:
        return
    names = list(keys[0])
    if is_postgresql(session):
        _, source, arrays = _pg_arrays(table, names, keys)
        matches = " AND ".join(f"t.{name} = v.c{n}" for n, name in enumerate(names, start=1))
        statement = f"DELETE FROM {table.name} AS t USING {source} WHERE {matches}"
        connection = await session.connection()
        await connection.exec_driver_sql(statement, tuple(arrays))
        return
    condition = sa.and_(*(table.c[name] == sa.bindparam(f"k_{name}") for name in names))
    await session.execute(sa.delete(table).where(condition), [{f"k_{k}": v for k, v in key.items()} for key in keys])


def in_values(column: sa.Column[Any], values: Sequence[Any], dialect: str) -> sa.ColumnElement[bool]:
    """``column IN values`` as one array parameter on PostgreSQL (constant SQL, any length)."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    return column.in_(list(values))


# Thousands of rows written at once (an import, generated data): the planner's
# statistics still describe the empty tables until autovacuum catches up, and
# PostgreSQL then sorts a whole tenant to show one page of it (23 ms instead of
# 0.3 ms for 10,000 endpoints). Refreshing them right away costs tens of ms.
BULK_ROWS = 1000
CONFIG_TABLES = ("sip_config", "config_parent", "sorcery_object", "sorcery_update")


async def refresh_statistics(session: AsyncSession, tables: Sequence[str] = CONFIG_TABLES) -> None:
    """ANALYZE the tables a bulk write filled (inside the caller's transaction)."""
    for table in tables:
        await session.execute(sa.text(f"ANALYZE {table}"))
