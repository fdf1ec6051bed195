"""Writing the record: numbered Sorcery updates, the objects' last states, change events.

Each write happens in the caller's transaction, so a change and its record
commit (or roll back) together; subscribers are woken at commit. Numbering
claims the engine row (app/record/engine_row.py), so what needs no number is
written first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from app.db.aftercommit import committed, free_after_commit
from app.db.bulk import (
    Columns,
    Numbered,
    Upsert,
    columns_of,
    copy_columns,
    delete_rows,
    insert_columns,
    is_postgresql,
    stored_json,
    write_numbered,
)
from app.db.database import REALTIME_KEY
from app.db.models import ConfigEventRow, Engine, SorceryObjectRow, SorceryUpdateRow, utcnow
from app.db.queries import tenant_paths
from app.domain.diff import SHAPE_FIELDS, Action, PlannedUpdate
from app.domain.sections import Options
from app.domain.sorcery import ObjectKey
from app.record.engine_row import take_numbers
from app.record.pending import PendingUpdates, rank_column
from app.record.updates import NOTIFY_CHANNEL, Change, RecordedUpdate, StoredUpdates
from app.switch_interval import many_rows, off_loop

object_t = SorceryObjectRow.__table__  # type: ignore[attr-defined]
update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]
event_t = ConfigEventRow.__table__  # type: ignore[attr-defined]
engine_t = Engine.__table__  # type: ignore[attr-defined]
# An object state's key, and what an upsert of it replaces.
OBJECT_KEY = ("engine_uuid", "object_type", "object_id")
OBJECT_STATE = ("fields", "tenant_uuid", "endpoint_uuid")


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
    prepared = await prepare_record(session, engine, plans, texts=texts, dry_run=dry_run)
    return await number_record(session, engine, prepared, changes=changes)


@dataclass(slots=True)
class PreparedRecord:
    """Updates ready to be numbered: what `prepare_record` made, for `number_record`."""

    updates: list[RecordedUpdate]  # without their sequence numbers yet
    rows: Columns | None  # their rows to insert, all but ``seq``; None when no update is to be written
    dry_run: bool
    # The objects' states (upserts, deleted keys) when written with the numbers, in one statement
    # (a small change on PostgreSQL); None when stored already.
    objects: tuple[Columns, Columns] | None = None


async def prepare_record(
    session: AsyncSession,
    engine: Engine,
    plans: Sequence[PlannedUpdate],
    *,
    texts: Mapping[ObjectKey, str] | None = None,
    dry_run: bool,
    states_stored: bool = False,
) -> PreparedRecord:
    """Everything of `record` that needs no number, before the engine row is claimed: the
    objects' states are stored (unless ``states_stored`` by `store_object_states` already) and
    the update rows made. ``plans`` and ``texts`` are not used after.
    """
    texts = texts or {}
    now = utcnow()
    if not plans:
        return PreparedRecord([], None, dry_run)
    # Thousands of updates (a template of a large tenant) are prepared in a worker thread,
    # so that the event loop goes on serving other requests.
    big = many_rows(len(plans))
    recorded = await off_loop(big, _unnumbered, plans, engine.name, now)
    if dry_run:
        return PreparedRecord(recorded, None, dry_run)
    rows = await off_loop(big, _update_columns, recorded, texts, engine.uuid, now)
    if states_stored:
        return PreparedRecord(recorded, rows, dry_run)
    if not big and is_postgresql(session):
        # A few rows: written with the numbers, in the same statement (`number_record`).
        states, deletes = _object_rows(engine.uuid, plans, texts)
        return PreparedRecord(recorded, rows, dry_run, (states, columns_of(object_t, deletes)))
    await store_object_states(session, engine.uuid, plans, texts)
    return PreparedRecord(recorded, rows, dry_run)


async def store_object_states(
    session: AsyncSession, engine_uuid: UUID, plans: Sequence[PlannedUpdate], texts: Mapping[ObjectKey, str]
) -> None:
    """Store the planned updates' objects' new states (deleted ones go).

    The states need no number: stored before the engine row is claimed, so other tenants'
    writers do not wait for these rows.
    """
    if not plans:
        return
    states, deletes = await off_loop(many_rows(len(plans)), _object_rows, engine_uuid, plans, texts)
    await delete_rows(session, object_t, deletes)
    await insert_columns(session, states, on_conflict=OBJECT_KEY, update=OBJECT_STATE)


async def number_record(
    session: AsyncSession, engine: Engine, prepared: PreparedRecord, *, changes: Sequence[Change] = ()
) -> list[RecordedUpdate]:
    """Claim the engine row, number the prepared updates and the change events ``changes``,
    and insert them; return the updates.

    Other writers of the engine wait from here to this transaction's commit: only the
    numbering and the insert of the rows made beforehand happen in between (thousands of
    update rows by one COPY, `copy_columns`).
    """
    recorded, rows = prepared.updates, prepared.rows
    if prepared.dry_run or (rows is None and not changes):
        return recorded
    paths = await tenant_paths(session, {c.tenant_uuid for c in changes}) if changes else {}
    events = _event_rows(engine.uuid, changes, paths)
    notify = _announcement(session, engine)
    if prepared.objects is not None or (rows is None and is_postgresql(session)):
        # A small change on PostgreSQL: states, numbers, updates and events in one statement.
        upserts, deletes = prepared.objects or (None, None)
        parts = [Numbered(events.without("seq"), "seq", "last_event_seq")]
        if rows is not None:
            parts.insert(0, Numbered(rows.without("seq"), "seq", "last_seq"))
        heads = await write_numbered(
            session,
            engine_t,
            engine.uuid,
            parts,
            upserts=[Upsert(upserts, OBJECT_KEY, OBJECT_STATE)] if upserts is not None else [],
            deletes=[deletes] if deletes is not None else [],
            notify=notify,
        )
        set_committed_value(engine, "last_event_seq", heads["last_event_seq"])
        if rows is not None:
            set_committed_value(engine, "last_seq", heads["last_seq"])
            _number(recorded, heads["last_seq"] - len(recorded) + 1)
    else:
        # A big change on PostgreSQL (its objects' states are stored already), or any on SQLite.
        first_seq, first_event = await take_numbers(
            session, engine, updates=len(recorded), events=len(changes), notify=notify
        )
        if rows is not None:
            _number(recorded, first_seq)
            rows.set("seq", list(range(first_seq, first_seq + len(recorded))))
            await copy_columns(session, rows)
            if many_rows(len(recorded)):
                # Their last reference goes after the commit: freeing thousands of values here
                # would keep the engine row milliseconds longer.
                free_after_commit(session, *rows.values)
        if changes:
            events.set("seq", list(range(first_event, first_event + len(changes))))
            await insert_columns(session, events)
    realtime_writer = session.info.get(REALTIME_KEY)
    if recorded and realtime_writer is not None:
        # Asterisk's realtime tables, in the same transaction as the change (same database).
        await realtime_writer(await session.connection(), recorded)
    return recorded


async def write_pending(
    session: AsyncSession,
    engine: Engine,
    pending: PendingUpdates,
    plans: Sequence[PlannedUpdate],
    texts: Mapping[ObjectKey, str],
) -> None:
    """Write a part of a big change's updates to ``pending``, unnumbered (app/record/pending.py),
    and apply them to Asterisk's realtime tables when those are in the same database."""
    if not plans:
        return
    big = many_rows(len(plans))
    recorded = await off_loop(big, _unnumbered, plans, engine.name, pending.now)
    rows = await off_loop(big, _update_columns, recorded, texts, engine.uuid, pending.now)
    rows = rows.without("seq")
    rows.names.append("rank")
    rows.values.append(await off_loop(big, rank_column, recorded))
    await pending.add(rows)
    realtime_writer = session.info.get(REALTIME_KEY)
    if realtime_writer is not None:
        # the same rows as numbered updates would give: within one transaction, only each
        # object's last state counts (app/asterisk/realtime/apply.py), and a change has one per object
        await realtime_writer(await session.connection(), recorded)


