"""The engine row every recording transaction goes through: its lock, and the resolution epoch."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.db.bulk import in_values
from app.db.models import Engine, SipConfig
from app.db.queries import chunks
from app.errors import NotFound

config_t = SipConfig.__table__  # type: ignore[attr-defined]


async def lock_engine(session: AsyncSession, engine_uuid: UUID) -> Engine:
    """Lock the engine row for the rest of the transaction.

    Every mutation that can record updates takes this lock first, so writers
    of one engine run one after the other: sequence numbers are handed out
    without gaps and become visible in order, and `expectedRevision` checks
    cannot race.
    """
    engine = (await session.scalars(select(Engine).where(Engine.uuid == engine_uuid).with_for_update())).first()
    if engine is None:
        raise NotFound("engine not found")
    return engine


async def lock_engine_by_name(session: AsyncSession, name: str) -> Engine:
    engine_uuid = (await session.scalars(select(Engine.uuid).where(Engine.name == name))).first()
    if engine_uuid is None:
        raise NotFound(f"engine '{name}' not found")
    return await lock_engine(session, engine_uuid)


async def bump_resolution(session: AsyncSession, engine: Engine, uuids: Collection[UUID]) -> int:
    """Give these configurations' resolved views a new version; return it.

    The version is the engine's next resolution epoch: monotonic per engine,
    so a cache keyed by (uuid, version) can never serve an older view.
    """
    engine.resolution_epoch += 1
    await session.flush()
    dialect = session.get_bind().dialect.name
    for part in [sorted(uuids)] if dialect == "postgresql" else chunks(sorted(uuids)):
        await session.execute(
            sa.update(config_t)
            .where(in_values(config_t.c.uuid, part, dialect))
            .values(resolved_version=engine.resolution_epoch)
        )
    return engine.resolution_epoch
