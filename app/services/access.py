"""Who is calling and what they may see (docs/domain.md §6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from app.errors import Forbidden, NotFound

TENANTS_READ = "tenants:read"
TENANTS_WRITE = "tenants:write"
SIP_READ = "sip:read"
SIP_WRITE = "sip:write"
SECRETS_READ = "secrets:read"
ENGINE_ADMIN = "engine:admin"
ALL = "*"
KNOWN_SCOPES = frozenset({TENANTS_READ, TENANTS_WRITE, SIP_READ, SIP_WRITE, SECRETS_READ, ENGINE_ADMIN, ALL})


@dataclass(slots=True)
class Caller:
    """An authenticated token: its tenant, scopes and the tenants it can see.

    ``visible`` is the token's tenant and its descendants; tenants created by
    the caller during a request are added to it.
    """

    tenant_uuid: UUID
    engine_uuid: UUID
    scopes: frozenset[str]
    is_root: bool
    visible: set[UUID] = field(default_factory=set)
    # The token's own row (None for callers that are not a stored token).
    token_uuid: UUID | None = None

    def has(self, scope: str) -> bool:
        return ALL in self.scopes or scope in self.scopes

    def require(self, scope: str) -> None:
        if not self.has(scope):
            raise Forbidden(f"this token lacks the '{scope}' scope")

    def can_see(self, tenant_uuid: UUID | None) -> bool:
        return tenant_uuid is not None and tenant_uuid in self.visible

    def check_visible(self, tenant_uuid: UUID | None, what: str) -> None:
        """Objects of other tenants do not exist for the caller: NOT_FOUND, never FORBIDDEN."""
        if not self.can_see(tenant_uuid):
            raise NotFound(f"{what} not found")

    @property
    def is_operator(self) -> bool:
        return self.is_root and self.has(ENGINE_ADMIN)

    def require_operator(self) -> None:
        if not self.is_operator:
            raise Forbidden("engine objects need the engine:admin scope of the root tenant")

    @property
    def sees_secrets(self) -> bool:
        return self.has(SECRETS_READ)


def parse_scopes(text: str) -> frozenset[str]:
    """``"sip:read,sip:write"`` or ``"*"``; unknown scopes are refused."""
    scopes = frozenset(s.strip() for s in text.split(",") if s.strip())
    unknown = scopes - KNOWN_SCOPES
    if not scopes or unknown:
        raise ValueError(
            f"unknown scopes: {', '.join(sorted(unknown)) or '(none given)'}; known: {', '.join(sorted(KNOWN_SCOPES))}"
        )
    return scopes
