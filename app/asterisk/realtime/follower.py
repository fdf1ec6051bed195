"""Keeping a realtime database that is not the product's in step with an engine's updates.

The follower reads the engine's recorded Sorcery updates after its checkpoint,
applies them in sequence order and advances the checkpoint in the same
realtime transaction as the rows. A crash at any point leaves either both or
neither, so every update is applied at least once; applying one again is
harmless because each update carries its object's full state.

When the record no longer holds what the checkpoint needs (retention pruned
it, or the checkpoint is ahead of the engine, e.g. after the product's
database was restored), the follower resynchronises: it rewrites the tables
from the engine's recorded objects and moves the checkpoint to the sequence
number read *before* those objects. Updates between that number and the
objects' state are applied again afterwards, which converges on the same rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.asterisk.realtime.apply import ApplyReport, apply_updates, replace_all
from app.asterisk.realtime.schema import OBJECT_TYPES
from app.db.database import Database
from app.db.models import SorceryObjectRow, utcnow
from app.db.session import create_engine
from app.domain.sections import to_options
from app.domain.sorcery import SorceryObject
from app.events.records import EngineHead, engine_heads, read_updates

log = logging.getLogger(__name__)

CHECKPOINTS = sa.MetaData()
# One row per engine followed into this realtime database. The key is the engine's
# uuid, not its name: a recreated product database numbers from 1 again under a
# new uuid, and must not be mistaken for the engine the checkpoint belongs to.
checkpoint_t = sa.Table(
    "pjsip_graph_realtime_checkpoint",
    CHECKPOINTS,
    sa.Column("engine", sa.String(64), primary_key=True),
    sa.Column("engine_name", sa.String(79), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

object_t = SorceryObjectRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class _Step:
    report: ApplyReport
    caught_up: bool


class RealtimeFollower:
    """Applies one engine's recorded updates to a separate realtime database.

    ``run_once()`` applies everything pending and returns; ``run(stop)`` polls
    until ``stop`` is set, backing off exponentially while something fails.
    Run one follower per engine and realtime database (a second one waits on
    the checkpoint row's lock on PostgreSQL; SQLite serialises writers anyway).
    """

    def __init__(
        self,
        db: Database,
        realtime: str | AsyncEngine,
        *,
        engine: str = "default",
        types: Collection[str] = OBJECT_TYPES,
        page_size: int = 500,
        poll_interval: float = 1.0,
        max_backoff: float = 30.0,
    ) -> None:
        unknown = set(types) - set(OBJECT_TYPES)
        if unknown:
            raise ValueError(f"no realtime table for {sorted(unknown)}; choose among {', '.join(OBJECT_TYPES)}")
        self.db = db
        self._owns_engine = isinstance(realtime, str)
        self.realtime: AsyncEngine = create_engine(realtime) if isinstance(realtime, str) else realtime
        self.engine_name = engine
        self.types = tuple(t for t in OBJECT_TYPES if t in types)
        self.page_size = page_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self._ready = False

    async def run_once(self) -> ApplyReport:
        """Apply every update recorded so far (page by page, one transaction each)."""
        await self._prepare()
        total = ApplyReport()
        while True:
            step = await self._step()
            total.merge(step.report)
            if step.caught_up:
                return total

    async def run(self, stop: asyncio.Event) -> None:
        """Follow until ``stop`` is set: poll every ``poll_interval``, back off on failures."""
        failures = 0
        while not stop.is_set():
            try:
                report = await self.run_once()
            except Exception:
                failures += 1
                delay = min(self.poll_interval * 2**failures, self.max_backoff)
                log.exception("realtime follower of engine '%s' failed; retrying in %.1fs", self.engine_name, delay)
            else:
                if failures:
                    log.info("realtime follower of engine '%s' recovered", self.engine_name)
                failures, delay = 0, self.poll_interval
                if report.updates:
                    log.info("realtime follower of engine '%s': %s", self.engine_name, report.summary())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)

    async def checkpoint(self) -> int:
        """The last sequence number applied (0 before the first run)."""
        await self._prepare()
        head = await self._head()
        async with self.realtime.connect() as conn:
            seq = await conn.scalar(sa.select(checkpoint_t.c.seq).where(checkpoint_t.c.engine == str(head.uuid)))
        return int(seq or 0)

    async def resync(self) -> ApplyReport:
        """Rewrite the tables from the engine's recorded objects now, whatever the checkpoint says."""
        await self._prepare()
        head = await self._head()
        async with self.realtime.begin() as conn:
            await self._lock_checkpoint(conn, head)
            return await self._resync(conn, head, "requested")

    async def close(self) -> None:
        if self._owns_engine:
            await self.realtime.dispose()

    async def _prepare(self) -> None:
        if not self._ready:
            async with self.realtime.begin() as conn:
                await conn.run_sync(CHECKPOINTS.create_all, checkfirst=True)
            self._ready = True

    async def _head(self) -> EngineHead:
        for head in (await engine_heads(self.db)).values():
            if head.name == self.engine_name:
                return head
        raise LookupError(f"engine '{self.engine_name}' not found in the product database")

    async def _step(self) -> _Step:
        """One page in one realtime transaction: checkpoint locked, rows written, checkpoint moved."""
        head = await self._head()  # read before anything else: see the module docstring
        async with self.realtime.begin() as conn:
            seq = await self._lock_checkpoint(conn, head)
            updates = await read_updates(self.db, head.uuid, seq, self.page_size) if seq <= head.last_seq else []
            reason = _gap(seq, head, [u.seq for u in updates if u.seq is not None])
            if reason is not None:
                return _Step(await self._resync(conn, head, reason), caught_up=False)
            if not updates:
                return _Step(ApplyReport(), caught_up=True)
            report = await apply_updates(conn, updates, types=self.types)
            await self._save(conn, head, updates[-1].seq or seq)
            return _Step(report, caught_up=len(updates) < self.page_size)

    async def _lock_checkpoint(self, conn: AsyncConnection, head: EngineHead) -> int:
        """This engine's checkpoint, created at 0 if missing, locked until the transaction ends."""
        query = sa.select(checkpoint_t.c.seq).where(checkpoint_t.c.engine == str(head.uuid)).with_for_update()
        seq = await conn.scalar(query)
        if seq is None:
            values = {"engine": str(head.uuid), "engine_name": head.name, "seq": 0, "updated_at": utcnow()}
            await conn.execute(_insert_if_missing(conn, values))
            seq = await conn.scalar(query)
        return int(seq or 0)

    async def _save(self, conn: AsyncConnection, head: EngineHead, seq: int) -> None:
        await conn.execute(
            sa.update(checkpoint_t)
            .where(checkpoint_t.c.engine == str(head.uuid))
            .values(seq=seq, engine_name=head.name, updated_at=utcnow())
        )

    async def _resync(self, conn: AsyncConnection, head: EngineHead, reason: str) -> ApplyReport:
        log.warning("realtime follower of engine '%s': resynchronising (%s)", head.name, reason)
        objects = await _recorded_objects(self.db, head.uuid, self.types)
        report = await replace_all(conn, objects, types=self.types)
        report.last_seq = head.last_seq
        await self._save(conn, head, head.last_seq)
        return report


def _gap(seq: int, head: EngineHead, found: list[int]) -> str | None:
    """Why the record cannot continue from ``seq``, or None when it can."""
    if seq > head.last_seq:
        return f"checkpoint {seq} is ahead of the engine's last update {head.last_seq}"
    if found and found[0] != seq + 1:
        return f"updates {seq + 1}..{found[0] - 1} are no longer retained"
    if not found and seq < head.last_seq:
        return f"updates {seq + 1}..{head.last_seq} are no longer retained"
    return None


def _insert_if_missing(conn: AsyncConnection, values: dict[str, object]) -> sa.Executable:
    """An insert that yields to a concurrent one (two followers starting together)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(checkpoint_t).values(values).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(checkpoint_t).values(values).on_conflict_do_nothing()
    return sa.insert(checkpoint_t).values(values)


async def _recorded_objects(db: Database, engine_uuid: UUID, types: Collection[str]) -> list[SorceryObject]:
    """The engine's last recorded object states of these types."""
    async with db.reading() as session:
        rows = await session.execute(
            sa.select(object_t.c.object_type, object_t.c.object_id, object_t.c.fields).where(
                object_t.c.engine_uuid == engine_uuid, object_t.c.object_type.in_(list(types))
            )
        )
        return [SorceryObject(r.object_type, r.object_id, to_options(r.fields)) for r in rows.all()]
