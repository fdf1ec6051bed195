"""Engine objects: `global`, `system` and transports (operator only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db.database import Database
from app.db.models import Engine, SipConfig, Transport, utcnow
from app.db.queries import load_tenant_graphs
from app.domain.catalog import load_catalog
from app.domain.graph import descendants
from app.domain.sections import Options
from app.domain.sorcery import global_object, system_object, transport_object
from app.domain.validation import validate_name, validate_options
from app.errors import Conflict, InvalidInput, Issue, NotFound
from app.record.engine_row import bump_resolution, lock_engine, lock_engine_by_name
from app.record.sync import sync_endpoints, sync_engine_objects
from app.record.updates import Change, ChangeSummary
from app.record.writing import record_changes
from app.services.access import Caller
from app.services.configs import affected_endpoints
from app.services.snapshots import EngineRecord, TransportRecord


@dataclass(slots=True)
class EngineResult:
    engine: EngineRecord
    changes: ChangeSummary


@dataclass(slots=True)
class TransportResult:
    transport: TransportRecord | None
    changes: ChangeSummary


def _options_issues(object_type: str, options: Options, path: str) -> list[Issue]:
    return validate_options(load_catalog(), object_type, options, path=path, managed=frozenset())


async def set_engine_options(
    db: Database,
    caller: Caller,
    engine_name: str,
    *,
    global_options: Options | None,
    system_options: Options | None,
    dry_run: bool = False,
    path: str = "",
) -> EngineResult:
    """Replace the engine's `global` and/or `system` options; ``path`` prefixes the fields errors name."""
    caller.require_operator()
    async with db.writing(commit=not dry_run) as session:
        engine = await lock_engine_by_name(session, engine_name)
        issues: list[Issue] = []
        if global_options is not None:
            issues += _options_issues("global", global_options, f"{path}globalOptions")
        if system_options is not None:
            issues += _options_issues("system", system_options, f"{path}systemOptions")
        if issues:
            raise InvalidInput(issues)
        desired = {}
        if global_options is not None:
            engine.global_options = [list(o) for o in global_options]
            desired[global_object(global_options).key] = global_options
        if system_options is not None:
            engine.system_options = [list(o) for o in system_options]
            desired[system_object(system_options).key] = system_options
        await session.flush()
        changes = await sync_engine_objects(session, engine, desired, dry_run=dry_run)
        return EngineResult(EngineRecord.of(engine), changes)


async def _transport_name_issues(
    session: AsyncSession, engine_uuid: UUID, name: str, *, exclude: UUID | None, field: str
) -> list[Issue]:
    issues = validate_name(name, field=field, what="transport")
    if issues:
        return issues
    same = select(Transport.uuid).where(Transport.engine_uuid == engine_uuid, col(Transport.name) == name)
    if exclude is not None:
        same = same.where(Transport.uuid != exclude)
    if (await session.execute(same)).first():
        return [Issue(field, f"a transport named '{name}' already exists on this engine")]
    endpoint = select(SipConfig.uuid).where(
        SipConfig.kind == "endpoint",
        SipConfig.scope_uuid == engine_uuid,
        col(SipConfig.name) == name,
    )
    if (await session.execute(endpoint)).first():
        return [Issue(field, f"'{name}' is the name of an endpoint of this engine")]
    return []


async def create_transport(
    db: Database,
    caller: Caller,
    engine_name: str,
    *,
    name: str,
    options: Options,
    dry_run: bool = False,
    path: str = "",
) -> TransportResult:
    caller.require_operator()
    async with db.writing(commit=not dry_run) as session:
        engine = await lock_engine_by_name(session, engine_name)
        issues = await _transport_name_issues(session, engine.uuid, name, exclude=None, field=f"{path}name")
        issues += _options_issues("transport", options, f"{path}options")
        if issues:
            raise InvalidInput(issues)
        row = Transport(engine_uuid=engine.uuid, name=name, options=[list(o) for o in options])
        session.add(row)
        await session.flush()
        obj = transport_object(name, options)
        changes = await sync_engine_objects(session, engine, {obj.key: obj.fields}, dry_run=dry_run)
        return TransportResult(TransportRecord.of(row), changes)


