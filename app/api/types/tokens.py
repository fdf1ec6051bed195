"""API tokens in the API: listed (never the secret), created (the secret once), revoked."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

import strawberry

from app.api.arguments import AfterCursor, BeforeCursor, LastSize, PageSize, window_argument
from app.api.context import Info
from app.api.types.building import from_attributes
from app.api.types.paging import PageInfo, page_info
from app.errors import InvalidInput, Issue
from app.services import tokens
from app.services.tokens import TokenInfo

MAX_PAGE = 500


@strawberry.type(
    description=(
        "An API token: who may call the API, for which tenant subtree and with "
        "which scopes. The secret itself is never shown again."
    )
)
class ApiToken:
    uuid: UUID = strawberry.field(description="The token's identifier (not its secret).")
    tenant_uuid: UUID = strawberry.field(description="The tenant whose subtree the token acts on.")
    description: str | None = strawberry.field(description="Free text given at creation, to tell tokens apart.")
    scopes: list[str] = strawberry.field(
        description=(
            "What the token may do: tenants:read, tenants:write, sip:read, "
            "sip:write, secrets:read, engine:admin, or * (all)."
        )
    )
    created_at: datetime = strawberry.field(description="When the token was created.")
    expires_at: datetime | None = strawberry.field(description="When the token stops working; null: never.")
    last_used_at: datetime | None = strawberry.field(description="Accurate to about a minute.")
    revoked_at: datetime | None = strawberry.field(description="When the token was revoked; null while it is valid.")

    @classmethod
    def of(cls, info: TokenInfo) -> ApiToken:
        return from_attributes(cls, info, scopes=list(info.scopes))


@strawberry.type(description="A token of the page and its cursor.")
class ApiTokenEdge:
    cursor: str = strawberry.field(description="Opaque position of this token: pass it as `after` or `before`.")
    node: ApiToken = strawberry.field(description="The token.")


@strawberry.type(description="A page of API tokens, oldest first.")
class ApiTokenConnection:
    edges: list[ApiTokenEdge] = strawberry.field(description="The page's tokens with their cursors.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist, either way.")
    total_count: int = strawberry.field(description="How many tokens the list holds in all pages.")

    @strawberry.field(description="The page's tokens, in order: `edges` without the cursors.")
    def nodes(self) -> list[ApiToken]:
        return [edge.node for edge in self.edges]


@strawberry.input(description="A new API token.")
class CreateApiTokenInput:
    tenant_uuid: UUID = strawberry.field(
        description="The tenant whose subtree the token acts on: the caller's tenant or one below it."
    )
    scopes: list[str] = strawberry.field(
        description="The scopes to grant (see `ApiToken.scopes`); never more than the caller has."
    )
    description: str | None = strawberry.field(default=None, description="Free text to tell the token apart.")
    expires_at: datetime | None = strawberry.field(
        default=None,
        description=("When the token stops working; give this or expiresInSeconds, or neither (no expiry)."),
    )
    expires_in_seconds: int | None = strawberry.field(
        default=None, description="Lifetime in seconds from now, instead of expiresAt."
    )


@strawberry.type(description="A created token and its secret.")
class CreateApiTokenPayload:
    api_token: ApiToken = strawberry.field(description="The token as listed from now on.")
    secret: str = strawberry.field(description="The token itself: shown this once, only its hash is stored.")


@strawberry.type
class TokenQueries:
    @strawberry.field(description="Tokens of a tenant (with recurse, of its subtree); needs tenants:write.")
    async def api_tokens(
        self,
        info: Info,
        tenant_uuid: Annotated[
            UUID | None, strawberry.argument(description="The tenant; default: the caller's tenant.")
        ] = None,
        recurse: Annotated[
            bool | None, strawberry.argument(description="Include the tokens of every tenant below it.")
        ] = False,
        first: PageSize = None,
        after: AfterCursor = None,
        last: LastSize = None,
        before: BeforeCursor = None,
    ) -> ApiTokenConnection:
        window = window_argument(first, after, last, before)
        size = window.size(50, MAX_PAGE)
        async with info.context.db.reading() as session:
            found = await tokens.list_tokens(
                session, info.context.caller, tenant_uuid=tenant_uuid, recurse=recurse is True
            )
        positions = {str(t.uuid): i for i, t in enumerate(found)}

        def position(argument: str, cursor: str) -> int:
            if cursor not in positions:
                raise InvalidInput(Issue(argument, "not a cursor returned by this list"))
            return positions[cursor]

        start = position("after", window.after) + 1 if window.after is not None else 0
        end = position("before", window.before) if window.before is not None else len(found)
        if window.backward:
            start = max(start, end - size)
        else:
            end = min(end, start + size)
        edges = [ApiTokenEdge(cursor=str(t.uuid), node=ApiToken.of(t)) for t in found[start:end]]
        return ApiTokenConnection(
            edges=edges,
            page_info=page_info([e.cursor for e in edges], has_next_page=end < len(found), has_previous_page=start > 0),
            total_count=len(found),
        )


@strawberry.type
class TokenMutations:
    @strawberry.mutation(description="Needs tenants:write; never grants a scope the caller lacks.")
    async def create_api_token(
        self, info: Info, input: Annotated[CreateApiTokenInput, strawberry.argument(description="The token to create.")]
    ) -> CreateApiTokenPayload:
        lifetime = timedelta(seconds=input.expires_in_seconds) if input.expires_in_seconds is not None else None
        if input.expires_in_seconds is not None and input.expires_in_seconds <= 0:
            raise InvalidInput(Issue("input.expiresInSeconds", "must be positive"))
        expires_at = tokens.expiry_from(lifetime, input.expires_at)
        async with info.context.db.writing() as session:
            created, secret = await tokens.issue_token(
                session,
                info.context.caller,
                tenant_uuid=input.tenant_uuid,
                scopes=input.scopes,
                description=input.description,
                expires_at=expires_at,
            )
        return CreateApiTokenPayload(api_token=ApiToken.of(created), secret=secret)

    @strawberry.mutation(description="Needs tenants:write; the token is refused from its next request on.")
    async def revoke_api_token(
        self, info: Info, uuid: Annotated[UUID, strawberry.argument(description="The token's uuid.")]
    ) -> ApiToken:
        async with info.context.db.writing() as session:
            return ApiToken.of(await tokens.revoke_token(session, info.context.caller, uuid))
