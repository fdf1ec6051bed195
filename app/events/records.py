"""Reading the two recorded streams of an engine: Sorcery updates and change events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from app.db.database import Database
from app.db.models import ConfigEventRow, Engine, SorceryUpdateRow, aware
from app.record.reading import update_record
from app.record.updates import RecordedUpdate

UPDATES = "updates"
CHANGES = "changes"

update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]
event_t = ConfigEventRow.__table__  # type: ignore[attr-defined]
engine_t = Engine.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    seq: int
    action: str
    kind: str
    uuid: UUID
    tenant_uuid: UUID | None
    tenant_path: tuple[UUID, ...]
    revision: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class EngineHead:
    uuid: UUID
    name: str
    last_seq: int
    last_event_seq: int
    pruned_update_seq: int
    pruned_event_seq: int

    def head(self, stream: str) -> int:
        return self.last_seq if stream == UPDATES else self.last_event_seq

    def pruned(self, stream: str) -> int:
        return self.pruned_update_seq if stream == UPDATES else self.pruned_event_seq


Reader = Callable[[Database, UUID, int, int], Awaitable[Sequence[Any]]]


async def engine_heads(db: Database) -> dict[UUID, EngineHead]:
    async with db.reading() as session:
        rows = (
            await session.execute(
                sa.select(
                    engine_t.c.uuid,
                    engine_t.c.name,
                    engine_t.c.last_seq,
                    engine_t.c.last_event_seq,
                    engine_t.c.pruned_update_seq,
                    engine_t.c.pruned_event_seq,
                )
            )
        ).all()
    return {r.uuid: EngineHead(*r) for r in rows}


async def read_updates(db: Database, engine_uuid: UUID, after: int, limit: int) -> list[RecordedUpdate]:
    async with db.reading() as session:
        name = (await session.execute(sa.select(engine_t.c.name).where(engine_t.c.uuid == engine_uuid))).scalar_one()
        rows = (
            await session.scalars(
                sa.select(SorceryUpdateRow)
                .where(update_t.c.engine_uuid == engine_uuid, update_t.c.seq > after)
                .order_by(update_t.c.seq)
                .limit(limit)
            )
        ).all()
    return [update_record(r, name) for r in rows]


async def read_changes(db: Database, engine_uuid: UUID, after: int, limit: int) -> list[ChangeEvent]:
    async with db.reading() as session:
        rows = (
            await session.execute(
                sa.select(event_t)
                .where(event_t.c.engine_uuid == engine_uuid, event_t.c.seq > after)
                .order_by(event_t.c.seq)
                .limit(limit)
            )
        ).all()
    return [
        ChangeEvent(
            seq=r.seq,
            action=r.action,
            kind=r.kind,
            uuid=r.uuid,
            tenant_uuid=r.tenant_uuid,
            tenant_path=tuple(UUID(t) for t in r.tenant_path),
            revision=r.revision,
            at=aware(r.created_at),
        )
        for r in rows
    ]


READERS: dict[str, Reader] = {UPDATES: read_updates, CHANGES: read_changes}
