"""GraphQL input types and their conversion to service arguments."""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.api.types.options import section_help
from app.domain.sections import Options, Section
from app.errors import InvalidInput
from app.services.configs import ConfigPatch, NewConfig


@strawberry.input(description="One option to set: a pjsip.conf key and its value, checked against the catalog.")
class SipOptionInput:
    key: str = strawberry.field(description="The option's key in pjsip.conf (a misspelling gets a suggestion).")
    value: str = strawberry.field(description="The value, as it would be written in pjsip.conf.")


def options_of(items: list[SipOptionInput] | None) -> Options | None:
    return None if items is None else tuple((o.key, o.value) for o in items)


@strawberry.input(
    description="Each section given replaces that whole section; an omitted section is unchanged; [] empties it."
)
class SipSectionsInput:
    endpoint: list[SipOptionInput] | None = strawberry.field(
        default=None, description=section_help(Section.ENDPOINT, "Replaces the options of ")
    )
    aor: list[SipOptionInput] | None = strawberry.field(
        default=None, description=section_help(Section.AOR, "Replaces the options of ")
    )
    auth: list[SipOptionInput] | None = strawberry.field(
        default=None, description=section_help(Section.AUTH, "Replaces the options of ")
    )
    identify: list[SipOptionInput] | None = strawberry.field(
        default=None, description=section_help(Section.IDENTIFY, "Replaces the options of ")
    )
    registration: list[SipOptionInput] | None = strawberry.field(
        default=None, description=section_help(Section.REGISTRATION, "Replaces the options of ")
    )
    registration_outbound_auth: list[SipOptionInput] | None = strawberry.field(
        default=None, description=section_help(Section.REGISTRATION_OUTBOUND_AUTH, "Replaces the options of ")
    )
    outbound_auth: list[SipOptionInput] | None = strawberry.field(
        default=None, description=section_help(Section.OUTBOUND_AUTH, "Replaces the options of ")
    )

    def given(self) -> dict[Section, Options]:
        out: dict[Section, Options] = {}
        for section in Section:
            options = options_of(getattr(self, section.value))
            if options is not None:
                out[section] = options
        return out


@strawberry.input(description="A new tenant.")
class CreateTenantInput:
    name: str = strawberry.field(description="Display name, unique among its siblings.")
    slug: str | None = strawberry.field(
        default=None, description="Short unique id (a-z 0-9 -, at most 63); default: made from the name."
    )
    parent_uuid: UUID | None = strawberry.field(
        default=None, description="The parent tenant; default: the caller's tenant."
    )
    with_default_templates: bool | None = strawberry.field(
        default=True, description="Create the templates general, sip, webrtc and trunk in it (default true)."
    )


@strawberry.input(description="Changes to a tenant: an omitted field is unchanged.")
class UpdateTenantInput:
    name: str | None = strawberry.field(default=None, description="A new display name.")


@strawberry.input(description="A new template.")
class CreateSipTemplateInput:
    name: str = strawberry.field(description="Unique in the tenant: 1 to 79 of A-Z a-z 0-9 - _ .")
    tenant_uuid: UUID | None = strawberry.field(default=None, description="Its tenant; default: the caller's tenant.")
    label: str | None = strawberry.field(default=None, description="A display name for people.")
    parent_uuids: list[UUID] | None = strawberry.field(
        description="Templates to inherit from, in order: a later parent overrides an earlier one.",
        default_factory=list,
    )
    transport_uuid: UUID | None = strawberry.field(
        default=None, description="The transport its inheritors use unless they set their own."
    )
    options: SipSectionsInput | None = strawberry.field(default=None, description="Its own options, per section.")


@strawberry.input(description="A new endpoint (line or trunk).")
class CreateSipEndpointInput:
    tenant_uuid: UUID | None = strawberry.field(default=None, description="Its tenant; default: the caller's tenant.")
    name: str | None = strawberry.field(
        default=None,
        description=(
            "Its Sorcery id: 1 to 79 of A-Z a-z 0-9 - _ ., unique among the engine's endpoints and transports, "
            "not starting with `outbound_auth_` or `auth_reg_`; default: 8 random lowercase letters and digits."
        ),
    )
    label: str | None = strawberry.field(default=None, description="A display name for people; not sent to Asterisk.")
    parent_uuids: list[UUID] | None = strawberry.field(
        description="Templates to inherit from, in order: a later parent overrides an earlier one.",
        default_factory=list,
    )
    transport_uuid: UUID | None = strawberry.field(
        default=None, description=("The engine transport the endpoint uses; default: inherited, or Asterisk's choice.")
    )
    options: SipSectionsInput | None = strawberry.field(default=None, description="Its own options, per section.")


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
    name: strawberry.Maybe[str | None] = strawberry.field(description="A new name.")
    label: strawberry.Maybe[str | None] = strawberry.field(description="A new label; null removes it.")
    parent_uuids: strawberry.Maybe[list[UUID] | None] = strawberry.field(
        description="The new ordered parent list; [] removes every parent."
    )
    transport_uuid: strawberry.Maybe[UUID | None] = strawberry.field(description="A new transport; null removes it.")
    options: SipSectionsInput | None = strawberry.field(default=None, description="The sections to replace.")


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