async def _transport(session: AsyncSession, caller: Caller, uuid: UUID) -> tuple[Transport, Engine]:
    caller.require_operator()
    row = await session.get(Transport, uuid)
    if row is None:
        raise NotFound("transport not found")
    engine = await lock_engine(session, row.engine_uuid)
    await session.refresh(row)
    return row, engine


async def _recompute_users(
    session: AsyncSession, engine: Engine, users: Sequence[SipConfig], *, dry_run: bool
) -> ChangeSummary:
    """Endpoints that use, or inherit from a template that uses, these configurations' transport."""
    tenants = {u.tenant_uuid for u in users}
    if not tenants:
        return ChangeSummary(dry_run=dry_run)
    graph = await load_tenant_graphs(session, tenants)
    users_uuids = [u.uuid for u in users]
    affected = affected_endpoints(graph, users_uuids)
    version = await bump_resolution(session, engine, descendants(users_uuids, graph.children_of()) | set(users_uuids))
    return await sync_endpoints(session, engine, graph, affected, resolution_version=version, dry_run=dry_run)


async def _users(session: AsyncSession, transport_uuid: UUID) -> list[SipConfig]:
    query = select(SipConfig).where(SipConfig.transport_uuid == transport_uuid)
    return list((await session.scalars(query)).all())


async def update_transport(
    db: Database,
    caller: Caller,
    uuid: UUID,
    *,
    name: str | None,
    options: Options | None,
    dry_run: bool = False,
    path: str = "",
) -> TransportResult:
    async with db.writing(commit=not dry_run) as session:
        row, engine = await _transport(session, caller, uuid)
        issues: list[Issue] = []
        if name is not None and name != row.name:
            issues += await _transport_name_issues(session, engine.uuid, name, exclude=row.uuid, field=f"{path}name")
        if options is not None:
            issues += _options_issues("transport", options, f"{path}options")
        if issues:
            raise InvalidInput(issues)
        old_name = row.name
        if options is not None:
            row.options = [list(o) for o in options]
        renamed = name is not None and name != old_name
        if name is not None:
            row.name = name
        row.updated_at = utcnow()
        await session.flush()
        obj = transport_object(row.name, tuple((k, v) for k, v in row.options))
        changes = ChangeSummary(dry_run=dry_run)
        changes.extend(await sync_engine_objects(session, engine, {obj.key: obj.fields}, dry_run=dry_run))
        if renamed:
            # Users now point at the new name; the old object goes after them.
            users = await _users(session, row.uuid)
            changes.extend(await _recompute_users(session, engine, users, dry_run=dry_run))
            changes.extend(
                await sync_engine_objects(session, engine, {}, removed=[("transport", old_name)], dry_run=dry_run)
            )
        return TransportResult(TransportRecord.of(row), changes)


async def delete_transport(
    db: Database, caller: Caller, uuid: UUID, *, fallback_uuid: UUID | None, dry_run: bool = False
) -> ChangeSummary:
    async with db.writing(commit=not dry_run) as session:
        row, engine = await _transport(session, caller, uuid)
        users = await _users(session, row.uuid)
        changes = ChangeSummary(dry_run=dry_run)
        if users:
            if fallback_uuid is None:
                raise Conflict(f"transport '{row.name}' is used by {len(users)} configurations; give a fallbackUuid")
            fallback = await session.get(Transport, fallback_uuid)
            if fallback is None or fallback.engine_uuid != row.engine_uuid or fallback.uuid == row.uuid:
                raise InvalidInput.at("fallbackUuid", "no other transport with this uuid on the same engine")
            await session.execute(
                sa.update(SipConfig)
                .where(col(SipConfig.transport_uuid) == row.uuid)
                .values(transport_uuid=fallback.uuid, revision=SipConfig.revision + 1, updated_at=utcnow())
            )
            await session.flush()
            for user in users:
                await session.refresh(user)
            await record_changes(
                session,
                engine,
                [Change("UPDATED", u.kind, u.uuid, u.tenant_uuid, u.revision) for u in users],
                dry_run=dry_run,
            )
            changes.extend(await _recompute_users(session, engine, users, dry_run=dry_run))
        name = row.name
        await session.delete(row)
        await session.flush()
        changes.extend(await sync_engine_objects(session, engine, {}, removed=[("transport", name)], dry_run=dry_run))
        return changes
