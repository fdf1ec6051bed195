"""Writes of thousands of rows in a few statements.

A template change of a large tenant records thousands of Sorcery updates and
object states in one transaction. On PostgreSQL each column travels as one
array and ``unnest`` turns the arrays back into rows: one statement and one
round trip per `STATEMENT_ROWS` rows, binary-encoded by asyncpg, with no
per-row work in SQLAlchemy. SQLite's executemany already loops in C inside the
driver, so there the rows go through SQLAlchemy's executemany.

Thousands of rows are turned into columns in a worker thread
(`app/switch_interval.off_loop`), and the parts of at most `STATEMENT_ROWS` rows
keep asyncpg's encoding of each statement short: the event loop goes on serving
other requests meanwhile. The Sorcery updates a big change inserts while it holds
the engine row go by one binary ``COPY`` instead (`copy_columns`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.types import JSONDoc, JSONText
from app.switch_interval import many_rows, off_loop

Row = Mapping[str, Any]
_JSON_TYPES = (JSONDoc, JSONText)
# Rows per statement on PostgreSQL. asyncpg encodes a statement's arrays on the event loop
# thread in one go (~30 ms for 9,000 Sorcery updates, during which no other request is
# served); in parts of this size each stall stays a few milliseconds, for a round trip more
# per part.
STATEMENT_ROWS = 2000


@dataclass(frozen=True, slots=True)
class RawJSON:
    """A JSON column's value already serialised (compact orjson), written as it is."""

    text: str


def stored_json(value: Any) -> str:
    """The text the application stores for a JSON value (what JSONText columns compare)."""
    return orjson.dumps(value).decode()


def json_text(value: Any) -> RawJSON:
    return RawJSON(stored_json(value))


def _as_json_text(value: Any) -> str:
    return value.text if isinstance(value, RawJSON) else stored_json(value)


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


@dataclass(slots=True)
class Columns:
    """Rows as one list of values per column, JSON values already as their text (see `columns_of`)."""

    table: sa.Table
    names: list[str]
    values: list[list[Any]]

    def __len__(self) -> int:
        return len(self.values[0]) if self.values else 0

    def set(self, name: str, values: list[Any]) -> None:
        """Replace one column's values (as many as there are rows)."""
        self.values[self.names.index(name)] = values

    def without(self, name: str) -> Columns:
        """The same rows without one column."""
        kept = [i for i, n in enumerate(self.names) if n != name]
        return Columns(self.table, [self.names[i] for i in kept], [self.values[i] for i in kept])


def columns_of(table: sa.Table, rows: Sequence[Row]) -> Columns:
    """``rows`` (dicts with the same keys) as columns; pure Python, so it can run in a worker thread."""
    names = list(rows[0]) if rows else []
    values: list[list[Any]] = []
    for name in names:
        if isinstance(table.c[name].type, _JSON_TYPES):
            values.append([_as_json_text(row[name]) for row in rows])
        else:
            values.append([row[name] for row in rows])
    return Columns(table, names, values)


def _pg_source(columns: Columns, *, first: int = 1, ordinality: bool = False) -> tuple[str, str]:
    """(casted select list, unnest(...) source) for the columns sent as one array each, from ``$first``;
    with ``ordinality``, the source also gives each row's position from 1 as ``v.ord``."""
    selects: list[str] = []
    sources: list[str] = []
    for n, name in enumerate(columns.names, start=first):
        column = columns.table.c[name]
        if isinstance(column.type, _JSON_TYPES):
            selects.append(f"v.c{n}::{'json' if isinstance(column.type, JSONText) else 'jsonb'}")
        else:
            selects.append(f"v.c{n}")
        sources.append(f"${n}::{_pg_type(column)}[]")
    aliases = ", ".join([f"c{n}" for n in range(first, first + len(columns.names))] + (["ord"] if ordinality else []))
    ordered = " WITH ORDINALITY" if ordinality else ""
    return ", ".join(selects), f"unnest({', '.join(sources)}){ordered} AS v({aliases})"


