"""Tenants: a tree of customers, each on an engine, with default templates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db.database import Database
from app.db.models import SipConfig, Tenant, Transport
from app.db.queries import Graph, tenant_subtree
from app.db.tenant_graphs import forget_once_committed
from app.domain.defaults import DEFAULT_TEMPLATES
from app.domain.resolution import ConfigKind
from app.errors import Forbidden, InvalidInput, Issue, NotFound
from app.record.engine_row import lock_engine
from app.record.sync import sync_endpoints
from app.record.updates import Change, ChangeSummary
from app.record.writing import record_changes
from app.services.access import TENANTS_WRITE, Caller
from app.services.configs import NewConfig, insert_config
from app.services.snapshots import TenantRecord

SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")  # always fullmatch: `$` would accept a trailing newline
# C0/C1 controls, line separators and bidi controls: they break exports and disguise names.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


@dataclass(slots=True)
class TenantResult:
    tenant: TenantRecord | None
    changes: ChangeSummary


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63]
    return slug or "tenant"


def _name_issues(name: str) -> list[Issue]:
    if not name.strip() or len(name) > 128 or _CONTROL.search(name):
        return [Issue("input.name", "a tenant name has 1 to 128 characters and no control character")]
    return []


async def create_tenant(
    db: Database,
    caller: Caller,
    *,
    name: str,
    slug: str | None,
    parent_uuid: UUID | None,
    with_default_templates: bool,
) -> TenantResult:
    caller.require(TENANTS_WRITE)
    parent_uuid = parent_uuid or caller.tenant_uuid
    async with db.writing() as session:
        parent = await session.get(Tenant, parent_uuid)
        if parent is None or not caller.can_see(parent.uuid):
            raise NotFound("parent tenant not found")
        engine = await lock_engine(session, parent.engine_uuid)
        slug = slug if slug is not None else slugify(name)
        issues = _name_issues(name)
        if not SLUG_PATTERN.fullmatch(slug):
            issues.append(Issue("input.slug", "a slug is 1 to 63 of a-z, 0-9 and '-', starting with a letter or digit"))
        elif (await session.execute(select(Tenant.uuid).where(Tenant.slug == slug))).first():
            issues.append(Issue("input.slug", f"the slug '{slug}' is taken"))
        if issues:
            raise InvalidInput(issues)
        tenant = Tenant(name=name, slug=slug, parent_uuid=parent.uuid, engine_uuid=parent.engine_uuid)
        session.add(tenant)
        await session.flush()
        templates = await create_default_templates(session, tenant) if with_default_templates else []
        await record_changes(
            session,
            engine,
            [Change("CREATED", "tenant", tenant.uuid, tenant.uuid)]
            + [Change("CREATED", "template", t.uuid, tenant.uuid, t.revision) for t in templates],
            dry_run=False,
        )
        caller.visible.add(tenant.uuid)
        return TenantResult(TenantRecord.of(tenant), ChangeSummary(dry_run=False))


async def create_default_templates(session: AsyncSession, tenant: Tenant) -> list[SipConfig]:
    """`general`, `sip`, `webrtc` and `trunk`; transports are looked up on the engine by name."""
    transports = {
        t.name: t.uuid
        for t in (await session.scalars(select(Transport).where(Transport.engine_uuid == tenant.engine_uuid))).all()
    }
    created: dict[str, UUID] = {}
    rows: list[SipConfig] = []
    for template in DEFAULT_TEMPLATES:
        row = await insert_config(
            session,
            kind=ConfigKind.TEMPLATE,
            tenant=tenant,
            data=NewConfig(
                name=template.role,
                label=template.label,
                parent_uuids=[created[p] for p in template.parents],
                transport_uuid=transports.get(template.transport) if template.transport else None,
                sections=dict(template.sections),
                default_role=template.role,
            ),
        )
        created[template.role] = row.uuid
        rows.append(row)
    return rows


async def update_tenant(db: Database, caller: Caller, uuid: UUID, *, name: str | None) -> TenantResult:
    caller.require(TENANTS_WRITE)
    async with db.writing() as session:
        tenant = await session.get(Tenant, uuid)
        if tenant is None or not caller.can_see(tenant.uuid):
            raise NotFound("tenant not found")
        if name is not None and name != tenant.name:
            issues = _name_issues(name)
            if issues:
                raise InvalidInput(issues)
            engine = await lock_engine(session, tenant.engine_uuid)
            tenant.name = name
            await session.flush()
            await record_changes(
                session, engine, [Change("UPDATED", "tenant", tenant.uuid, tenant.uuid)], dry_run=False
            )
        return TenantResult(TenantRecord.of(tenant), ChangeSummary(dry_run=False))


async def delete_tenant(db: Database, caller: Caller, uuid: UUID, *, dry_run: bool) -> ChangeSummary:
    """Delete the tenant and its sub-tenants; record DELETEs for all of their endpoints' objects."""
    caller.require(TENANTS_WRITE)
    async with db.writing(commit=not dry_run) as session:
        tenant = await session.get(Tenant, uuid)
        if tenant is None or not caller.can_see(tenant.uuid):
            raise NotFound("tenant not found")
        if tenant.parent_uuid is None:
            raise Forbidden("the root tenant cannot be deleted")
        if tenant.uuid == caller.tenant_uuid:
            raise Forbidden("a token cannot delete its own tenant")
        engine = await lock_engine(session, tenant.engine_uuid)
        subtree = await tenant_subtree(session, tenant.uuid)
        configs = (
            await session.execute(
                select(SipConfig.uuid, SipConfig.kind, SipConfig.tenant_uuid, SipConfig.revision).where(
                    col(SipConfig.tenant_uuid).in_(subtree)
                )
            )
        ).all()
        endpoints = [c.uuid for c in configs if c.kind == ConfigKind.ENDPOINT.value]
        await record_changes(
            session,
            engine,
            [Change("DELETED", c.kind, c.uuid, c.tenant_uuid, c.revision) for c in configs]
            + [Change("DELETED", "tenant", t, t) for t in reversed(subtree)],
            dry_run=dry_run,
        )
        await session.delete(tenant)
        await session.flush()
        forget_once_committed(session, subtree)
        return await sync_endpoints(
            session, engine, Graph({}, {}), (), removed_endpoint_uuids=endpoints, dry_run=dry_run
        )
