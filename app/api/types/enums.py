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
