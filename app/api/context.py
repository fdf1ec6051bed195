"""The per-request GraphQL context: database, caller, loaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from app.api.limits import TokenLimits
from app.api.loaders import Loaders
from app.db.database import Database
from app.errors import Unauthenticated
from app.events.hub import EventHub
from app.services.access import Caller
from app.settings import Settings

MISSING_TOKEN = "no token: send the header 'Authorization: Bearer <token>'"
MALFORMED_HEADER = "the Authorization header is not 'Bearer <token>'"
INVALID_TOKEN = "this token is not valid: it is unknown, revoked or expired; ask for a new one"


def bearer_token(headers: Any) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if that is what was sent."""
    value = headers.get("authorization") or headers.get("Authorization")
    if not value:
        return None
    scheme, _, token = str(value).partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def why_unauthenticated(header: str | None, token: str | None) -> str:
    """The UNAUTHENTICATED message for a request that has no caller."""
    if token is not None:
        return INVALID_TOKEN
    return MALFORMED_HEADER if header else MISSING_TOKEN


@dataclass
class Context:
    db: Database
    settings: Settings
    loaders: Loaders
    caller_or_none: Caller | None
    hub: EventHub
    request: Any = None
    response: Any = None
    # Set by Strawberry for WebSocket connections (connection_init payload).
    connection_params: dict[str, Any] | None = field(default=None)
    # Per-token limits shared by the application, and this token's key in them.
    limits: TokenLimits | None = None
    token_key: str | None = None
    # A WebSocket's context lives as long as the socket: each operation on it
    # gets fresh DataLoaders from this factory, so none serves stale data.
    new_loaders: Callable[[], Loaders] | None = None
    # The token could not be checked because the database did not answer.
    database_unavailable: bool = False
    # Why there is no caller, in the words UNAUTHENTICATED answers with.
    unauthenticated_because: str = MISSING_TOKEN

    @property
    def caller(self) -> Caller:
        if self.caller_or_none is None:
            raise Unauthenticated(self.unauthenticated_because)
        return self.caller_or_none


Info = StrawberryInfo[Context, None]
