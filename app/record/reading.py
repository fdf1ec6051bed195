"""Reading the record back: stored update rows as RecordedUpdate values."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import SorceryUpdateRow, aware
from app.domain.diff import SHAPE_FIELDS, Action
from app.domain.sections import to_options
from app.record.updates import ChangeSummary, RecordedUpdate

update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]


def update_record(row: Any, engine_name: str) -> RecordedUpdate:
    """A stored update (a `SorceryUpdateRow` or a row of its table's columns) as recorded."""
    stored = {name: getattr(row, name) for name in SHAPE_FIELDS}
    return RecordedUpdate(
        **{
            **stored,
            "action": Action(row.action),
            "fields": to_options(row.fields),
            "changed_keys": tuple(row.changed_keys),
        },
        seq=row.seq,
        engine=engine_name,
        tenant_uuid=row.tenant_uuid,
        endpoint_uuid=row.endpoint_uuid,
        created_at=aware(row.created_at),
    )


async def change_updates(session: AsyncSession, summary: ChangeSummary) -> list[RecordedUpdate]:
    """Every update of a change, the kept ones and those read back from the record, in the
    order of their numbers (the order the change recorded them in)."""
    if not summary.stored:
        return summary.updates
    updates = list(summary.updates)
    for stored in summary.stored:
        last = stored.first_seq + stored.count - 1
        rows = await session.execute(
            sa.select(update_t)
            .where(update_t.c.engine_uuid == stored.engine_uuid, update_t.c.seq.between(stored.first_seq, last))
            .order_by(update_t.c.seq)
        )
        updates += [update_record(row, stored.engine) for row in rows]
    return sorted(updates, key=_seq)


def _seq(update: RecordedUpdate) -> int:
    return update.seq or 0
