"""Recomputing Sorcery objects and recording the updates of one transaction.

Every mutation ends here: the desired objects of the endpoints it can affect
are compared with the last recorded ones, and only the differences are
written, numbered with the engine's next sequence numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.collector import collector_paused
from app.db.aftercommit import committed
from app.db.bulk import RawJSON, delete_rows, in_values, insert_rows, json_text
from app.db.database import REALTIME_KEY
from app.db.models import ConfigEventRow, Engine, SipConfig, SorceryObjectRow, SorceryUpdateRow, utcnow
from app.db.queries import CHUNK, Graph, chunks, engine_objects, recorded_object_texts, tenant_paths
from app.domain.catalog import Catalog, load_catalog
from app.domain.diff import Action, Owner, PlannedUpdate, diff_objects
from app.domain.resolution import ResolvedSections, Resolver
from app.domain.sections import Options, Section, to_options
from app.domain.sorcery import ObjectKey, auth_object_key, endpoint_objects
from app.errors import NotFound
from app.services.resolving import new_resolver

log = logging.getLogger(__name__)

object_t = SorceryObjectRow.__table__  # type: ignore[attr-defined]
update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]
event_t = ConfigEventRow.__table__  # type: ignore[attr-defined]
config_t = SipConfig.__table__  # type: ignore[attr-defined]

# PostgreSQL channel that wakes the listener of every replica; the payload is an engine uuid.
NOTIFY_CHANNEL = "pjsip_graph"


@dataclass(frozen=True, slots=True)
class RecordedUpdate:
    """A Sorcery update as recorded (``seq`` is None in a dry run)."""

    seq: int | None
    engine: str
    action: Action
    object_type: str
    object_id: str
    fields: Options
    changed_keys: tuple[str, ...]
    requires_recreate: bool
    requires_reload: bool
    tenant_uuid: UUID | None
    endpoint_uuid: UUID | None
    created_at: datetime


@dataclass(slots=True)
class ChangeSummary:
    dry_run: bool
    affected_endpoints: int = 0
    updates: list[RecordedUpdate] = field(default_factory=list)

    def extend(self, other: ChangeSummary) -> None:
        self.affected_endpoints += other.affected_endpoints
        self.updates.extend(other.updates)


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


@dataclass(slots=True)
class Desired:
    """The objects the given endpoints should have, with the resolution they came from."""

    objects: dict[ObjectKey, Options] = field(default_factory=dict)
    owners: dict[ObjectKey, Owner] = field(default_factory=dict)
    resolved: dict[UUID, ResolvedSections] = field(default_factory=dict)


def desired_endpoint_objects(
    graph: Graph, endpoint_uuids: Iterable[UUID], catalog: Catalog, resolver: Resolver | None = None
) -> Desired:
    """Resolve each endpoint and flatten it into its Sorcery objects."""
    resolver = resolver or new_resolver(graph.nodes, catalog)
    desired = Desired()
    with collector_paused():
        _desire(desired, graph, endpoint_uuids, resolver)
    return desired


def _desire(desired: Desired, graph: Graph, endpoint_uuids: Iterable[UUID], resolver: Resolver) -> None:
    for uuid in endpoint_uuids:
        node = graph.nodes[uuid]
        resolved = resolver.resolve(uuid)
        objects = endpoint_objects(node.name, resolved)
        owner = Owner(graph.tenants[uuid], uuid)
        for obj in objects:
            desired.objects[obj.key] = obj.fields
            desired.owners[obj.key] = owner
        desired.resolved[uuid] = resolved


async def sync_endpoints(
    session: AsyncSession,
    engine: Engine,
    graph: Graph,
    endpoint_uuids: Collection[UUID],
    *,
    removed_endpoint_uuids: Collection[UUID] = (),
    tenant_scope: Collection[UUID] | None = None,
    resolution_version: int | None = None,
    dry_run: bool,
    rewrite_secrets: Mapping[Section, frozenset[str]] | None = None,
) -> ChangeSummary:
    """Recompute these endpoints, delete the objects of removed ones, record the difference.

    ``rewrite_secrets`` (section to secret keys) are recorded as changed in these
    endpoints' auth objects even when their values did not change.

    With ``resolution_version`` (the version just given to these endpoints'
    resolved views), the views computed here are kept for the write-through cache.
    """
    with collector_paused():
        return await _sync_endpoints(
            session,
            engine,
            graph,
            endpoint_uuids,
            removed_endpoint_uuids=removed_endpoint_uuids,
            tenant_scope=tenant_scope,
            resolution_version=resolution_version,
            dry_run=dry_run,
            rewrite_secrets=rewrite_secrets,
        )


def _forced_secret_keys(
    graph: Graph, endpoint_uuids: Collection[UUID], sections: Mapping[Section, frozenset[str]]
) -> dict[ObjectKey, frozenset[str]]:
    """The auth objects (and their secret keys) that the rewritten sections become in these endpoints."""
    return {
        auth_object_key(section, graph.nodes[uuid].name): keys
        for uuid in endpoint_uuids
        if uuid in graph.nodes
        for section, keys in sections.items()
    }


async def _sync_endpoints(
    session: AsyncSession,
    engine: Engine,
    graph: Graph,
    endpoint_uuids: Collection[UUID],
    *,
    removed_endpoint_uuids: Collection[UUID],
    tenant_scope: Collection[UUID] | None,
    resolution_version: int | None,
    dry_run: bool,
    rewrite_secrets: Mapping[Section, frozenset[str]] | None,
) -> ChangeSummary:
    catalog = load_catalog()
    computed = desired_endpoint_objects(graph, endpoint_uuids, catalog)
    desired, owners = computed.objects, computed.owners
    if resolution_version is not None and not dry_run:
        for_cache = committed(session).resolved
        for uuid, resolved in computed.resolved.items():
            for_cache[(uuid, resolution_version)] = resolved
    wanted = set(endpoint_uuids) | set(removed_endpoint_uuids)
    forced = _forced_secret_keys(graph, endpoint_uuids, rewrite_secrets) if rewrite_secrets else {}
    if len(wanted) > CHUNK:
        # Many endpoints (a template of a large tenant): read the tenants' objects at once.
        tenants = set(graph.tenants.values()) if tenant_scope is None else set(tenant_scope)
        found = await recorded_object_texts(session, engine.uuid, tenant_uuids=sorted(tenants))
    else:
        found = await recorded_object_texts(session, engine.uuid, endpoint_uuids=sorted(wanted))
    # An object whose stored text is what we would write is unchanged: only the
    # others are decoded and diffed (a template change leaves most objects alone).
    dumps = orjson.dumps
    texts = {key: dumps(fields).decode() for key, fields in desired.items()}
    recorded: dict[ObjectKey, Options] = {}
    for key, (text, tenant, endpoint) in found.items():
        if endpoint not in wanted:
            continue  # another endpoint of the tenant
        if key not in owners:
            owners[key] = Owner(tenant, endpoint)
        if texts.get(key) != text or key in forced:
            recorded[key] = to_options(orjson.loads(text))
    candidates = {key: fields for key, fields in desired.items() if key in recorded or key not in found}
    plans = diff_objects(recorded, candidates, owners=owners, catalog=catalog, forced_keys=forced)
    updates = await record(session, engine, plans, texts=texts, dry_run=dry_run)
    return ChangeSummary(dry_run=dry_run, affected_endpoints=len(endpoint_uuids), updates=updates)


async def sync_engine_objects(
    session: AsyncSession,
    engine: Engine,
    desired: dict[ObjectKey, Options],
    removed: Sequence[ObjectKey] = (),
    *,
    dry_run: bool,
) -> ChangeSummary:
    """Record the changes of engine objects (transports, global, system)."""
    keys = list(desired) + list(removed)
    recorded = await engine_objects(session, engine.uuid, keys)
    plans = diff_objects(recorded, desired, owners={}, catalog=load_catalog())
    updates = await record(session, engine, plans, dry_run=dry_run)
    return ChangeSummary(dry_run=dry_run, updates=updates)


async def record(
    session: AsyncSession,
    engine: Engine,
    plans: Sequence[PlannedUpdate],
    *,
    texts: Mapping[ObjectKey, str] | None = None,
    dry_run: bool,
) -> list[RecordedUpdate]:
    """Number the updates, store them and the new object states (unless a dry run).

    ``texts``: the desired objects' fields already serialised, written as they are.
    """
    texts = texts or {}
    now = utcnow()
    if not plans:
        return []
    first_seq = engine.last_seq + 1
    recorded = [
        RecordedUpdate(
            seq=None if dry_run else first_seq + i,
            engine=engine.name,
            action=p.action,
            object_type=p.object_type,
            object_id=p.object_id,
            fields=p.fields,
            changed_keys=p.changed_keys,
            requires_recreate=p.requires_recreate,
            requires_reload=p.requires_reload,
            tenant_uuid=p.owner.tenant_uuid,
            endpoint_uuid=p.owner.endpoint_uuid,
            created_at=now,
        )
        for i, p in enumerate(plans)
    ]
    if dry_run:
        return recorded
    engine.last_seq = first_seq + len(plans) - 1
    await session.flush()
    await announce(session, engine)
    await insert_rows(
        session,
        update_t,
        [
            {
                "engine_uuid": engine.uuid,
                "seq": u.seq,
                "action": u.action.value,
                "object_type": u.object_type,
                "object_id": u.object_id,
                "fields": _stored_text(texts, (u.object_type, u.object_id), u.fields),
                "changed_keys": u.changed_keys,
                "requires_recreate": u.requires_recreate,
                "requires_reload": u.requires_reload,
                "tenant_uuid": u.tenant_uuid,
                "endpoint_uuid": u.endpoint_uuid,
                "created_at": now,
            }
            for u in recorded
        ],
    )
    await _store_objects(session, engine.uuid, plans, texts)
    if session.info.get(REALTIME_KEY):
        await _write_realtime(session, recorded)
    return recorded


async def _write_realtime(session: AsyncSession, updates: Sequence[RecordedUpdate]) -> None:
    """Asterisk's realtime tables in the same transaction as the change (same database)."""
    from app.asterisk.realtime.apply import apply_updates

    report = await apply_updates(await session.connection(), updates)
    if report.unmapped or report.rejected:
        log.warning("realtime tables: %s", report.summary())


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


