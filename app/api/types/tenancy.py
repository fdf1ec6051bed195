"""Tenants and their configurations (templates and endpoints).

One module because each refers to the other: a tenant lists its templates and
default templates, and every template or endpoint names its tenant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from app.api.context import Info
from app.api.execution import plain_resolver
from app.api.types.engines import Engine, Transport
from app.api.types.enums import ConfigKind
from app.api.types.node import Node
from app.api.types.options import ResolvedSipSections, SipSections, own_sections_type, resolved_type
from app.api.types.paging import CountedConnection
from app.api.types.sorcery import PjsipObject, SorceryObject, pjsip_object_type, sorcery_object_type
from app.domain.resolution import ConfigKind as DomainKind
from app.domain.resolution import ResolvedSections
from app.domain.sorcery import SorceryObject as DomainObject
from app.domain.sorcery import endpoint_objects
from app.errors import InvalidInput
from app.services.access import TENANTS_READ
from app.services.read_access import readable_children, readable_parent, sees_engine_secrets
from app.services.reads import parents_of
from app.services.snapshots import ConfigRecord, ConfigView, TenantRecord


def list_bound(info: Info, first: int | None) -> int:
    """How many items an unpaginated list returns: `first`, at most max_list_items."""
    bound = info.context.settings.max_list_items
    if first is None:
        return bound
    if first < 0 or first > bound:
        raise InvalidInput.at("first", f"must be between 0 and {bound}")
    return first


@strawberry.interface(description=("A template or an endpoint: its own options, its parents, and what it resolves to."))
class SipConfig(Node):
    uuid: UUID = strawberry.field(description="The configuration's identifier, used in arguments.")
    kind: ConfigKind = strawberry.field(description="Template or endpoint.")
    name: str = strawberry.field(
        description="A template's name in its tenant, or an endpoint's Sorcery id on its engine."
    )
    label: str | None = strawberry.field(description="A display name for people; null when not set.")
    revision: int = strawberry.field(
        description=("Increases with every change: send it as `expectedRevision` to detect concurrent edits.")
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    record: strawberry.Private[ConfigRecord]
    view: strawberry.Private[ConfigView | None]
    # The resolved view, when the list that returned this config loaded the
    # views of its whole page at once (see Query.endpoints).
    prefetched: strawberry.Private[ResolvedSections | None]

    @strawberry.field(description="The tenant it belongs to.")
    async def tenant(self, info: Info) -> Tenant:
        record = await info.context.loaders.tenant.load(self.record.tenant_uuid)
        return Tenant.of(record)

    @strawberry.field(description="The templates it inherits from, in order: a later one overrides an earlier one.")
    async def parents(self, info: Info) -> list[SipTemplate]:
        if self.view is not None:
            # A mutation's answer: read past the request's loaders, which may hold what an
            # earlier mutation of the same operation saw before this one.
            parents = self.view.parents
            if parents is None:
                parents = tuple((await parents_of(info.context.db, [self.uuid]))[0])
            return [SipTemplate.of(p) for p in parents]
        records = await info.context.loaders.parents.load(self.uuid)
        return [SipTemplate.of(r) for r in records]

    @strawberry.field(description="Its own transport; null when it inherits one or sets none.")
    async def transport(self, info: Info) -> Transport | None:
        if self.record.transport_uuid is None:
            return None
        record = await info.context.loaders.transport.load(self.record.transport_uuid)
        return (
            Transport.of(record, show_secrets=sees_engine_secrets(info.context.caller)) if record is not None else None
        )

    @strawberry.field(description="The options it sets itself, in stored order.")
    @plain_resolver
    def own(self, info: Info) -> SipSections:
        record = self.record
        return own_sections_type(record.options, lambda: record.sections, show_secrets=info.context.caller.sees_secrets)

    @strawberry.field(description="The options in effect after inheritance (docs/domain.md §4).")
    @plain_resolver
    def resolved(self, info: Info) -> ResolvedSipSections:
        # Not a coroutine when the view is at hand: a page of 100 endpoints
        # then completes without 100 tasks (graphql-core awaits the awaitable
        # returned otherwise).
        show = info.context.caller.sees_secrets
        ready = self.view.resolved if self.view is not None else self.prefetched
        if ready is not None:
            return resolved_type(ready, show_secrets=show)
        return self._load_resolved(info, show)  # type: ignore[return-value]

    async def _load_resolved(self, info: Info, show_secrets: bool) -> ResolvedSipSections:
        return resolved_type(await self._resolved(info), show_secrets=show_secrets)

    async def _resolved(self, info: Info) -> ResolvedSections:
        ready = self.view.resolved if self.view is not None else self.prefetched
        if ready is not None:
            return ready
        key = (self.uuid, self.record.resolved_version)
        resolved: ResolvedSections = await info.context.loaders.resolved.load(key)
        return resolved


def _fields(
    record: ConfigRecord, view: ConfigView | None, prefetched: ResolvedSections | None = None
) -> dict[str, object]:
    return {
        "uuid": record.uuid,
        "kind": ConfigKind(record.kind.value),
        "name": record.name,
        "label": record.label,
        "revision": record.revision,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "record": record,
        "view": view,
        "prefetched": prefetched,
    }


@strawberry.type(
    description=("A template: options its inheritors (templates and endpoints) share. Asterisk never sees it.")
)
class SipTemplate(SipConfig):
    @strawberry.field(
        description=(
            "Templates and endpoints that list this template as a parent: at most `first` of them "
            "(default and bound: the server's max_list_items). Use `endpoints(inheritsFrom:)` to page through all."
        )
    )
    async def children(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="At most this many (default and bound: max_list_items).")
        ] = None,
    ) -> list[SipConfig]:
        records = await info.context.loaders.children.load(self.uuid)
        return [config_type(r) for r in records[: list_bound(info, first)]]

    @strawberry.field(description="Number of endpoints whose resolution includes this template.")
    async def endpoint_count(self, info: Info) -> int:
        count: int = await info.context.loaders.endpoint_count.load(self.uuid)
        return count

    @classmethod
    def of(
        cls, record: ConfigRecord, view: ConfigView | None = None, prefetched: ResolvedSections | None = None
    ) -> SipTemplate:
        return cls(**_fields(record, view, prefetched))  # type: ignore[arg-type]


@strawberry.type(description="A line or trunk: it becomes Sorcery objects in Asterisk.")
class SipEndpoint(SipConfig):
    async def _objects(self, info: Info) -> tuple[DomainObject, ...]:
        if self.view is not None and self.view.objects is not None:
            return tuple(self.view.objects)
        return tuple(endpoint_objects(self.name, await self._resolved(info)))

    @strawberry.field(
        description="The Sorcery objects this endpoint flattens into (docs/domain.md §5).",
        deprecation_reason=(
            "Use pjsipObjects: the same objects with a unique `id`, so that client caches keep the endpoint, "
            "its aor and its auth apart (here they share `id`)."
        ),
    )
    async def sorcery_objects(self, info: Info) -> list[SorceryObject]:
        show = info.context.caller.sees_secrets
        return [sorcery_object_type(o.type, o.id, o.fields, show_secrets=show) for o in await self._objects(info)]

    @strawberry.field(
        description=(
            "The Sorcery objects this endpoint flattens into (docs/domain.md §5), in the order Asterisk needs "
            "them: auth and aor before the endpoint that names them."
        )
    )
    async def pjsip_objects(self, info: Info) -> list[PjsipObject]:
        show = info.context.caller.sees_secrets
        return [pjsip_object_type(self.uuid, o, show_secrets=show) for o in await self._objects(info)]

    @classmethod
    def of(
        cls, record: ConfigRecord, view: ConfigView | None = None, prefetched: ResolvedSections | None = None
    ) -> SipEndpoint:
        return cls(**_fields(record, view, prefetched))  # type: ignore[arg-type]


def config_type(record: ConfigRecord, view: ConfigView | None = None) -> SipTemplate | SipEndpoint:
    if record.kind is DomainKind.TEMPLATE:
        return SipTemplate.of(record, view)
    return SipEndpoint.of(record, view)


@strawberry.type(description="A template of the page and its cursor.")
class SipTemplateEdge:
    cursor: str = strawberry.field(description="Opaque position of this template: pass it as `after` or `before`.")
    node: SipTemplate = strawberry.field(description="The template.")


@strawberry.type(description="A page of templates.")
class SipTemplateConnection(CountedConnection):
    edges: list[SipTemplateEdge] = strawberry.field(description="The page's templates with their cursors.")

    @strawberry.field(description="The page's templates, in order: `edges` without the cursors.")
    def nodes(self) -> list[SipTemplate]:
        return [edge.node for edge in self.edges]


@strawberry.type(description="An endpoint of the page and its cursor.")
class SipEndpointEdge:
    cursor: str = strawberry.field(description="Opaque position of this endpoint: pass it as `after` or `before`.")
    node: SipEndpoint = strawberry.field(description="The endpoint.")


@strawberry.type(description="A page of endpoints.")
class SipEndpointConnection(CountedConnection):
    edges: list[SipEndpointEdge] = strawberry.field(description="The page's endpoints with their cursors.")

    @strawberry.field(description="The page's endpoints, in order: `edges` without the cursors.")
    def nodes(self) -> list[SipEndpoint]:
        return [edge.node for edge in self.edges]


@strawberry.type(description="The templates created with a tenant, by role; null once deleted.")
class DefaultTemplates:
    general: SipTemplate | None = strawberry.field(description="Options every line and trunk inherits.")
    sip: SipTemplate | None = strawberry.field(description="Options of a SIP phone line (inherits general).")
    webrtc: SipTemplate | None = strawberry.field(description="Options of a WebRTC line (inherits general).")
    trunk: SipTemplate | None = strawberry.field(description="Options of a trunk to a provider (inherits general).")


@strawberry.type(description=("A customer or organisation: it owns templates and endpoints, and may have sub-tenants."))
class Tenant(Node):
    uuid: UUID = strawberry.field(description="The tenant's identifier, used in arguments.")
    name: str = strawberry.field(description="Display name.")
    slug: str = strawberry.field(
        description="Unique on the server: 1 to 63 of a-z, 0-9 and -; native pjsip.conf exports name templates with it."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    record: strawberry.Private[TenantRecord]

    @classmethod
    def of(cls, record: TenantRecord) -> Tenant:
        return cls(uuid=record.uuid, name=record.name, slug=record.slug, created_at=record.created_at, record=record)

    @strawberry.field(description="The parent tenant; null for the root, or when the caller cannot see it.")
    async def parent(self, info: Info) -> Tenant | None:
        parent = readable_parent(info.context.caller, self.record)
        if parent is None:
            return None
        record = await info.context.loaders.tenant.load(parent)
        return Tenant.of(record) if record is not None else None

    @strawberry.field(
        description=(
            "Sub-tenants: at most `first` of them (default and bound: the server's max_list_items). "
            "Use `tenants` to page through all."
        )
    )
    async def children(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="At most this many (default and bound: max_list_items).")
        ] = None,
    ) -> list[Tenant]:
        info.context.caller.require(TENANTS_READ)  # before loading anything
        records = await info.context.loaders.tenant_children.load(self.uuid)
        visible = readable_children(info.context.caller, records)
        return [Tenant.of(r) for r in visible[: list_bound(info, first)]]

    @strawberry.field(description="The engine the tenant's endpoints are for.")
    async def engine(self, info: Info) -> Engine:
        return Engine.of(await info.context.loaders.engine.load(self.record.engine_uuid))

    @strawberry.field(description="The templates created with the tenant, by role.")
    async def default_templates(self, info: Info) -> DefaultTemplates:
        by_role: dict[str, ConfigRecord] = await info.context.loaders.default_templates.load(self.uuid)

        def pick(role: str) -> SipTemplate | None:
            record = by_role.get(role)
            return SipTemplate.of(record) if record is not None else None

        return DefaultTemplates(general=pick("general"), sip=pick("sip"), webrtc=pick("webrtc"), trunk=pick("trunk"))


@strawberry.type(description="A tenant of the page and its cursor.")
class TenantEdge:
    cursor: str = strawberry.field(description="Opaque position of this tenant: pass it as `after` or `before`.")
    node: Tenant = strawberry.field(description="The tenant.")


@strawberry.type(description="A page of tenants, by name.")
class TenantConnection(CountedConnection):
    edges: list[TenantEdge] = strawberry.field(description="The page's tenants with their cursors.")

    @strawberry.field(description="The page's tenants, in order: `edges` without the cursors.")
    def nodes(self) -> list[Tenant]:
        return [edge.node for edge in self.edges]