def _pg_insert(columns: Columns, on_conflict: Sequence[str], update: Sequence[str], *, first: int = 1) -> str:
    """``INSERT ... SELECT FROM unnest(...)`` of the columns, parameters numbered from ``$first``."""
    selects, source = _pg_source(columns, first=first)
    statement = f"INSERT INTO {columns.table.name} ({', '.join(columns.names)}) SELECT {selects} FROM {source}"
    if on_conflict:
        assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in update)
        statement += f" ON CONFLICT ({', '.join(on_conflict)}) DO UPDATE SET {assignments}"
    return statement


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
    # Thousands of rows are turned into columns in a worker thread: the event loop serves others meanwhile.
    columns = await off_loop(many_rows(len(rows)), columns_of, table, rows)
    await insert_columns(session, columns, on_conflict=on_conflict, update=update)


async def insert_columns(
    session: AsyncSession, columns: Columns, *, on_conflict: Sequence[str] = (), update: Sequence[str] = ()
) -> None:
    """Insert rows given as `Columns`; with ``on_conflict``, update ``update`` columns instead."""
    if not len(columns):
        return
    table, names = columns.table, columns.names
    if is_postgresql(session):
        statement = _pg_insert(columns, on_conflict, update)
        connection = await session.connection()
        for part in _statement_parts(columns):
            await connection.exec_driver_sql(statement, part)
        return
    # SQLite: the driver's executemany, with each column's values converted
    # the way SQLAlchemy would (uuids, timestamps, booleans) in one pass per
    # column, instead of SQLAlchemy's per-row parameter processing.
    dialect = session.get_bind().dialect
    parameters = await off_loop(many_rows(len(columns)), _sqlite_parameters, columns, dialect)
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    if on_conflict:
        assignments = ", ".join(f"{c} = excluded.{c}" for c in update)
        statement += f" ON CONFLICT ({', '.join(on_conflict)}) DO UPDATE SET {assignments}"
    connection = await session.connection()
    await connection.exec_driver_sql(statement, parameters)


async def copy_columns(session: AsyncSession, columns: Columns) -> None:
    """Insert rows given as `Columns` by one binary ``COPY`` on PostgreSQL (`insert_columns` on SQLite).

    For the thousands of Sorcery updates a big change inserts while it holds the engine row
    (app/record/writing.py), where every millisecond is one that other writers wait: asyncpg
    encodes the rows while PostgreSQL inserts those already received, instead of each part of
    `insert_columns` being encoded whole, sent, then unpacked from its arrays. 9,000 updates:
    ~100 ms instead of ~150 ms, and a third of the client's CPU time. The ``id`` of each row
    comes from its default, in the rows' order, as with ``INSERT``.
    """
    if not len(columns):
        return
    if not is_postgresql(session):
        await insert_columns(session, columns)
        return
    connection = await session.connection()
    driver: Any = (await connection.get_raw_connection()).driver_connection  # asyncpg's, in this transaction
    rows = zip(*columns.values, strict=True)  # encoded as COPY sends them, not all beforehand
    await driver.copy_records_to_table(columns.table.name, columns=columns.names, records=rows)


@dataclass(frozen=True, slots=True)
class Numbered:
    """Rows to insert numbered after a counter: ``column`` gets the counter's next values, in order."""

    columns: Columns  # without ``column``
    column: str
    counter: str  # the counter's column in the counting row


@dataclass(frozen=True, slots=True)
class Upsert:
    columns: Columns
    on_conflict: Sequence[str]
    update: Sequence[str]