async def number_pending(
    session: AsyncSession, engine: Engine, pending: PendingUpdates, *, changes: Sequence[Change] = ()
) -> StoredUpdates | None:
    """`number_record` for updates written to ``pending``: sorted first, then, with the engine
    row claimed, copied into the record with their numbers; the change events with them."""
    await pending.sort()
    paths = await tenant_paths(session, {c.tenant_uuid for c in changes}) if changes else {}
    events = _event_rows(engine.uuid, changes, paths)
    first_seq, first_event = await take_numbers(
        session, engine, updates=pending.count, events=len(changes), notify=_announcement(session, engine)
    )
    stored = await pending.number(engine, first_seq)
    if changes:
        events.set("seq", list(range(first_event, first_event + len(changes))))
        await insert_columns(session, events)
    return stored


def _event_rows(engine_uuid: UUID, changes: Sequence[Change], paths: Mapping[UUID, tuple[UUID, ...]]) -> Columns:
    """The change events' rows, ``seq`` still to be filled in."""
    now = utcnow()
    return columns_of(
        event_t,
        [
            {
                "engine_uuid": engine_uuid,
                "seq": None,
                "action": c.action,
                "kind": c.kind,
                "uuid": c.uuid,
                "tenant_uuid": c.tenant_uuid,
                "tenant_path": [str(t) for t in paths.get(c.tenant_uuid, (c.tenant_uuid,))],
                "revision": c.revision,
                "created_at": now,
            }
            for c in changes
        ],
    )


