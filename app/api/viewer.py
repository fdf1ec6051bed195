"""`viewer`: who the calling token is, so that a frontend can show it and hide what it may not do."""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.api.context import Info
from app.api.types.tenancy import Tenant
from app.services.access import Caller
from app.services.read_access import held_scopes, may_change_engine, own_tenant


@strawberry.type(description="The calling token: its tenant and what it may do.")
class Viewer:
    caller: strawberry.Private[Caller]

    @strawberry.field(description="The token's uuid; null for a caller that is not a stored token.")
    def token_uuid(self) -> UUID | None:
        return self.caller.token_uuid

    @strawberry.field(description="The scopes the token holds, `*` spelled out as every scope.")
    def scopes(self) -> list[str]:
        return held_scopes(self.caller)

    @strawberry.field(description="Whether the token may change engine objects (transports, global, system).")
    def is_operator(self) -> bool:
        return may_change_engine(self.caller)

    @strawberry.field(description="The tenant the token acts on, with its subtree.")
    async def tenant(self, info: Info) -> Tenant:
        record = await info.context.loaders.tenant.load(self.caller.tenant_uuid)
        return Tenant.of(own_tenant(self.caller, record))


@strawberry.type
class ViewerQueries:
    @strawberry.field(
        description="Who the calling token is: its tenant and scopes. Any valid token may ask, whatever its scopes."
    )
    def viewer(self, info: Info) -> Viewer:
        return Viewer(caller=info.context.caller)
