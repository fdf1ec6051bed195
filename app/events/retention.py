"""Retention of the record: Sorcery updates and change events are kept for a
number of days and up to a number per engine; older ones are pruned, and the
engine remembers up to where, so a subscriber asking for less gets a clear
"resynchronise" answer instead of a silent gap."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

import sqlalchemy as sa

from app.db.database import Database
from app.db.models import ConfigEventRow, Engine, SorceryUpdateRow, utcnow

log = logging.getLogger(__name__)

update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]
event_t = ConfigEventRow.__table__  # type: ignore[attr-defined]
engine_t = Engine.__table__  # type: ignore[attr-defined]


async def prune(db: Database, *, days: float, max_records: int) -> dict[str, int]:
    """Delete what retention no longer covers; return how many rows went, per stream."""
    cutoff_time = utcnow() - timedelta(days=days)
    removed = {"updates": 0, "changes": 0}
    async with db.writing() as session:
        engines = (
            await session.execute(sa.select(engine_t.c.uuid, engine_t.c.last_seq, engine_t.c.last_event_seq))
        ).all()
        for engine_uuid, last_seq, last_event_seq in engines:
            for stream, table, last, mark in (
                ("updates", update_t, last_seq, engine_t.c.pruned_update_seq),
                ("changes", event_t, last_event_seq, engine_t.c.pruned_event_seq),
            ):
                by_age = (
                    await session.execute(
                        sa.select(sa.func.max(table.c.seq)).where(
                            table.c.engine_uuid == engine_uuid, table.c.created_at < cutoff_time
                        )
                    )
                ).scalar_one_or_none() or 0
                cutoff = max(by_age, last - max_records)
                if cutoff <= 0:
                    continue
                result = await session.execute(
                    sa.delete(table).where(table.c.engine_uuid == engine_uuid, table.c.seq <= cutoff)
                )
                removed[stream] += int(getattr(result, "rowcount", 0) or 0)
                await session.execute(
                    sa.update(engine_t).where(engine_t.c.uuid == engine_uuid, mark < cutoff).values({mark.name: cutoff})
                )
    return removed


class Pruner:
    """Runs `prune` now and then; every replica may run one, pruning is idempotent."""

    def __init__(self, db: Database, *, days: float, max_records: int, interval: float = 300.0) -> None:
        self.db = db
        self.days = days
        self.max_records = max_records
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                removed = await prune(self.db, days=self.days, max_records=self.max_records)
                if any(removed.values()):
                    log.info("retention pruned %s", removed)
            except Exception:
                log.exception("retention pruning failed")
            await asyncio.sleep(self.interval)