async def announce(session: AsyncSession, engine: Engine) -> None:
    """Wake subscribers once this transaction commits: in process, and on
    PostgreSQL every replica's listener (NOTIFY is delivered at commit only)."""
    facts = committed(session)
    if engine.uuid in facts.engines:
        return
    facts.engines.add(engine.uuid)
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, str(engine.uuid))))


@dataclass(frozen=True, slots=True)
class Change:
    """A change to a tenant, template or endpoint, for the change-event stream."""

    action: str  # CREATED, UPDATED, DELETED
    kind: str  # tenant, template, endpoint
    uuid: UUID
    tenant_uuid: UUID
    revision: int | None = None


async def record_changes(session: AsyncSession, engine: Engine, changes: Sequence[Change], *, dry_run: bool) -> None:
    """Number and store change events in this transaction (nothing in a dry run)."""
    if dry_run or not changes:
        return
    paths = await tenant_paths(session, {c.tenant_uuid for c in changes})
    first = engine.last_event_seq + 1
    engine.last_event_seq = first + len(changes) - 1
    await session.flush()
    now = utcnow()
    await session.execute(
        sa.insert(event_t),
        [
            {
                "engine_uuid": engine.uuid,
                "seq": first + i,
                "action": c.action,
                "kind": c.kind,
                "uuid": c.uuid,
                "tenant_uuid": c.tenant_uuid,
                "tenant_path": [str(t) for t in paths.get(c.tenant_uuid, (c.tenant_uuid,))],
                "revision": c.revision,
                "created_at": now,
            }
            for i, c in enumerate(changes)
        ],
    )
    await announce(session, engine)


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
