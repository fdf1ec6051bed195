"""Batch reads behind the API's DataLoaders: one statement (or two) per batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import col, select

from app.cache import ResolutionCache
from app.db.bulk import equals_any
from app.db.database import Database
from app.db.hot import HotRead
from app.db.models import ConfigParent, Engine, SipConfig, Tenant, Transport
from app.db.queries import load_graph
from app.domain.graph import descendants
from app.domain.resolution import ConfigKind, ResolvedSections
from app.record.resolver import new_resolver
from app.services.snapshots import CONFIG_COLUMNS, ConfigRecord, EngineRecord, TenantRecord, TransportRecord

R = TypeVar("R")

# Built once: the most frequent read (every config a request touches), and
# building a select costs more than running it.
_CONFIG_UUID = SipConfig.__table__.c.uuid  # type: ignore[attr-defined]
_CONFIGS_BY_UUID = HotRead(
    sa.select(*CONFIG_COLUMNS).where(_CONFIG_UUID.in_(sa.bindparam("uuids", expanding=True))),
    postgresql=sa.select(*CONFIG_COLUMNS).where(equals_any(_CONFIG_UUID, "uuids")),
)


async def configs_by_uuid(db: Database, uuids: Sequence[UUID]) -> list[ConfigRecord | None]:
    rows = await _CONFIGS_BY_UUID.rows(db, {"uuids": list(uuids)})
    found = {r[0]: ConfigRecord.of_row(r) for r in rows}
    return [found.get(u) for u in uuids]


async def parents_of(db: Database, uuids: Sequence[UUID]) -> list[list[ConfigRecord]]:
    async with db.reading() as session:
        rows = (
            await session.execute(
                select(ConfigParent.child_uuid, SipConfig)
                .join(SipConfig, col(SipConfig.uuid) == col(ConfigParent.parent_uuid))
                .where(col(ConfigParent.child_uuid).in_(uuids))
                .order_by(col(ConfigParent.child_uuid), col(ConfigParent.position))
            )
        ).all()
    out: dict[UUID, list[ConfigRecord]] = {}
    for child, parent in rows:
        out.setdefault(child, []).append(ConfigRecord.of(parent))
    return [out.get(u, []) for u in uuids]


async def children_of(db: Database, uuids: Sequence[UUID]) -> list[list[ConfigRecord]]:
    async with db.reading() as session:
        rows = (
            await session.execute(
                select(ConfigParent.parent_uuid, SipConfig)
                .join(SipConfig, col(SipConfig.uuid) == col(ConfigParent.child_uuid))
                .where(col(ConfigParent.parent_uuid).in_(uuids))
                .order_by(col(ConfigParent.parent_uuid), col(SipConfig.kind).desc(), col(SipConfig.name))
            )
        ).all()
    out: dict[UUID, list[ConfigRecord]] = {}
    for parent, child in rows:
        out.setdefault(parent, []).append(ConfigRecord.of(child))
    return [out.get(u, []) for u in uuids]


async def endpoint_counts(db: Database, uuids: Sequence[UUID]) -> list[int]:
    """Endpoints whose resolution includes each template (its endpoint descendants)."""
    async with db.reading() as session:
        tenants = select(col(SipConfig.tenant_uuid)).where(col(SipConfig.uuid).in_(uuids))
        rows = (
            await session.execute(
                select(ConfigParent.parent_uuid, ConfigParent.child_uuid, SipConfig.kind)
                .join(SipConfig, col(SipConfig.uuid) == col(ConfigParent.child_uuid))
                .where(col(SipConfig.tenant_uuid).in_(tenants))
            )
        ).all()
    children: dict[UUID, list[UUID]] = {}
    endpoints: set[UUID] = set()
    for parent, child, kind in rows:
        children.setdefault(parent, []).append(child)
        if kind == ConfigKind.ENDPOINT.value:
            endpoints.add(child)
    return [len(descendants([u], children) & endpoints) for u in uuids]


async def resolved_of(
    db: Database, keys: Sequence[tuple[UUID, int]], cache: ResolutionCache | None = None
) -> list[ResolvedSections | None]:
    """Resolved views by (uuid, resolved_version): from the cache, else resolved and cached.

    A view computed here reflects a state at least as new as the version asked
    for (the row carrying that version was already committed), so caching it
    under that version never serves anything older.
    """
    found: list[ResolvedSections | None] = await cache.get_many(keys) if cache else [None] * len(keys)
    missing = [k for k, v in zip(keys, found, strict=True) if v is None]
    if not missing:
        return found
    async with db.reading() as session:
        graph = await load_graph(session, [u for u, _ in missing])
    resolver = new_resolver(graph.nodes)
    fresh = {k: resolver.resolve(k[0]) for k in missing if k[0] in graph.nodes}
    if cache is not None:
        await cache.set_many(fresh)
    return [v if v is not None else fresh.get(k) for k, v in zip(keys, found, strict=True)]


async def tenants_by_uuid(db: Database, uuids: Sequence[UUID]) -> list[TenantRecord | None]:
    return await _by_uuid(db, Tenant, TenantRecord.of, uuids)


async def tenant_children(db: Database, uuids: Sequence[UUID]) -> list[list[TenantRecord]]:
    async with db.reading() as session:
        rows = (
            await session.scalars(
                select(Tenant).where(col(Tenant.parent_uuid).in_(uuids)).order_by(col(Tenant.name), col(Tenant.uuid))
            )
        ).all()
    out: dict[UUID, list[TenantRecord]] = {}
    for r in rows:
        if r.parent_uuid is not None:
            out.setdefault(r.parent_uuid, []).append(TenantRecord.of(r))
    return [out.get(u, []) for u in uuids]


async def default_templates(db: Database, tenant_uuids: Sequence[UUID]) -> list[dict[str, ConfigRecord]]:
    async with db.reading() as session:
        rows = (
            await session.scalars(
                select(SipConfig).where(
                    col(SipConfig.tenant_uuid).in_(tenant_uuids),
                    col(SipConfig.default_role).is_not(None),
                )
            )
        ).all()
    out: dict[UUID, dict[str, ConfigRecord]] = {}
    for r in rows:
        if r.default_role is not None:
            out.setdefault(r.tenant_uuid, {})[r.default_role] = ConfigRecord.of(r)
    return [out.get(u, {}) for u in tenant_uuids]


async def transports_by_uuid(db: Database, uuids: Sequence[UUID]) -> list[TransportRecord | None]:
    return await _by_uuid(db, Transport, TransportRecord.of, uuids)


async def transports_of_engines(db: Database, uuids: Sequence[UUID]) -> list[list[TransportRecord]]:
    async with db.reading() as session:
        rows = (
            await session.scalars(
                select(Transport).where(col(Transport.engine_uuid).in_(uuids)).order_by(col(Transport.name))
            )
        ).all()
    out: dict[UUID, list[TransportRecord]] = {}
    for r in rows:
        out.setdefault(r.engine_uuid, []).append(TransportRecord.of(r))
    return [out.get(u, []) for u in uuids]


async def engines_by_uuid(db: Database, uuids: Sequence[UUID]) -> list[EngineRecord | None]:
    return await _by_uuid(db, Engine, EngineRecord.of, uuids)


async def engine_by_name(db: Database, name: str) -> EngineRecord | None:
    async with db.reading() as session:
        row = (await session.scalars(select(Engine).where(Engine.name == name))).first()
    return EngineRecord.of(row) if row is not None else None


async def _by_uuid(db: Database, model: Any, record: Callable[[Any], R], uuids: Sequence[UUID]) -> list[R | None]:
    """Rows of ``model`` by uuid as records, in the order asked (None where there is none)."""
    async with db.reading() as session:
        rows = (await session.scalars(select(model).where(col(model.uuid).in_(uuids)))).all()
    found = {r.uuid: record(r) for r in rows}
    return [found.get(u) for u in uuids]
