"""What a full resynchronisation pushes: every recorded object of one engine, referenced objects first.

Asterisk's memory wizard comes back empty after a restart, and a gap in the recorded updates
(pruned before the agent applied them) leaves no way to replay what changed. In both cases the
engine's last recorded objects (``sorcery_object``) are the state to push.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa

from app.db.database import Database
from app.db.models import SorceryObjectRow
from app.domain.diff import Action
from app.record.updates import RecordedUpdate

# Objects named by others go first, so no object ever points at one Asterisk lacks.
PUSH_ORDER = ("auth", "aor", "endpoint", "identify", "registration")
NOT_PUSHABLE = frozenset({"transport", "system", "global"})


def _rank(object_type: str) -> int:
    return PUSH_ORDER.index(object_type) if object_type in PUSH_ORDER else len(PUSH_ORDER)


async def recorded_state(db: Database, engine_uuid: UUID, engine: str) -> list[RecordedUpdate]:
    """The engine's recorded objects as full upserts (no seq: they replay a state, not an update)."""
    table = SorceryObjectRow.__table__  # type: ignore[attr-defined]
    query = sa.select(table.c.object_type, table.c.object_id, table.c.fields).where(table.c.engine_uuid == engine_uuid)
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    now = datetime.now(UTC)
    updates = [
        RecordedUpdate(
            seq=None,
            engine=engine,
            action=Action.UPSERT,
            object_type=str(object_type),
            object_id=str(object_id),
            fields=tuple((str(k), str(v)) for k, v in fields),
            changed_keys=(),
            requires_recreate=False,
            requires_reload=False,
            tenant_uuid=None,
            endpoint_uuid=None,
            created_at=now,
        )
        for object_type, object_id, fields in rows
        if object_type not in NOT_PUSHABLE
    ]
    return sorted(updates, key=lambda u: (_rank(u.object_type), u.object_id))


def deletion(engine: str, object_type: str, object_id: str) -> RecordedUpdate:
    """A DELETE of one object, outside the record (no seq): a stale object a resync removes."""
    return RecordedUpdate(
        seq=None,
        engine=engine,
        action=Action.DELETE,
        object_type=object_type,
        object_id=object_id,
        fields=(),
        changed_keys=(),
        requires_recreate=False,
        requires_reload=False,
        tenant_uuid=None,
        endpoint_uuid=None,
        created_at=datetime.now(UTC),
    )
