"""Reading the record back: stored update rows as RecordedUpdate values."""

from __future__ import annotations

from app.db.models import SorceryUpdateRow, aware
from app.domain.diff import SHAPE_FIELDS, Action
from app.domain.sections import to_options
from app.record.updates import RecordedUpdate


def update_record(row: SorceryUpdateRow, engine_name: str) -> RecordedUpdate:
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
