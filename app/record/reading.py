"""Reading the record back: stored update rows as RecordedUpdate values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import SorceryUpdateRow, aware
from app.db.queries import UuidMemo, as_text
from app.domain.diff import SHAPE_FIELDS, Action
from app.domain.sections import to_options
from app.record.updates import ChangeSummary, RecordedUpdate
from app.switch_interval import many_rows, off_loop

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


# Updates read back per statement: bounds the rows held at once while they become values.
READ_PART = 20_000


async def change_updates(session: AsyncSession, summary: ChangeSummary) -> list[RecordedUpdate]:
    """Every update of a change, the kept ones and those read back from the record, in the
    order of their numbers (the order the change recorded them in)."""
    if not summary.stored:
        return summary.updates
    updates = list(summary.updates)
    for stored in summary.stored:
        last = stored.first_seq + stored.count - 1
        for first in range(stored.first_seq, last + 1, READ_PART):
            rows = (
                await session.execute(
                    sa.select(*_READ_BACK)
                    .where(
                        update_t.c.engine_uuid == stored.engine_uuid,
                        update_t.c.seq.between(first, min(last, first + READ_PART - 1)),
                    )
                    .order_by(update_t.c.seq)
                )
            ).all()
            updates += await off_loop(many_rows(len(rows)), _read_back, rows, stored.engine)
    return sorted(updates, key=_seq)


# JSON and uuids as their text, decoded by orjson and one UUID per distinct value in a worker
# thread, instead of by the driver and SQLAlchemy's processors row by row on the event loop
# (90,000 updates: seconds).
_READ_BACK = (
    update_t.c.seq,
    update_t.c.action,
    update_t.c.object_type,
    update_t.c.object_id,
    as_text(update_t.c.fields),
    as_text(update_t.c.changed_keys),
    update_t.c.requires_recreate,
    update_t.c.requires_reload,
    as_text(update_t.c.tenant_uuid),
    as_text(update_t.c.endpoint_uuid),
    update_t.c.created_at,
)


def _read_back(rows: Sequence[Any], engine_name: str) -> list[RecordedUpdate]:
    uuid_of = UuidMemo()
    loads = orjson.loads
    out = []
    for seq, action, object_type, object_id, fields, changed, recreate, reload, tenant, endpoint, created in rows:
        out.append(
            RecordedUpdate(
                action=Action(action),
                object_type=object_type,
                object_id=object_id,
                fields=to_options(loads(fields)),
                changed_keys=tuple(loads(changed)),
                requires_recreate=recreate,
                requires_reload=reload,
                seq=seq,
                engine=engine_name,
                tenant_uuid=None if tenant is None else uuid_of[tenant],
                endpoint_uuid=None if endpoint is None else uuid_of[endpoint],
                created_at=aware(created),
            )
        )
    return out


def _seq(update: RecordedUpdate) -> int:
    return update.seq or 0
