"""GraphQL input types and their conversion to service arguments."""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.domain.sections import Options, Section
from app.errors import InvalidInput
from app.services.configs import ConfigPatch, NewConfig


@strawberry.input
class SipOptionInput:
    key: str
    value: str


def options_of(items: list[SipOptionInput] | None) -> Options | None:
    return None if items is None else tuple((o.key, o.value) for o in items)


@strawberry.input(
    description="Each section given replaces that whole section; an omitted section is unchanged; [] empties it."
)
class SipSectionsInput:
    endpoint: list[SipOptionInput] | None = None
    aor: list[SipOptionInput] | None = None
    auth: list[SipOptionInput] | None = None
    identify: list[SipOptionInput] | None = None
    registration: list[SipOptionInput] | None = None
    registration_outbound_auth: list[SipOptionInput] | None = None
    outbound_auth: list[SipOptionInput] | None = None

    def given(self) -> dict[Section, Options]:
        out: dict[Section, Options] = {}
        for section in Section:
            options = options_of(getattr(self, section.value))
            if options is not None:
                out[section] = options
        return out


@strawberry.input
class CreateTenantInput:
    name: str
    slug: str | None = None
    parent_uuid: UUID | None = None
    with_default_templates: bool | None = True


@strawberry.input
class UpdateTenantInput:
    name: str | None = None


@strawberry.input
class CreateSipTemplateInput:
    name: str
    tenant_uuid: UUID | None = None
    label: str | None = None
    parent_uuids: list[UUID] | None = strawberry.field(default_factory=list)
    transport_uuid: UUID | None = None
    options: SipSectionsInput | None = None


@strawberry.input
class CreateSipEndpointInput:
    tenant_uuid: UUID | None = None
    name: str | None = None
    label: str | None = None
    parent_uuids: list[UUID] | None = strawberry.field(default_factory=list)
    transport_uuid: UUID | None = None
    options: SipSectionsInput | None = None


def new_config(data: CreateSipTemplateInput | CreateSipEndpointInput) -> NewConfig:
    return NewConfig(
        tenant_uuid=data.tenant_uuid,
        name=data.name,
        label=data.label,
        parent_uuids=list(data.parent_uuids or []),
        transport_uuid=data.transport_uuid,
        sections=data.options.given() if data.options is not None else {},
    )


@strawberry.input(
    description="An omitted field is unchanged; null clears label and transport; parentUuids replaces the list."
)
class UpdateSipConfigInput:
    name: strawberry.Maybe[str | None]
    label: strawberry.Maybe[str | None]
    parent_uuids: strawberry.Maybe[list[UUID] | None]
    transport_uuid: strawberry.Maybe[UUID | None]
    options: SipSectionsInput | None = None


def config_patch(data: UpdateSipConfigInput) -> ConfigPatch:
    patch = ConfigPatch(sections=data.options.given() if data.options is not None else {})
    if data.name is not None:
        if data.name.value is None:
            raise InvalidInput.at("input.name", "a name cannot be null; omit it to keep the current one")
        patch.name = data.name.value
    if data.label is not None:
        patch.label = data.label.value
    if data.parent_uuids is not None:
        if data.parent_uuids.value is None:
            raise InvalidInput.at("input.parentUuids", "use [] to remove every parent")
        patch.parent_uuids = list(data.parent_uuids.value)
    if data.transport_uuid is not None:
        patch.transport_uuid = data.transport_uuid.value
    return patch
