"""Reads that run on nearly every request, sent through asyncpg itself on PostgreSQL.

Running a prebuilt statement through SQLAlchemy's async engine still costs
~0.17 ms of CPU per call on top of asyncpg's own work (the compiled-cache
lookup, the greenlet hop, the DBAPI adapter, result processing): as much as
the rest of a small query's resolution. The token check and the read of
configurations by uuid are made for every request, so on PostgreSQL they are
compiled once and run with asyncpg's `fetch` on the connection SQLAlchemy
checked out (its statement cache prepares them once per connection), when
that connection reads in autocommit mode (`Database.connection`): no
transaction of SQLAlchemy's can be bypassed. Everywhere else (SQLite, a
session, a transaction) the same statements run through SQLAlchemy.

Rows come back as mappings (asyncpg records, SQLAlchemy row mappings): read
them by column name. asyncpg's UUIDs are `uuid.UUID` subclasses, equal and
hashing like them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Rows = Sequence[Mapping[Any, Any]]


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

    async def rows(self, connection: AsyncConnection | AsyncSession, params: Mapping[str, Any]) -> Rows:
        if not bypasses_sqlalchemy(connection):
            return (await connection.execute(self.statement, dict(params))).mappings().all()
        assert isinstance(connection, AsyncConnection)
        sql, names = self._compiled or self._compile(connection.dialect)
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None  # a checked-out connection
        try:
            return await driver.fetch(sql, *[params[name] for name in names])  # type: ignore[no-any-return]
        except Exception as exc:
            if not driver.is_closed():
                raise
            # A lost connection: the pool must not hand it out again (SQLAlchemy did not see it
            # fail), and the caller learns it as it would from SQLAlchemy.
            await connection.invalidate()
            raise sa.exc.OperationalError(sql, None, exc, connection_invalidated=True) from exc

    def _compile(self, dialect: Dialect) -> tuple[str, tuple[str, ...]]:
        compiled = self._postgresql.compile(dialect=dialect)
        if compiled.positiontup is None:
            raise TypeError("a hot read needs positional parameters (the asyncpg dialect)")
        self._compiled = (str(compiled), tuple(compiled.positiontup))
        return self._compiled


def bypasses_sqlalchemy(connection: AsyncConnection | AsyncSession) -> bool:
    """Whether the connection is a PostgreSQL one reading in autocommit mode (no transaction to respect)."""
    if not isinstance(connection, AsyncConnection) or connection.dialect.name != "postgresql":
        return False
    sync = connection.sync_connection
    return sync is not None and sync.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
