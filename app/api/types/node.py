"""Global object identification: the `Node` interface and its opaque ids.

Client caches (Apollo's InMemoryCache, urql's graphcache, Relay) normalise
objects by `__typename` and `id`. Every type with an identity implements
`Node`, whose `id` is the type name and the object's uuid, base64 encoded:
unique across the whole schema, stable, and opaque to clients (who must not
parse it; `uuid` stays for them). `node(id:)` and `nodes(ids:)` refetch any
of them under the same access rules as every other field.
"""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

import strawberry

NODE_ID_DESCRIPTION = (
    "Globally unique and stable: the key client caches normalise this object by. "
    "Opaque: do not parse it; use `uuid` to refer to the object in arguments."
)


def global_id(type_name: str, uuid: UUID, detail: str | None = None) -> str:
    """``detail`` tells apart the objects that share one uuid (the Sorcery objects of an endpoint)."""
    text = f"{type_name}:{uuid}" if detail is None else f"{type_name}:{uuid}:{detail}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def parse_global_id(value: str) -> tuple[str, UUID, str | None] | None:
    """(type name, uuid, detail) of an id this server handed out; None for anything else."""
    try:
        text = base64.urlsafe_b64decode(value.encode("ascii")).decode()
        type_name, _, rest = text.partition(":")
        uuid, colon, detail = rest.partition(":")
        return type_name, UUID(uuid), (detail if colon else None)
    except (binascii.Error, UnicodeError, ValueError):
        return None


@strawberry.interface(
    description="An object with a globally unique, opaque `id`; `node(id:)` refetches it.",
)
class Node:
    uuid: strawberry.Private[UUID]

    @strawberry.field(description=NODE_ID_DESCRIPTION)
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id(_type_name(self), self.uuid))


def _type_name(value: object) -> str:
    definition = getattr(type(value), "__strawberry_definition__", None)
    return definition.name if definition is not None else type(value).__name__
