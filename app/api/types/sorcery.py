"""Sorcery objects and recorded Sorcery updates as the schema shows them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from app.api.types.building import from_attributes
from app.api.types.enums import SorceryAction, SorceryObjectType
from app.api.types.node import NODE_ID_DESCRIPTION, Node, global_id
from app.api.types.options import SipOption, option_list
from app.domain.sections import Options
from app.domain.sorcery import SorceryObject as DomainObject
from app.domain.sorcery import mask_fields
from app.record.updates import RecordedUpdate


@strawberry.type(
    description=(
        "A Sorcery object an endpoint becomes (docs/domain.md §5). Superseded by `PjsipObject`, whose `id` is "
        "unique: an endpoint, its aor and its auth share this `id`."
    )
)
class SorceryObject:
    type: str = strawberry.field(description="endpoint, aor, auth, identify, registration, transport, global, system")
    id: str = strawberry.field(description="The Sorcery object id; the same for an endpoint, its aor and its auth.")
    fields: list[SipOption] = strawberry.field(description="The object's options as Asterisk receives them.")


@strawberry.type(
    description=(
        "A Sorcery object an endpoint becomes (docs/domain.md §5), as Asterisk receives it; secrets are masked "
        "without the secrets scope."
    )
)
class PjsipObject(Node):
    endpoint_uuid: strawberry.Private[UUID]
    sorcery_type: SorceryObjectType = strawberry.field(description="The object's type.")
    sorcery_id: str = strawberry.field(
        description="The object's id in Asterisk: unique per type only (an endpoint, its aor and its auth share it)."
    )
    fields: list[SipOption] = strawberry.field(description="The object's options, in the order Asterisk applies them.")

    @strawberry.field(description=NODE_ID_DESCRIPTION)
    def id(self) -> strawberry.ID:
        detail = f"{self.sorcery_type.value}/{self.sorcery_id}"
        return strawberry.ID(global_id("PjsipObject", self.endpoint_uuid, detail))


def sorcery_object_type(object_type: str, object_id: str, fields: Options, *, show_secrets: bool) -> SorceryObject:
    shown = fields if show_secrets else mask_fields(object_type, fields)
    return SorceryObject(type=object_type, id=object_id, fields=option_list(shown))


def pjsip_object_type(endpoint_uuid: UUID, obj: DomainObject, *, show_secrets: bool) -> PjsipObject:
    shown = obj.fields if show_secrets else mask_fields(obj.type, obj.fields)
    return PjsipObject(
        uuid=endpoint_uuid,
        endpoint_uuid=endpoint_uuid,
        sorcery_type=SorceryObjectType(obj.type),
        sorcery_id=obj.id,
        fields=option_list(shown),
    )


@strawberry.type(
    description=("One change of one Sorcery object, numbered per engine: what an agent applies to Asterisk.")
)
class SorceryUpdate:
    seq: int | None = strawberry.field(description="Per-engine sequence number; null in a dry run.")
    engine: str = strawberry.field(description="The engine's name.")
    action: SorceryAction = strawberry.field(description="Create or replace, or delete.")
    object_type: str = strawberry.field(
        description="The object's type, in Asterisk's lower case.",
        deprecation_reason="Use sorceryType, an enum of the same values.",
    )
    object_id: str = strawberry.field(description="The object's id in Asterisk.")
    changed_keys: list[str] = strawberry.field(
        description="Keys whose values differ from the previous state (all keys for a new object)."
    )
    requires_recreate: bool = strawberry.field(
        description="Asterisk applies the change only by deleting and creating the object again."
    )
    requires_reload: bool = strawberry.field(
        description="Asterisk applies the change only on a module reload (transport options, mostly)."
    )
    tenant_uuid: UUID | None = strawberry.field(
        description="The tenant whose endpoint the object belongs to; null for engine objects."
    )
    endpoint_uuid: UUID | None = strawberry.field(
        description="The endpoint the object belongs to; null for engine objects."
    )
    created_at: datetime = strawberry.field(description="When the update was recorded.")
    raw_fields: strawberry.Private[Options]
    show_secrets: strawberry.Private[bool]

    @strawberry.field(description="The type of the object this update creates, changes or deletes.")
    def sorcery_type(self) -> SorceryObjectType:
        return SorceryObjectType(self.object_type)

    @strawberry.field(description="Full desired state for UPSERT; empty for DELETE.")
    def fields(self) -> list[SipOption]:
        # Built only when asked for: a template change can carry thousands of updates.
        shown = self.raw_fields if self.show_secrets else mask_fields(self.object_type, self.raw_fields)
        return option_list(shown)


_ACTIONS: dict[str, SorceryAction] = {action.name: action for action in SorceryAction}


def update_type(u: RecordedUpdate, *, show_secrets: bool) -> SorceryUpdate:
    return from_attributes(
        SorceryUpdate,
        u,
        action=_ACTIONS[u.action.name],
        changed_keys=list(u.changed_keys),
        raw_fields=u.fields,
        show_secrets=show_secrets,
    )
