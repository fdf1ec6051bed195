"""Enums and small value types shared by the schema."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from app.domain.resolution import ResolvedOption
from app.domain.sections import Options, Section
from app.domain.sorcery import MASK, SECRET_KEYS, SECRET_SECTIONS, mask_fields
from app.record.updates import RecordedUpdate


@strawberry.enum
class SipSection(Enum):
    ENDPOINT = "endpoint"
    AOR = "aor"
    AUTH = "auth"
    IDENTIFY = "identify"
    REGISTRATION = "registration"
    REGISTRATION_OUTBOUND_AUTH = "registration_outbound_auth"
    OUTBOUND_AUTH = "outbound_auth"


@strawberry.enum
class SorceryAction(Enum):
    UPSERT = "UPSERT"
    DELETE = "DELETE"


@strawberry.enum
class ConfigKind(Enum):
    TEMPLATE = "template"
    ENDPOINT = "endpoint"


@strawberry.enum
class ChangeAction(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"


@strawberry.enum
class SipConfigOrder(Enum):
    NAME = "name"
    LABEL = "label"
    CREATED_AT = "created_at"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.enum(description="How a pjsip.conf export writes inheritance.")
class PjsipTemplates(Enum):
    FLAT = "flat"
    NATIVE = "native"


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class SipOption:
    key: str
    value: str


def option_list(options: Options) -> list[SipOption]:
    return [SipOption(key=k, value=v) for k, v in options]


@strawberry.type(description="The options a template or endpoint stores itself, in stored order.")
class SipSections:
    endpoint: list[SipOption]
    aor: list[SipOption]
    auth: list[SipOption]
    identify: list[SipOption]
    registration: list[SipOption]
    registration_outbound_auth: list[SipOption]
    outbound_auth: list[SipOption]


def _masked(section: Section, options: Options, show_secrets: bool) -> Options:
    if show_secrets or section not in SECRET_SECTIONS:
        return options
    return tuple((k, MASK if k in SECRET_KEYS else v) for k, v in options)


def sections_type(sections: Mapping[Section, Options], *, show_secrets: bool) -> SipSections:
    return SipSections(
        **{s.value: option_list(_masked(s, sections.get(s, ()), show_secrets)) for s in Section}  # type: ignore[arg-type]
    )


@strawberry.type(description="Where a resolved value comes from.")
class SipOptionOrigin:
    uuid: UUID
    kind: ConfigKind
    name: str
    label: str | None


@strawberry.type
class OverriddenSipOption:
    value: str
    origin: SipOptionOrigin


@strawberry.type
class ResolvedSipOption:
    key: str
    value: str
    origin: SipOptionOrigin
    inherited: bool = strawberry.field(
        description="True when the value comes from a parent, not from the config itself."
    )
    overrides: list[OverriddenSipOption] = strawberry.field(
        description="Values of the same key that this one replaces, nearest first (empty for accumulating keys)."
    )


@strawberry.type(description="The options in effect after inheritance (DOMAIN.md section 4).")
class ResolvedSipSections:
    endpoint: list[ResolvedSipOption]
    aor: list[ResolvedSipOption]
    auth: list[ResolvedSipOption]
    identify: list[ResolvedSipOption]
    registration: list[ResolvedSipOption]
    registration_outbound_auth: list[ResolvedSipOption]
    outbound_auth: list[ResolvedSipOption]


def _mask_resolved(
    section: Section, options: Sequence[ResolvedOption], show_secrets: bool
) -> Sequence[ResolvedSipOption]:
    # The domain objects already have the shape of ResolvedSipOption (key, value,
    # origin, inherited, overrides), so they are served as they are (the cached
    # tuple itself, whose completed form the executor remembers); only secrets
    # are replaced by copies.
    if show_secrets or section not in SECRET_SECTIONS or not any(o.key in SECRET_KEYS for o in options):
        return options  # type: ignore[return-value]
    out: list[ResolvedSipOption] = []
    for o in options:
        if o.key in SECRET_KEYS:
            o = ResolvedOption(o.key, MASK, o.origin, o.inherited, ())
        out.append(o)  # type: ignore[arg-type]
    return out


_SECTION_NAMES = tuple((s, s.value) for s in Section)


def resolved_type(resolved: Mapping[Section, Sequence[ResolvedOption]], *, show_secrets: bool) -> ResolvedSipSections:
    return ResolvedSipSections(
        **{name: _mask_resolved(s, resolved.get(s, ()), show_secrets) for s, name in _SECTION_NAMES}  # type: ignore[arg-type]
    )


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
    return SorceryUpdate(
        seq=u.seq,
        engine=u.engine,
        action=SorceryAction(u.action.value),
        object_type=u.object_type,
        object_id=u.object_id,
        changed_keys=list(u.changed_keys),
        requires_recreate=u.requires_recreate,
        requires_reload=u.requires_reload,
        tenant_uuid=u.tenant_uuid,
        endpoint_uuid=u.endpoint_uuid,
        created_at=u.created_at,
        raw_fields=u.fields,
        show_secrets=show_secrets,
    )
