"""A big change's updates, written part by part and numbered at the end.

Numbering claims the engine row until commit (app/record/engine_row.py), so a change numbers
its updates last, once it knows them all. Keeping them all in memory until then would hold
300,000 updates for a 100,000-endpoint import. A change that makes more than `KEPT_UPDATES`
writes them instead into a temporary table of its transaction, a part at a time, while it
computes. Once every part is written, one statement sorts them into the order `order_updates`
gives the whole change (`update_rank`, then object id and type, compared by code point as
Python compares them); with the engine row claimed, one more copies them into the record with
their numbers. The table goes with the transaction, committed or not.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import SchemaItem

from app.db.bulk import Columns, copy_columns, is_postgresql
from app.db.models import Engine, SorceryUpdateRow, utcnow
from app.domain.diff import update_rank
from app.record.updates import RecordedUpdate, StoredUpdates

update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]
# Kept in memory up to this many updates (~1.3 kB each with their rows: ~4 kB was measured per
# endpoint's three); beyond, written as they come. Changes up to it (a template of a
# 100,000-endpoint tenant: 90,000 updates) number their updates straight from memory and answer
# with them; past it (a 100,000-endpoint import: 300,000) memory stays bounded, and an answer
# that asks for the updates reads them back (~3 s for 90,000).
KEPT_UPDATES = 100_000
# The record's columns a pending update carries: all but the row id and the number.
PENDING_COLUMNS = tuple(c.name for c in update_t.columns if c.name not in ("id", "seq"))
_names = itertools.count(1)


def rank_column(updates: Sequence[RecordedUpdate]) -> list[int]:
    """Each update's `update_rank`, the first key of the order the updates are numbered in."""
    return [update_rank(u.action, u.object_type) for u in updates]


class PendingUpdates:
    """The updates of one change written so far, in a temporary table of its transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # updates handed over so far (counted when given, before they are written in the lane)
        self.count = 0
        self.now = utcnow()  # every update of the change is recorded at one time, as when kept
        self._written: sa.Table | None = None  # created with the first rows (most changes have none)
        self._sorted = ""

    async def add(self, rows: Columns) -> None:
        """Write update rows made by `app/record/writing.py` (all columns but ``seq``, and ``rank``)."""
        if not len(rows):
            return
        if self._written is None:
            number = next(_names)
            self._written = _temporary(f"pending_update_{number}", self.session)
            self._sorted = f"sorted_update_{number}"
            connection = await self.session.connection()
            await connection.run_sync(self._written.create)
        await copy_columns(self.session, Columns(self._written, rows.names, rows.values))

    async def sort(self) -> None:
        """Put them in their order, before the engine row is claimed: sorting 300,000 updates
        takes seconds that other writers of the engine would otherwise wait for."""
        if self._written is None:
            return
        collate = ' COLLATE "C"' if is_postgresql(self.session) else ""  # SQLite compares bytes already
        order = f"rank, object_id{collate}, object_type{collate}"
        columns = ", ".join(PENDING_COLUMNS)
        on_commit = " ON COMMIT DROP" if is_postgresql(self.session) else ""
        await self._run(
            f"CREATE TEMPORARY TABLE {self._sorted}{on_commit} AS "
            f"SELECT row_number() OVER (ORDER BY {order}) AS ord, {columns} FROM {self._written.name}"
        )
        await self._run(f"DROP TABLE {self._written.name}")

    async def number(self, engine: Engine, first_seq: int) -> StoredUpdates | None:
        """Copy them into the record numbered from ``first_seq`` (the engine row claimed by the
        caller for `count` numbers); what the change's answer reads them back by."""
        if self._written is None:
            return None
        columns = ", ".join(PENDING_COLUMNS)
        await self._run(
            f"INSERT INTO {update_t.name} (seq, {columns}) "
            # no ORDER BY: the numbers come from ``ord``, and nothing orders the record by row id
            f"SELECT ord + {int(first_seq) - 1}, {columns} FROM {self._sorted}"
        )
        if not is_postgresql(self.session):  # PostgreSQL drops it at commit, once the engine row is let go
            await self._run(f"DROP TABLE {self._sorted}")
        return StoredUpdates(engine.uuid, engine.name, first_seq, self.count)

    async def _run(self, statement: str) -> None:
        connection = await self.session.connection()
        await connection.exec_driver_sql(statement)


def _temporary(name: str, session: AsyncSession) -> sa.Table:
    """The pending rows' table: the record's columns but the row id and number, and ``rank``."""
    columns: list[SchemaItem] = [sa.Column(c.name, c.type) for c in update_t.columns if c.name in PENDING_COLUMNS]
    columns.append(sa.Column("rank", sa.SmallInteger))
    kwargs: dict[str, Any] = {"postgresql_on_commit": "DROP"} if is_postgresql(session) else {}
    return sa.Table(name, sa.MetaData(), *columns, prefixes=["TEMPORARY"], **kwargs)
