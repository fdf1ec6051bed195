"""Sorcery objects and recorded Sorcery updates as the schema shows them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from app.api.types.building import from_attributes
from app.api.types.enums import SorceryAction
from app.api.types.options import SipOption, option_list
from app.domain.sections import Options
from app.domain.sorcery import mask_fields
from app.record.updates import RecordedUpdate


@strawberry.type
class SorceryObject:
    type: str = strawberry.field(description="endpoint, aor, auth, identify, registration, transport, global, system")
    id: str
    fields: list[SipOption]


def sorcery_object_type(object_type: str, object_id: str, fields: Options, *, show_secrets: bool) -> SorceryObject:
    shown = fields if show_secrets else mask_fields(object_type, fields)
    return SorceryObject(type=object_type, id=object_id, fields=option_list(shown))


@strawberry.type
class SorceryUpdate:
    seq: int | None = strawberry.field(description="Per-engine sequence number; null in a dry run.")
    engine: str
    action: SorceryAction
    object_type: str
    object_id: str
    changed_keys: list[str]
    requires_recreate: bool
    requires_reload: bool
    tenant_uuid: UUID | None
    endpoint_uuid: UUID | None
    created_at: datetime
    raw_fields: strawberry.Private[Options]
    show_secrets: strawberry.Private[bool]

    @strawberry.field(description="Full desired state for UPSERT; empty for DELETE.")
    def fields(self) -> list[SipOption]:
        # Built only when asked for: a template change can carry thousands of updates.
        shown = self.raw_fields if self.show_secrets else mask_fields(self.object_type, self.raw_fields)
        return option_list(shown)


def update_type(u: RecordedUpdate, *, show_secrets: bool) -> SorceryUpdate:
    return from_attributes(
        SorceryUpdate,
        u,
        action=SorceryAction(u.action.value),
        changed_keys=list(u.changed_keys),
        raw_fields=u.fields,
        show_secrets=show_secrets,
    )
