"""`node(id:)` and `nodes(ids:)`: refetch any object by its global id, under the usual access rules."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

import strawberry

from app.api.context import Info
from app.api.types.engines import Engine, Transport
from app.api.types.node import Node, parse_global_id
from app.api.types.tenancy import SipEndpoint, SipTemplate, Tenant, list_bound
from app.domain.resolution import ConfigKind
from app.errors import InvalidInput, NotFound
from app.services.read_access import (
    readable_config,
    readable_engine,
    readable_tenant,
    sees_engine_secrets,
)


async def _pjsip_object(info: Info, uuid: UUID, detail: str) -> Node:
    record = await info.context.loaders.config.load(uuid)
    endpoint = SipEndpoint.of(readable_config(info.context.caller, record, ConfigKind.ENDPOINT))
    for obj in await endpoint.pjsip_objects(info):
        if f"{obj.sorcery_type.value}/{obj.sorcery_id}" == detail:
            return obj
    raise NotFound("the endpoint no longer has this object")


async def _tenant(info: Info, uuid: UUID) -> Node:
    return Tenant.of(readable_tenant(info.context.caller, await info.context.loaders.tenant.load(uuid)))


async def _template(info: Info, uuid: UUID) -> Node:
    record = await info.context.loaders.config.load(uuid)
    return SipTemplate.of(readable_config(info.context.caller, record, ConfigKind.TEMPLATE))


async def _endpoint(info: Info, uuid: UUID) -> Node:
    record = await info.context.loaders.config.load(uuid)
    return SipEndpoint.of(readable_config(info.context.caller, record, ConfigKind.ENDPOINT))


async def _engine(info: Info, uuid: UUID) -> Node:
    return Engine.of(readable_engine(info.context.caller, await info.context.loaders.engine.load(uuid), str(uuid)))


async def _transport(info: Info, uuid: UUID) -> Node:
    record = await info.context.loaders.transport.load(uuid)
    if record is None:
        raise NotFound("transport not found")
    # A transport is seen by whoever sees its engine.
    readable_engine(info.context.caller, await info.context.loaders.engine.load(record.engine_uuid), "")
    return Transport.of(record, show_secrets=sees_engine_secrets(info.context.caller))


_FETCH: dict[str, Callable[[Info, UUID], Awaitable[Node]]] = {
    "Tenant": _tenant,
    "SipTemplate": _template,
    "SipEndpoint": _endpoint,
    "Engine": _engine,
    "Transport": _transport,
}


async def node_of(info: Info, id: str) -> Node | None:
    """The object behind ``id``; None when the id is not one of ours, or names nothing the caller may see."""
    parsed = parse_global_id(id)
    if parsed is None:
        return None
    type_name, uuid, detail = parsed
    try:
        if type_name == "PjsipObject" and detail is not None:
            return await _pjsip_object(info, uuid, detail)
        if type_name in _FETCH and detail is None:
            return await _FETCH[type_name](info, uuid)
    except NotFound:
        return None
    return None


@strawberry.type
class NodeQueries:
    @strawberry.field(
        description=(
            "The object with this global `id`, under the same access rules as its own field: null when the id "
            "is malformed, the object does not exist, or the caller may not see it."
        )
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global `id` returned by this API.")],
    ) -> Node | None:
        return await node_of(info, id)

    @strawberry.field(
        description=(
            "The objects with these global ids, in the same order (null where `node` would be null); "
            "at most max_list_items ids."
        )
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global `id`s returned by this API.")],
    ) -> list[Node | None]:
        bound = list_bound(info, None)
        if len(ids) > bound:
            raise InvalidInput.at("ids", f"{len(ids)} ids; at most {bound}")
        return list(await asyncio.gather(*(node_of(info, i) for i in ids)))
