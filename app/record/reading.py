"""Reading the record back: stored update rows as RecordedUpdate values."""

from __future__ import annotations

from app.db.models import SorceryUpdateRow, aware
from app.domain.diff import Action
from app.domain.sections import to_options
from app.record.updates import RecordedUpdate


def update_record(row: SorceryUpdateRow, engine_name: str) -> RecordedUpdate:
    return RecordedUpdate(
        seq=row.seq,
        engine=engine_name,
        action=Action(row.action),
        object_type=row.object_type,
        object_id=row.object_id,
        fields=to_options(row.fields),
        changed_keys=tuple(row.changed_keys),
        requires_recreate=row.requires_recreate,
        requires_reload=row.requires_reload,
        tenant_uuid=row.tenant_uuid,
        endpoint_uuid=row.endpoint_uuid,
        created_at=aware(row.created_at),
    )
