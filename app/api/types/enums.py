"""Closed sets of values the schema exposes as enums."""

from __future__ import annotations

from enum import Enum

import strawberry


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