async def write_numbered(
    session: AsyncSession,
    counting: sa.Table,
    key: Any,
    numbered: Sequence[Numbered],
    *,
    upserts: Sequence[Upsert] = (),
    deletes: Sequence[Columns] = (),
    notify: tuple[str, str] | None = None,
) -> dict[str, int]:
    """PostgreSQL, one statement: add each part's row count to its counter in the row of
    ``counting`` whose uuid is ``key`` (which locks that row until commit), insert each part's
    rows numbered after its counter's previous value, write ``upserts`` and ``deletes``, and
    send ``notify`` (channel, payload; delivered at commit). Returns the counters' new values.

    The writes are data-modifying CTEs of one statement: PostgreSQL runs them all in one
    snapshot, and none reads another's rows. For a few rows (one small mutation); thousands
    go through `insert_columns` in parts.
    """
    parameters: list[Any] = []

    def parameter(value: Any, cast: str) -> str:
        parameters.append(value)
        return f"${len(parameters)}::{cast}"

    counts = {part.counter: parameter(len(part.columns), "bigint") for part in numbered}
    counters = ", ".join(counts)
    sets = ", ".join(f"{counter} = {counter} + {count}" for counter, count in counts.items())
    ctes = [
        f"numbers AS (UPDATE {counting.name} SET {sets} WHERE uuid = {parameter(key, 'uuid')} RETURNING {counters})"
    ]
    for upsert in (u for u in upserts if len(u.columns)):
        ctes.append(_pg_insert(upsert.columns, upsert.on_conflict, upsert.update, first=len(parameters) + 1))
        parameters += upsert.columns.values
    for keys in (d for d in deletes if len(d)):
        _, source = _pg_source(keys, first=len(parameters) + 1)
        matches = " AND ".join(f"t.{name} = v.c{n}" for n, name in enumerate(keys.names, start=len(parameters) + 1))
        ctes.append(f"DELETE FROM {keys.table.name} AS t USING {source} WHERE {matches}")
        parameters += keys.values
    for part in (n for n in numbered if len(n.columns)):
        selects, source = _pg_source(part.columns, first=len(parameters) + 1, ordinality=True)
        names = ", ".join([*part.columns.names, part.column])
        number = f"numbers.{part.counter} - {counts[part.counter]} + v.ord"
        ctes.append(
            f"INSERT INTO {part.columns.table.name} ({names}) SELECT {selects}, {number} FROM {source}, numbers"
        )
        parameters += part.columns.values
    notified = f", pg_notify({parameter(notify[0], 'text')}, {parameter(notify[1], 'text')})" if notify else ""
    written = ", ".join(f"written_{n} AS ({cte})" for n, cte in enumerate(ctes[1:]))
    statement = f"WITH {ctes[0]}{', ' + written if written else ''} SELECT {counters}{notified} FROM numbers"
    connection = await session.connection()
    row = (await connection.exec_driver_sql(statement, tuple(parameters))).one()
    return {counter: int(row[i]) for i, counter in enumerate(counts)}


def _statement_parts(columns: Columns) -> Iterator[tuple[list[Any], ...]]:
    """The columns' arrays, at most `STATEMENT_ROWS` rows at a time."""
    if len(columns) <= STATEMENT_ROWS:
        yield tuple(columns.values)
        return
    for start in range(0, len(columns), STATEMENT_ROWS):
        yield tuple(values[start : start + STATEMENT_ROWS] for values in columns.values)


def _sqlite_parameters(columns: Columns, dialect: Any) -> list[tuple[Any, ...]]:
    table = columns.table
    converted = [_sqlite_values(table.c[n], v, dialect) for n, v in zip(columns.names, columns.values, strict=True)]
    return list(zip(*converted, strict=True))


def _sqlite_values(column: sa.Column[Any], values: list[Any], dialect: Any) -> list[Any]:
    if isinstance(column.type, _JSON_TYPES):
        return values  # already the JSON text (`columns_of`)
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
        columns = await off_loop(many_rows(len(keys)), columns_of, table, keys)
        _, source = _pg_source(columns)
        matches = " AND ".join(f"t.{name} = v.c{n}" for n, name in enumerate(names, start=1))
        statement = f"DELETE FROM {table.name} AS t USING {source} WHERE {matches}"
        connection = await session.connection()
        for part in _statement_parts(columns):
            await connection.exec_driver_sql(statement, part)
        return
    condition = sa.and_(*(table.c[name] == sa.bindparam(f"k_{name}") for name in names))
    await session.execute(sa.delete(table).where(condition), [{f"k_{k}": v for k, v in key.items()} for key in keys])


def in_values(column: sa.Column[Any], values: Sequence[Any], dialect: str) -> sa.ColumnElement[bool]:
    """``column IN values`` as one array parameter on PostgreSQL (constant SQL, any length)."""
    if dialect == "postgresql":
        return equals_any(column, sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    return column.in_(list(values))


def equals_any(column: sa.Column[Any], array: str | sa.BindParameter[Any]) -> sa.ColumnElement[bool]:
    """PostgreSQL's ``column = ANY(array)``; ``array`` a bound parameter or the name of one (an
    array of the column's type), for statements built once and run with any number of values."""
    if isinstance(array, str):
        array = sa.bindparam(array, type_=postgresql.ARRAY(column.type))
    return column.op("=")(sa.any_(array))


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