def _unnumbered(plans: Sequence[PlannedUpdate], engine_name: str, now: datetime) -> list[RecordedUpdate]:
    """The updates as recorded, without sequence numbers yet (what a dry run answers)."""
    return [
        RecordedUpdate(
            action=p.action,
            object_type=p.object_type,
            object_id=p.object_id,
            fields=p.fields,
            changed_keys=p.changed_keys,
            requires_recreate=p.requires_recreate,
            requires_reload=p.requires_reload,
            seq=None,
            engine=engine_name,
            tenant_uuid=p.owner.tenant_uuid,
            endpoint_uuid=p.owner.endpoint_uuid,
            created_at=now,
        )
        for p in plans
    ]


def _number(recorded: Sequence[RecordedUpdate], first_seq: int) -> None:
    """Give the updates made by `_unnumbered` their sequence numbers, in order, under the engine row.

    They are frozen for everyone else; nothing has seen them yet, so they are numbered in place
    instead of being made again (a few milliseconds for thousands, not tens, while the row is held).
    """
    set_field = object.__setattr__
    for i, update in enumerate(recorded):
        set_field(update, "seq", first_seq + i)


# Thousands of rows (a big change's) are made column by column: a list per column costs a
# fraction of a dictionary per row turned into columns afterwards.
UPDATE_COLUMNS = (
    *SHAPE_FIELDS,
    "engine_uuid",
    "seq",
    "tenant_uuid",
    "endpoint_uuid",
    "created_at",
)
STATE_COLUMNS = (*OBJECT_KEY, *OBJECT_STATE)


def _update_columns(
    recorded: Sequence[RecordedUpdate], texts: Mapping[ObjectKey, str], engine_uuid: UUID, now: datetime
) -> Columns:
    """The update rows to insert, as columns; ``seq`` is filled in once the engine row is claimed."""
    count = len(recorded)
    dumps = orjson.dumps
    by_name: dict[str, list[Any]] = {
        # stored forms of the shape's action, fields and changed keys
        "action": [u.action.value for u in recorded],
        "object_type": [u.object_type for u in recorded],
        "object_id": [u.object_id for u in recorded],
        "fields": [_stored_text(texts, (u.object_type, u.object_id), u.fields) for u in recorded],
        "changed_keys": [dumps(u.changed_keys).decode() for u in recorded],
        "requires_recreate": [u.requires_recreate for u in recorded],
        "requires_reload": [u.requires_reload for u in recorded],
        "engine_uuid": [engine_uuid] * count,
        "seq": [None] * count,
        "tenant_uuid": [u.tenant_uuid for u in recorded],
        "endpoint_uuid": [u.endpoint_uuid for u in recorded],
        "created_at": [now] * count,
    }
    return Columns(update_t, list(UPDATE_COLUMNS), [by_name[name] for name in UPDATE_COLUMNS])


def _object_rows(
    engine_uuid: UUID, plans: Sequence[PlannedUpdate], texts: Mapping[ObjectKey, str]
) -> tuple[Columns, list[dict[str, Any]]]:
    """(states to upsert, as columns; keys to delete) of the planned updates' objects."""
    kept = [p for p in plans if p.action is not Action.DELETE]
    by_name: dict[str, list[Any]] = {
        "engine_uuid": [engine_uuid] * len(kept),
        "object_type": [p.object_type for p in kept],
        "object_id": [p.object_id for p in kept],
        "fields": [_stored_text(texts, (p.object_type, p.object_id), p.fields) for p in kept],
        "tenant_uuid": [p.owner.tenant_uuid for p in kept],
        "endpoint_uuid": [p.owner.endpoint_uuid for p in kept],
    }
    states = Columns(object_t, list(STATE_COLUMNS), [by_name[name] for name in STATE_COLUMNS])
    deletes = [
        {"engine_uuid": engine_uuid, "object_type": p.object_type, "object_id": p.object_id}
        for p in plans
        if p.action is Action.DELETE
    ]
    return states, deletes


def _stored_text(texts: Mapping[ObjectKey, str], key: ObjectKey, fields: Options) -> str:
    """The fields as written (JSON text): the text already made for the comparison, if any."""
    text = texts.get(key)
    return text if text is not None else stored_json(fields)


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
