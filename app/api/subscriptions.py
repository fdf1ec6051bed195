"""Subscription root: change events and Sorcery updates, replayed then live."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from app.api.arguments import text_argument
from app.api.context import Info
from app.api.types.building import from_attributes
from app.api.types.enums import ChangeAction, ChangedObjectKind
from app.api.types.sorcery import SorceryUpdate, update_type
from app.errors import NotFound
from app.events.follow import follow
from app.events.records import CHANGES, UPDATES, ChangeEvent
from app.services import reads
from app.services.access import SECRETS_READ, SIP_READ, Caller
from app.services.read_access import readable_engine, sees_update_of
from app.services.tokens import while_valid


@strawberry.type(description="A change to a tenant, template or endpoint, numbered per engine.")
class ConfigChangeEvent:
    seq: int = strawberry.field(
        description=("Per-engine sequence number of the event: resume with `after` set to the last one seen.")
    )
    action: ChangeAction = strawberry.field(description="Created, updated or deleted.")
    kind: str = strawberry.field(
        description="tenant, template or endpoint", deprecation_reason="Use objectKind, an enum of the same values."
    )
    uuid: UUID = strawberry.field(description="The uuid of what changed.")
    tenant_uuid: UUID | None = strawberry.field(
        description="The tenant it belongs to (for a tenant's own events, the tenant itself)."
    )
    revision: int | None = strawberry.field(
        description=("The template's or endpoint's revision after the change; null for tenants and deletions.")
    )
    at: datetime = strawberry.field(description="When the change was committed.")

    @strawberry.field(description="What changed: a tenant, a template or an endpoint (`uuid` names it).")
    def object_kind(self) -> ChangedObjectKind:
        return ChangedObjectKind(self.kind)

    @classmethod
    def of(cls, event: ChangeEvent) -> ConfigChangeEvent:
        return from_attributes(cls, event, action=ChangeAction(event.action))


def _sees_event(event: ChangeEvent, tenant: UUID, recurse: bool) -> bool:
    # tenant_path is the event's tenant and its ancestors, recorded with the event,
    # so even a deleted tenant's events reach exactly the callers that could see it.
    return tenant in event.tenant_path if recurse else event.tenant_uuid == tenant


async def _engine_of(info: Info, caller: Caller, engine: str) -> UUID:
    record = await reads.engine_by_name(info.context.db, text_argument("engine", engine) or "default")
    return readable_engine(caller, record, engine).uuid


@strawberry.type(
    description=(
        "Live streams over WebSocket (graphql-transport-ws). Each replays what "
        "was recorded after `after`, then goes live."
    )
)
class Subscription:
    @strawberry.subscription(
        description=(
            "Changes to tenants, templates and endpoints the caller can see; "
            "replays events after `after`, then goes live."
        )
    )
    async def config_changed(
        self,
        info: Info,
        tenant_uuid: Annotated[
            UUID | None, strawberry.argument(description="The tenant to follow; default: the caller's tenant.")
        ] = None,
        recurse: Annotated[
            bool | None, strawberry.argument(description="Include every tenant below it (default true).")
        ] = True,
        after: Annotated[
            int | None, strawberry.argument(description="The last `seq` already seen; null: only changes from now on.")
        ] = None,
    ) -> AsyncGenerator[ConfigChangeEvent, None]:
        caller = info.context.caller
        caller.require(SIP_READ)
        tenant = tenant_uuid or caller.tenant_uuid
        caller.check_visible(tenant, "tenant")
        record = await info.context.loaders.tenant.load(tenant)
        if record is None:
            raise NotFound("tenant not found")
        with _subscription_slot(info):
            events = follow(info.context.hub, record.engine_uuid, CHANGES, after)
            async for event in while_valid(info.context.db, caller.token_uuid, events):
                if _sees_event(event, tenant, recurse is not False):
                    yield ConfigChangeEvent.of(event)

    @strawberry.subscription(
        description="An engine's Sorcery updates; replays those after `after`, then goes live. Needs the secrets scope."
    )
    async def sorcery_updates(
        self,
        info: Info,
        engine: Annotated[str | None, strawberry.argument(description="The engine's name.")] = "default",
        after: Annotated[
            int | None, strawberry.argument(description="The last `seq` already seen; null: only updates from now on.")
        ] = None,
    ) -> AsyncGenerator[SorceryUpdate, None]:
        caller = info.context.caller
        caller.require(SECRETS_READ)
        engine_uuid = await _engine_of(info, caller, engine or "default")
        with _subscription_slot(info):
            updates = follow(info.context.hub, engine_uuid, UPDATES, after)
            async for update in while_valid(info.context.db, caller.token_uuid, updates):
                if await sees_update_of(info.context.db, caller, update.tenant_uuid):
                    yield update_type(update, show_secrets=True)


def _subscription_slot(info: Info) -> contextlib.AbstractContextManager[None]:
    """One of the token's open subscriptions (max_subscriptions_per_token)."""
    limits = info.context.limits
    if limits is None:
        return contextlib.nullcontext()
    return limits.subscription_slot(info.context.token_key)
