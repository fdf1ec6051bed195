"""Reads that run on nearly every request, sent through asyncpg itself on PostgreSQL.

Running a prebuilt statement through SQLAlchemy's async engine still costs
~0.18 ms of CPU per call on top of asyncpg's own work (a Connection object
per checkout, its isolation level set and reset, the compiled-cache lookup,
the greenlet hops, the DBAPI adapter, result processing): as much as the
rest of a small query's resolution. The token check and the read of
configurations by uuid are made for every request, so on PostgreSQL they
take a connection straight from SQLAlchemy's pool (the same connections,
events and limits) and run a statement compiled once with asyncpg's `fetch`
(its statement cache prepares it once per connection). Nothing else uses
the connection meanwhile and no transaction is begun on it: each statement
reads its own snapshot, as autocommit reads do. A read cancelled midway
(a client gone) leaves asyncpg to cancel the statement before the
connection's next use (tests/services/test_hot_reads.py). On SQLite, or given a
session or connection, the same statements run through SQLAlchemy.

Rows come back as sequences (asyncpg records, SQLAlchemy rows): read them by
position, in the statement's column order. asyncpg's UUIDs are `uuid.UUID`
subclasses, equal and hashing like them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.util import greenlet_spawn

from app.db.database import Database

Rows = Sequence[Sequence[Any]]


class HotRead:
    """One read statement, with a PostgreSQL form that asyncpg runs directly.

    ``statement`` runs everywhere through SQLAlchemy; ``postgresql``, when given, is the
    same read written for PostgreSQL (``= ANY(:uuids)`` where the portable form needs an
    expanding ``IN``, which only SQLAlchemy can render per call).
    """

    def __init__(self, statement: sa.Select[Any], *, postgresql: sa.Select[Any] | None = None) -> None:
        self.statement = statement
        self._postgresql = postgresql if postgresql is not None else statement
        self._compiled: tuple[str, tuple[str, ...]] | None = None

    async def rows(self, source: Database | AsyncConnection | AsyncSession, params: Mapping[str, Any]) -> Rows:
        """The rows, read by asyncpg when ``source`` is a PostgreSQL database, else by SQLAlchemy."""
        if isinstance(source, Database):
            if bypasses_sqlalchemy(source):
                return await self._fetch(source, params)
            async with source.connection() as connection:
                return await self.rows(connection, params)
        return (await source.execute(self.statement, dict(params))).all()

    async def _fetch(self, db: Database, params: Mapping[str, Any]) -> Rows:
        engine = db.engine.sync_engine
        sql, names = self._compiled or self._compile(engine.dialect)
        pooled = await greenlet_spawn(engine.pool.connect)
        try:
            driver = pooled.driver_connection
            assert driver is not None  # a checked-out connection
            try:
                return await driver.fetch(sql, *[params[name] for name in names])  # type: ignore[no-any-return]
            except Exception as exc:
                if not driver.is_closed():
                    raise  # the statement's own error: the connection is fine
                # A lost connection: the pool must not hand it out again, and the caller
                # learns it as it would from SQLAlchemy.
                await greenlet_spawn(pooled.invalidate, exc)
                raise sa.exc.OperationalError(sql, None, exc, connection_invalidated=True) from exc
        finally:
            await greenlet_spawn(pooled.close)

    def _compile(self, dialect: Dialect) -> tuple[str, tuple[str, ...]]:
        compiled = self._postgresql.compile(dialect=dialect)
        if compiled.positiontup is None:
            raise TypeError("a hot read needs positional parameters (the asyncpg dialect)")
        self._compiled = (str(compiled), tuple(compiled.positiontup))
        return self._compiled


def bypasses_sqlalchemy(source: object) -> bool:
    """Whether `HotRead.rows` reads from ``source`` with asyncpg itself (a PostgreSQL database)."""
    return isinstance(source, Database) and source.engine.dialect.name == "postgresql"
