"""Writing recorded Sorcery updates into the ps_* tables, inside the caller's transaction.

Nothing here commits: the caller owns the transaction. That is what lets the
product write the realtime rows in the same transaction as the change when
the realtime tables live in its own database, and lets the follower advance
its checkpoint in the same transaction as the rows it wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.asterisk.realtime.convert import Rejected, RowConversion, object_to_row
from app.asterisk.realtime.schema import OBJECT_TYPES, TABLE_BY_TYPE
from app.domain.catalog import load_catalog
from app.domain.diff import RELOAD_TYPES, Action
from app.domain.sections import Options
from app.domain.sorcery import ObjectKey, SorceryObject
from app.record.updates import RecordedUpdate

log = logging.getLogger(__name__)

# Ids per DELETE ... WHERE id IN (...): well under every driver's bound-parameter limit.
ID_CHUNK = 500


@dataclass(slots=True)
class ApplyReport:
    """What one or more applications did, and what the rows could not carry, per object.

    Counts: ``updates`` given (objects, for a resynchronisation), ``upserted``
    rows written, ``deleted`` objects whose last update was a DELETE,
    ``skipped`` updates of types not written plus objects that cannot be stored.
    The per-object findings describe each object's latest state written: an
    object written again replaces its findings, a deleted one drops them.
    """

    updates: int = 0
    upserted: int = 0
    deleted: int = 0
    skipped: int = 0
    last_seq: int | None = None
    resynced: bool = False
    unmapped: dict[ObjectKey, Options] = field(default_factory=dict)
    rejected: dict[ObjectKey, tuple[Rejected, ...]] = field(default_factory=dict)
    reordered: dict[ObjectKey, tuple[str, ...]] = field(default_factory=dict)
    unstorable: dict[ObjectKey, str] = field(default_factory=dict)
    reload_required: set[ObjectKey] = field(default_factory=set)
    touched: set[ObjectKey] = field(default_factory=set)

    def note(self, conversion: RowConversion) -> None:
        """Keep the findings of one object's newly written state."""
        key = (conversion.object_type, conversion.object_id)
        self.forget(key)
        if conversion.unmapped:
            self.unmapped[key] = conversion.unmapped
        if conversion.rejected:
            self.rejected[key] = conversion.rejected
        if conversion.reordered:
            self.reordered[key] = conversion.reordered
        if conversion.problem is not None:
            self.unstorable[key] = conversion.problem

    def forget(self, key: ObjectKey) -> None:
        self.touched.add(key)
        for findings in (self.unmapped, self.rejected, self.reordered, self.unstorable):
            findings.pop(key, None)

    def merge(self, later: ApplyReport) -> None:
        """Fold a later application into this one (counts add up, findings follow the later state)."""
        self.updates += later.updates
        self.upserted += later.upserted
        self.deleted += later.deleted
        self.skipped += later.skipped
        self.last_seq = later.last_seq if later.last_seq is not None else self.last_seq
        self.resynced = self.resynced or later.resynced
        for key in later.touched:
            self.forget(key)
        self.unmapped.update(later.unmapped)
        self.rejected.update(later.rejected)
        self.reordered.update(later.reordered)
        self.unstorable.update(later.unstorable)
        self.reload_required |= later.reload_required

    def summary(self) -> str:
        return (
            f"{self.updates} updates: {self.upserted} rows written, {self.deleted} deleted, {self.skipped} skipped; "
            f"{len(self.unmapped)} objects with unmapped options, {len(self.rejected)} with rejected values, "
            f"{len(self.unstorable)} not storable"
        )


async def write_in_transaction(conn: AsyncConnection, updates: Sequence[RecordedUpdate]) -> None:
    """The realtime writer of a database that holds Asterisk's tables: apply, and log what did not map."""
    report = await apply_updates(conn, updates)
    if report.unmapped or report.rejected:
        log.warning("realtime tables: %s", report.summary())


