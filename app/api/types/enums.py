"""Closed sets of values the schema exposes as enums."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description=("A section of a template or endpoint: each becomes one Sorcery object of an endpoint."))
class SipSection(Enum):
    ENDPOINT = strawberry.enum_value("endpoint", description="The endpoint object.")
    AOR = strawberry.enum_value("aor", description="The aor object (contacts, registrations).")
    AUTH = strawberry.enum_value("auth", description="The inbound auth object.")
    IDENTIFY = strawberry.enum_value("identify", description="The identify object (match by address or header).")
    REGISTRATION = strawberry.enum_value("registration", description="The outbound registration of a trunk.")
    REGISTRATION_OUTBOUND_AUTH = strawberry.enum_value(
        "registration_outbound_auth", description="The auth object the outbound registration uses."
    )
    OUTBOUND_AUTH = strawberry.enum_value(
        "outbound_auth", description="The auth object the endpoint uses for outbound requests."
    )


@strawberry.enum(description="What an update does to its Sorcery object.")
class SorceryAction(Enum):
    UPSERT = strawberry.enum_value("UPSERT", description="Create the object, or replace it with `fields`.")
    DELETE = strawberry.enum_value("DELETE", description="Delete the object.")


@strawberry.enum(description="Whether a configuration is a template or an endpoint.")
class ConfigKind(Enum):
    TEMPLATE = strawberry.enum_value(
        "template",
        description=("A template: options that endpoints and other templates inherit; Asterisk never sees it."),
    )
    ENDPOINT = strawberry.enum_value(
        "endpoint", description="An endpoint (a line or a trunk): it becomes Sorcery objects in Asterisk."
    )


@strawberry.enum(description="What happened to a tenant, template or endpoint.")
class ChangeAction(Enum):
    CREATED = strawberry.enum_value("CREATED", description="It was created.")
    UPDATED = strawberry.enum_value(
        "UPDATED", description="It was changed (name, label, parents, transport or options)."
    )
    DELETED = strawberry.enum_value("DELETED", description="It was deleted.")


@strawberry.enum(description="Sort key of template and endpoint lists.")
class SipConfigOrder(Enum):
    NAME = strawberry.enum_value("name", description="By name.")
    LABEL = strawberry.enum_value("label", description="By label (no label sorts as empty).")
    CREATED_AT = strawberry.enum_value("created_at", description="By creation time.")


@strawberry.enum(description="Sort order of a list.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Ascending.")
    DESC = strawberry.enum_value("desc", description="Descending.")


@strawberry.enum(description="How a pjsip.conf export writes inheritance.")
class PjsipTemplates(Enum):
    FLAT = strawberry.enum_value(
        "flat", description="Every endpoint written with all its resolved options; no templates."
    )
    NATIVE = strawberry.enum_value(
        "native",
        description=(
            "Each template section written as an Asterisk template `[tpl:<tenant slug>:<template>:<section>](!)` "
            "that endpoint sections inherit from; Asterisk resolves them to the same objects."
        ),
    )


@strawberry.enum(description="The type of a Sorcery object, as Asterisk's res_pjsip names it (lower case there).")
class SorceryObjectType(Enum):
    ENDPOINT = strawberry.enum_value("endpoint", description="A line or trunk: how calls to and from it behave.")
    AOR = strawberry.enum_value("aor", description="Where the endpoint is reached: its contacts and registrations.")
    AUTH = strawberry.enum_value("auth", description="Credentials, inbound or outbound.")
    IDENTIFY = strawberry.enum_value("identify", description="Matches requests to an endpoint by address or header.")
    REGISTRATION = strawberry.enum_value("registration", description="An outbound registration of a trunk.")
    TRANSPORT = strawberry.enum_value("transport", description="A listening socket of the engine.")
    GLOBAL = strawberry.enum_value("global", description="The engine's single `global` object.")
    SYSTEM = strawberry.enum_value("system", description="The engine's single `system` object.")


@strawberry.enum(description="What a configuration change event is about.")
class ChangedObjectKind(Enum):
    TENANT = strawberry.enum_value("tenant", description="A tenant was created, renamed or deleted.")
    TEMPLATE = strawberry.enum_value("template", description="A template was created, changed or deleted.")
    ENDPOINT = strawberry.enum_value("endpoint", description="An endpoint was created, changed or deleted.")


@strawberry.enum(description="How Asterisk reads an option's value.")
class OptionValueType(Enum):
    BOOLEAN = strawberry.enum_value("boolean", description="yes/no (also true/false, on/off, 1/0).")
    INTEGER = strawberry.enum_value(
        "integer", description="A signed 32-bit integer (Asterisk reads 0x as hex, 0 as octal)."
    )
    UNSIGNED = strawberry.enum_value("unsigned", description="An unsigned 32-bit integer.")
    DOUBLE = strawberry.enum_value("double", description="A decimal number.")
    STRING = strawberry.enum_value("string", description="Free text.")
    CODEC = strawberry.enum_value("codec", description="A comma separated list of codec names, or `all`.")
    CUSTOM = strawberry.enum_value(
        "custom", description="Read by the option's own handler: see `enumValues`, or Asterisk's documentation."
    )
