"""Tenants and their default templates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

import strawberry

from app.api.context import Info
from app.api.types.common import PageInfo
from app.api.types.configs import SipTemplate, list_bound
from app.api.types.engines import Engine
from app.services.access import TENANTS_READ
from app.services.records import ConfigRecord, TenantRecord


@strawberry.type
class DefaultTemplates:
    general: SipTemplate | None
    sip: SipTemplate | None
    webrtc: SipTemplate | None
    trunk: SipTemplate | None


@strawberry.type
class Tenant:
    uuid: UUID
    name: str
    slug: str
    created_at: datetime
    record: strawberry.Private[TenantRecord]

    @classmethod
    def of(cls, record: TenantRecord) -> Tenant:
        return cls(uuid=record.uuid, name=record.name, slug=record.slug, created_at=record.created_at, record=record)

    @strawberry.field
    async def parent(self, info: Info) -> Tenant | None:
        info.context.caller.require(TENANTS_READ)
        parent = self.record.parent_uuid
        if parent is None or not info.context.caller.can_see(parent):
            return None
        record = await info.context.loaders.tenant.load(parent)
        return Tenant.of(record) if record is not None else None

    @strawberry.field(
        description=(
            "Sub-tenants: at most `first` of them (default and bound: the server's max_list_items). "
            "Use `tenants` to page through all."
        )
    )
    async def children(self, info: Info, first: int | None = None) -> list[Tenant]:
        # The same rule as `tenants`: the tenant tree needs tenants:read on every path.
        info.context.caller.require(TENANTS_READ)
        records = await info.context.loaders.tenant_children.load(self.uuid)
        visible = [r for r in records if info.context.caller.can_see(r.uuid)]
        return [Tenant.of(r) for r in visible[: list_bound(info, first)]]

    @strawberry.field
    async def engine(self, info: Info) -> Engine:
        return Engine.of(await info.context.loaders.engine.load(self.record.engine_uuid))

    @strawberry.field
    async def default_templates(self, info: Info) -> DefaultTemplates:
        by_role: dict[str, ConfigRecord] = await info.context.loaders.default_templates.load(self.uuid)

        def pick(role: str) -> SipTemplate | None:
            record = by_role.get(role)
            return SipTemplate.of(record) if record is not None else None

        return DefaultTemplates(general=pick("general"), sip=pick("sip"), webrtc=pick("webrtc"), trunk=pick("trunk"))


@strawberry.type
class TenantEdge:
    cursor: str
    node: Tenant


@strawberry.type
class TenantConnection:
    edges: list[TenantEdge]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    async def total_count(self) -> int:
        return await self.count()
