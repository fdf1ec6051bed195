"""Query root."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from uuid import UUID

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from app.api.arguments import (
    AfterCursor,
    BeforeCursor,
    LastSize,
    PageSize,
    search_argument,
    text_argument,
    window_argument,
)
from app.api.context import Info
from app.api.nodes import NodeQueries
from app.api.types.catalog import CatalogOption, catalog_options
from app.api.types.engines import Engine
from app.api.types.enums import OrderDirection, PjsipTemplates, SipConfigOrder, SipSection, SorceryObjectType
from app.api.types.paging import PageInfo, page_info
from app.api.types.sorcery import SorceryUpdate, update_type
from app.api.types.tenancy import (
    SipEndpoint,
    SipEndpointConnection,
    SipEndpointEdge,
    SipTemplate,
    SipTemplateConnection,
    SipTemplateEdge,
    Tenant,
    TenantConnection,
    TenantEdge,
)
from app.api.types.tokens import TokenQueries
from app.api.viewer import ViewerQueries
from app.domain.resolution import ConfigKind, ResolvedSections
from app.services import exports, listing, reads
from app.services.access import SIP_READ, TENANTS_READ
from app.services.exports import TemplateMode
from app.services.listing import ConfigOrder, Page, Window
from app.services.read_access import readable_config, readable_engine, readable_tenant
from app.services.snapshots import ConfigRecord

# The arguments the template and endpoint lists share.
ListTenant = Annotated[UUID | None, strawberry.argument(description="The tenant; default: the caller's tenant.")]
ConfigSearch = Annotated[
    str | None,
    strawberry.argument(description="Only those whose name or label contains this text (case-insensitive)."),
]
ConfigOrderKey = Annotated[
    SipConfigOrder | None, strawberry.argument(description="The sort key (ties are broken by uuid).")
]
Direction = Annotated[OrderDirection | None, strawberry.argument(description="The sort direction.")]


def _selects(selections: Sequence[Selection], path: Sequence[str]) -> bool:
    """Whether the selection reaches ``path`` (GraphQL field names), through fragments too."""
    if not path:
        return True
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == path[0] and _selects(selection.selections, path[1:]):
                return True
        elif _selects(selection.selections, path):
            return True
    return False


async def _config_page(
    info: Info,
    kind: ConfigKind,
    tenant_uuid: UUID | None,
    recurse: bool | None,
    search: str | None,
    inherits_from: UUID | None,
    order_by: SipConfigOrder | None,
    direction: OrderDirection | None,
    window: Window,
) -> Page[ConfigRecord]:
    """One page of templates or endpoints: the arguments both lists share, checked the same way."""
    return await listing.list_configs(
        info.context.db,
        info.context.caller,
        kind=kind,
        tenant_uuid=tenant_uuid,
        recurse=bool(recurse),
        search=search_argument(search),
        inherits_from=inherits_from,
        order=ConfigOrder(str((order_by or SipConfigOrder.NAME).value)),
        descending=direction is OrderDirection.DESC,
        window=window,
    )


async def _prefetched_views(info: Info, records: Sequence[ConfigRecord]) -> Sequence[ResolvedSections | None]:
    """The resolved views of a whole page in one batch, when the query asks for them."""
    here = info.selected_fields[0].selections  # below the list field itself
    wanted = ("resolved", "sorceryObjects", "pjsipObjects")
    if not any(_selects(here, [*path, field]) for path in (["edges", "node"], ["nodes"]) for field in wanted):
        return [None] * len(records)
    return await info.context.loaders.resolved_page([(r.uuid, r.resolved_version) for r in records])


def _page_info(page: Page[object]) -> PageInfo:
    return page_info(
        [cursor for cursor, _ in page.edges],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


async def _config(info: Info, uuid: UUID, kind: ConfigKind) -> ConfigRecord:
    info.context.caller.require(SIP_READ)  # before loading anything
    return readable_config(info.context.caller, await info.context.loaders.config.load(uuid), kind)


@strawberry.type(
    description=(
        "Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow."
    )
)
class Query(TokenQueries, NodeQueries, ViewerQueries):
    @strawberry.field(description="A tenant the caller can see; null otherwise. Needs tenants:read.")
    async def tenant(
        self, info: Info, uuid: Annotated[UUID, strawberry.argument(description="The tenant's uuid.")]
    ) -> Tenant | None:
        info.context.caller.require(TENANTS_READ)  # before loading anything
        return Tenant.of(readable_tenant(info.context.caller, await info.context.loaders.tenant.load(uuid)))

    @strawberry.field(
        description=("The caller's tenant and, with recurse, every tenant below it, by name. Needs tenants:read.")
    )
    async def tenants(
        self,
        info: Info,
        first: PageSize = None,
        after: AfterCursor = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="Only tenants whose name or slug contains this text (case-insensitive)."),
        ] = None,
        recurse: Annotated[
            bool | None, strawberry.argument(description="Include every tenant below the caller's (default true).")
        ] = True,
        last: LastSize = None,
        before: BeforeCursor = None,
    ) -> TenantConnection:
        page = await listing.list_tenants(
            info.context.db,
            info.context.caller,
            window=window_argument(first, after, last, before),
            search=search_argument(search),
            recurse=recurse is not False,
        )
        return TenantConnection(
            edges=[TenantEdge(cursor=c, node=Tenant.of(r)) for c, r in page.edges],
            page_info=_page_info(page),  # type: ignore[arg-type]
            count=page.count,
        )

    @strawberry.field(description="A template the caller can see; null otherwise. Needs sip:read.")
    async def template(
        self, info: Info, uuid: Annotated[UUID, strawberry.argument(description="The template's uuid.")]
    ) -> SipTemplate | None:
        return SipTemplate.of(await _config(info, uuid, ConfigKind.TEMPLATE))

    @strawberry.field(description="A tenant's templates. Needs sip:read.")
    async def templates(
        self,
        info: Info,
        tenant_uuid: ListTenant = None,
        recurse: Annotated[
            bool | None, strawberry.argument(description="Include the templates of every tenant below it.")
        ] = False,
        search: ConfigSearch = None,
        order_by: ConfigOrderKey = SipConfigOrder.NAME,
        direction: Direction = OrderDirection.ASC,
        first: PageSize = None,
        after: AfterCursor = None,
        last: LastSize = None,
        before: BeforeCursor = None,
    ) -> SipTemplateConnection:
        window = window_argument(first, after, last, before)
        page = await _config_page(
            info, ConfigKind.TEMPLATE, tenant_uuid, recurse, search, None, order_by, direction, window
        )
        views = await _prefetched_views(info, [r for _, r in page.edges])
        return SipTemplateConnection(
            edges=[
                SipTemplateEdge(cursor=c, node=SipTemplate.of(r, prefetched=v))
                for (c, r), v in zip(page.edges, views, strict=True)
            ],
            page_info=_page_info(page),  # type: ignore[arg-type]
            count=page.count,
        )

    @strawberry.field(description="An endpoint the caller can see; null otherwise. Needs sip:read.")
    async def endpoint(
        self, info: Info, uuid: Annotated[UUID, strawberry.argument(description="The endpoint's uuid.")]
    ) -> SipEndpoint | None:
        return SipEndpoint.of(await _config(info, uuid, ConfigKind.ENDPOINT))

    @strawberry.field(description="A tenant's endpoints (lines and trunks). Needs sip:read.")
    async def endpoints(
        self,
        info: Info,
        tenant_uuid: ListTenant = None,
        recurse: Annotated[
            bool | None, strawberry.argument(description="Include the endpoints of every tenant below it.")
        ] = False,
        search: ConfigSearch = None,
        inherits_from: Annotated[
            UUID | None,
            strawberry.argument(description="A template's uuid: only endpoints that inherit from it, directly or not."),
        ] = None,
        order_by: ConfigOrderKey = SipConfigOrder.NAME,
        direction: Direction = OrderDirection.ASC,
        first: PageSize = None,
        after: AfterCursor = None,
        last: LastSize = None,
        before: BeforeCursor = None,
    ) -> SipEndpointConnection:
        window = window_argument(first, after, last, before)
        if inherits_from is not None:
            await _config(info, inherits_from, ConfigKind.TEMPLATE)
        page = await _config_page(
            info, ConfigKind.ENDPOINT, tenant_uuid, recurse, search, inherits_from, order_by, direction, window
        )
        views = await _prefetched_views(info, [r for _, r in page.edges])
        return SipEndpointConnection(
            edges=[
                SipEndpointEdge(cursor=c, node=SipEndpoint.of(r, prefetched=v))
                for (c, r), v in zip(page.edges, views, strict=True)
            ],
            page_info=_page_info(page),  # type: ignore[arg-type]
            count=page.count,
        )

    @strawberry.field(
        description=("An engine: the caller's own, or any for an operator; null otherwise. Needs sip:read.")
    )
    async def engine(
        self, info: Info, name: Annotated[str | None, strawberry.argument(description="The engine's name.")] = "default"
    ) -> Engine | None:
        caller = info.context.caller
        caller.require(SIP_READ)
        name = name or "default"
        record = await reads.engine_by_name(info.context.db, text_argument("name", name) or "default")
        return Engine.of(readable_engine(caller, record, name))

    @strawberry.field(
        description=(
            "The engine's configuration as a pjsip.conf file Asterisk loads: FLAT writes every Sorcery object, "
            "NATIVE keeps tenant templates as [tpl](!) sections. Operators get the engine objects too."
        )
    )
    async def pjsip_conf(
        self,
        info: Info,
        engine: Annotated[str | None, strawberry.argument(description="The engine's name.")] = "default",
        tenant_uuid: Annotated[
            UUID | None,
            strawberry.argument(
                description=("Only this tenant's endpoints (and templates); default: every one the caller can see.")
            ),
        ] = None,
        templates: Annotated[
            PjsipTemplates | None, strawberry.argument(description="How inheritance is written.")
        ] = PjsipTemplates.FLAT,
    ) -> str:
        mode = TemplateMode(str((templates or PjsipTemplates.FLAT).value))
        return await exports.pjsip_conf(
            info.context.db,
            info.context.caller,
            engine=text_argument("engine", engine) or "default",
            tenant_uuid=tenant_uuid,
            mode=mode,
        )

    @strawberry.field(
        description=(
            "The options Asterisk documents for a section of a template or endpoint, or for a Sorcery object type "
            "(transport, global, system): give exactly one of `section` and `sorceryType`. Needs sip:read."
        )
    )
    def option_catalog(
        self,
        info: Info,
        section: Annotated[
            SipSection | None, strawberry.argument(description="A section of a template or endpoint.")
        ] = None,
        object_type: Annotated[
            str | None,
            strawberry.argument(
                description="A Sorcery object type in lower case.",
                deprecation_reason="Use sorceryType, an enum of the same values.",
            ),
        ] = None,
        sorcery_type: Annotated[
            SorceryObjectType | None, strawberry.argument(description="A Sorcery object type.")
        ] = None,
    ) -> list[CatalogOption]:
        info.context.caller.require(SIP_READ)
        return catalog_options(section, text_argument("objectType", object_type), sorcery_type)

    @strawberry.field(
        description=(
            "The recorded Sorcery updates of an engine after a sequence number, oldest first. Needs the secrets "
            "scope; a tenant's token sees its tenants' updates only. An `after` beyond the last recorded "
            "sequence, or older than what is retained, is refused (BAD_USER_INPUT, `extensions.reason`): "
            "resynchronise instead of waiting for numbers that will not come."
        )
    )
    async def sorcery_updates(
        self,
        info: Info,
        engine: Annotated[str | None, strawberry.argument(description="The engine's name.")] = "default",
        after: Annotated[
            int | None, strawberry.argument(description="The last sequence number already seen; 0 for all.")
        ] = 0,
        first: Annotated[int | None, strawberry.argument(description="How many updates, at most 500.")] = 100,
    ) -> list[SorceryUpdate]:
        caller = info.context.caller
        updates = await listing.list_sorcery_updates(
            info.context.db,
            caller,
            engine=text_argument("engine", engine) or "default",
            after=after or 0,
            first=100 if first is None else first,
        )
        return [update_type(u, show_secrets=True) for u in updates]
