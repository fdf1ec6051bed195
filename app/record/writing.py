"""Writing the record: numbered Sorcery updates, the objects' last states, change events.

Each write happens in the caller's transaction, so a change and its record
commit (or roll back) together; subscribers are woken at commit. Numbering
claims the engine row (app/record/engine_row.py), so what needs no number is
written first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.aftercommit import committed
from app.db.bulk import RawJSON, delete_rows, insert_into_tables, insert_rows, json_text
from app.db.database import REALTIME_KEY
from app.db.models import ConfigEventRow, Engine, SorceryObjectRow, SorceryUpdateRow, utcnow
from app.db.queries import tenant_paths
from app.domain.diff import Action, PlannedUpdate, shape_of
from app.domain.sections import Options
from app.domain.sorcery import ObjectKey
from app.record.engine_row import take_numbers
from app.record.updates import NOTIFY_CHANNEL, Change, RecordedUpdate

object_t = SorceryObjectRow.__table__  # type: ignore[attr-defined]
update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]
event_t = ConfigEventRow.__table__  # type: ignore[attr-defined]


async def record(
    session: AsyncSession,
    engine: Engine,
    plans: Sequence[PlannedUpdate],
    *,
    changes: Sequence[Change] = (),
    texts: Mapping[ObjectKey, str] | None = None,
    dry_run: bool,
) -> list[RecordedUpdate]:
    """Number and store the updates, the new object states and the change events (unless a dry run).

    ``texts``: the desired objects' fields already serialised, written as they are.
    Updates and events are numbered by one claim of the engine row and written together.
    """
    texts = texts or {}
    now = utcnow()
    if dry_run or not (plans or changes):
        return [_recorded(p, None, engine, now) for p in plans]
    # The objects' states need no number: stored before the engine row is claimed, so
    # other tenants' writers do not wait for these rows.
    await _store_objects(session, engine.uuid, plans, texts)
    paths = await tenant_paths(session, {c.tenant_uuid for c in changes}) if changes else {}
    first_seq, first_event = await take_numbers(
        session, engine, updates=len(plans), events=len(changes), notify=_announcement(session, engine)
    )
    recorded = [_recorded(p, first_seq + i, engine, now) for i, p in enumerate(plans)]
    update_rows = [
        {
            **shape_of(u),
            # stored forms of the shape's action and fields
            "action": u.action.value,
            "fields": _stored_text(texts, (u.object_type, u.object_id), u.fields),
            "engine_uuid": engine.uuid,
            "seq": u.seq,
            "tenant_uuid": u.tenant_uuid,
            "endpoint_uuid": u.endpoint_uuid,
            "created_at": now,
        }
        for u in recorded
    ]
    event_rows = [
        {
            "engine_uuid": engine.uuid,
            "seq": first_event + i,
            "action": c.action,
            "kind": c.kind,
            "uuid": c.uuid,
            "tenant_uuid": c.tenant_uuid,
            "tenant_path": [str(t) for t in paths.get(c.tenant_uuid, (c.tenant_uuid,))],
            "revision": c.revision,
            "created_at": now,
        }
        for i, c in enumerate(changes)
    ]
    await insert_into_tables(session, [(update_t, update_rows), (event_t, event_rows)])
    realtime_writer = session.info.get(REALTIME_KEY)
    if recorded and realtime_writer is not None:
        # Asterisk's realtime tables, in the same transaction as the change (same database).
        await realtime_writer(await session.connection(), recorded)
    return recorded


def _recorded(plan: PlannedUpdate, seq: int | None, engine: Engine, now: datetime) -> RecordedUpdate:
    return RecordedUpdate(
        **shape_of(plan),
        seq=seq,
        engine=engine.name,
        tenant_uuid=plan.owner.tenant_uuid,
        endpoint_uuid=plan.owner.endpoint_uuid,
        created_at=now,
    )


async def _store_objects(
    session: AsyncSession, engine_uuid: UUID, plans: Sequence[PlannedUpdate], texts: Mapping[ObjectKey, str]
) -> None:
    """The last state of each object: upserted, or deleted with its DELETE."""
    states, deletes = [], []
    for p in plans:
        if p.action is Action.DELETE:
            deletes.append({"engine_uuid": engine_uuid, "object_type": p.object_type, "object_id": p.object_id})
        else:
            states.append(
                {
                    "engine_uuid": engine_uuid,
                    "object_type": p.object_type,
                    "object_id": p.object_id,
                    "fields": _stored_text(texts, p.key, p.fields),
                    "tenant_uuid": p.owner.tenant_uuid,
                    "endpoint_uuid": p.owner.endpoint_uuid,
                }
            )
    await delete_rows(session, object_t, deletes)
    await insert_rows(
        session,
        object_t,
        states,
        on_conflict=("engine_uuid", "object_type", "object_id"),
        update=("fields", "tenant_uuid", "endpoint_uuid"),
    )


def _stored_text(texts: Mapping[ObjectKey, str], key: ObjectKey, fields: Options) -> RawJSON:
    """The fields as written: the text already made for the comparison, if any."""
    text = texts.get(key)
    return RawJSON(text) if text is not None else json_text(fields)


def _announcement(session: AsyncSession, engine: Engine) -> tuple[str, str] | None:
    """The NOTIFY that wakes every replica's listener once this transaction commits (once per
    engine and transaction; None when already sent). Subscribers in this process are woken
    by the commit itself (app/db/aftercommit.py)."""
    facts = committed(session)
    if engine.uuid in facts.engines:
        return None
    facts.engines.add(engine.uuid)
    return (NOTIFY_CHANNEL, str(engine.uuid))


async def record_changes(session: AsyncSession, engine: Engine, changes: Sequence[Change], *, dry_run: bool) -> None:
    """Number and store change events in this transaction (nothing in a dry run)."""
    await record(session, engine, (), changes=changes, dry_run=dry_run)