async def apply_updates(
    conn: AsyncConnection, updates: Sequence[RecordedUpdate], *, types: Collection[str] = OBJECT_TYPES
) -> ApplyReport:
    """Apply recorded updates, in order, to the ps_* tables through ``conn`` (never commits).

    UPSERT replaces the whole row (columns the fields do not set become NULL),
    DELETE removes it. Every update carries its object's full desired state, so
    within one transaction only the last update of each object decides its row:
    the rows are written per table in two statements instead of two per update,
    with the same result as applying each update in turn. Types outside
    ``types`` (or without a table) are counted as skipped.
    """
    report = ApplyReport(updates=len(updates), last_seq=updates[-1].seq if updates else None)
    latest: dict[ObjectKey, RecordedUpdate] = {}
    for update in updates:
        if update.object_type not in types or update.object_type not in TABLE_BY_TYPE:
            report.skipped += 1
            continue
        latest.pop((update.object_type, update.object_id), None)  # keep seq order among the survivors
        latest[(update.object_type, update.object_id)] = update
    await _write(conn, latest.values(), report)
    _log(report)
    return report


async def replace_all(
    conn: AsyncConnection, objects: Iterable[SorceryObject], *, types: Collection[str] = OBJECT_TYPES
) -> ApplyReport:
    """Make the tables of ``types`` hold exactly ``objects`` (a full resynchronisation; never commits)."""
    report = ApplyReport(resynced=True)
    chosen = [t for t in OBJECT_TYPES if t in types]
    for object_type in chosen:
        await conn.execute(sa.delete(TABLE_BY_TYPE[object_type]))
    rows: dict[str, list[dict[str, Any]]] = {}
    for obj in objects:
        if obj.type in chosen:
            report.updates += 1
            if obj.type in RELOAD_TYPES:
                report.reload_required.add(obj.key)
            _convert(obj.type, obj.id, obj.fields, rows, report)
    await _insert(conn, rows)
    _log(report)
    return report


async def _write(conn: AsyncConnection, updates: Iterable[RecordedUpdate], report: ApplyReport) -> None:
    ids: dict[str, list[str]] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    for update in updates:
        ids.setdefault(update.object_type, []).append(update.object_id)
        if update.requires_reload:
            report.reload_required.add((update.object_type, update.object_id))
        if update.action is Action.DELETE:
            report.deleted += 1
            report.forget((update.object_type, update.object_id))
            continue
        _convert(update.object_type, update.object_id, update.fields, rows, report)
    for object_type, object_ids in ids.items():
        table = TABLE_BY_TYPE[object_type]
        for start in range(0, len(object_ids), ID_CHUNK):
            await conn.execute(sa.delete(table).where(table.c.id.in_(object_ids[start : start + ID_CHUNK])))
    await _insert(conn, rows)


def _convert(
    object_type: str, object_id: str, fields: Options, rows: dict[str, list[dict[str, Any]]], report: ApplyReport
) -> None:
    """Convert one object's state into a full row (every column, NULL where unset) and note its findings."""
    conversion = object_to_row(object_type, object_id, fields, catalog=load_catalog())
    report.note(conversion)
    if conversion.row is None:
        report.skipped += 1
        return
    table = TABLE_BY_TYPE[object_type]
    rows.setdefault(object_type, []).append({c.name: conversion.row.get(c.name) for c in table.columns})
    report.upserted += 1


async def _insert(conn: AsyncConnection, rows: dict[str, list[dict[str, Any]]]) -> None:
    for object_type, table_rows in rows.items():
        await conn.execute(sa.insert(TABLE_BY_TYPE[object_type]), table_rows)


def _log(report: ApplyReport) -> None:
    if report.updates:
        log.debug("realtime: %s", report.summary())
    for (object_type, object_id), problem in report.unstorable.items():
        log.warning("realtime: %s '%s' not written: %s", object_type, object_id, problem)
    for (object_type, object_id), rejected in report.rejected.items():
        for r in rejected:
            log.warning("realtime: %s '%s' option %s left NULL: %s", object_type, object_id, r.key, r.reason)
    for (object_type, object_id), keys in report.reordered.items():
        log.warning(
            "realtime: %s '%s': Asterisk applies %s in column order, not in the order given",
            object_type,
            object_id,
            "/".join(keys),
        )
    for (object_type, object_id), options in report.unmapped.items():
        log.debug("realtime: %s '%s' options with no column: %s", object_type, object_id, [k for k, _ in options])
