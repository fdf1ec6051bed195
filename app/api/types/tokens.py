"""API tokens in the API: listed (never the secret), created (the secret once), revoked."""

from __future__ import annotations

from datetime import datetime, timedelta
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


@strawberry.type
class ApiToken:
    uuid: UUID
    tenant_uuid: UUID
    description: str | None
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None = strawberry.field(description="Accurate to about a minute.")
    revoked_at: datetime | None

    @classmethod
    def of(cls, info: TokenInfo) -> ApiToken:
        return from_attributes(cls, info, scopes=list(info.scopes))


@strawberry.type
class ApiTokenEdge:
    cursor: str
    node: ApiToken


@strawberry.type
class ApiTokenConnection:
    edges: list[ApiTokenEdge]
    page_info: PageInfo
    total_count: int

    @strawberry.field(description="The page's tokens, in order: `edges` without the cursors.")
    def nodes(self) -> list[ApiToken]:
        return [edge.node for edge in self.edges]


@strawberry.input
class CreateApiTokenInput:
    tenant_uuid: UUID
    scopes: list[str]
    description: str | None = None
    expires_at: datetime | None = None
    expires_in_seconds: int | None = None


@strawberry.type
class CreateApiTokenPayload:
    api_token: ApiToken
    secret: str = strawberry.field(description="The token itself: shown this once, only its hash is stored.")


@strawberry.type
class TokenQueries:
    @strawberry.field(description="Tokens of a tenant (with recurse, of its subtree); needs tenants:write.")
    async def api_tokens(
        self,
        info: Info,
        tenant_uuid: UUID | None = None,
        recurse: bool | None = False,
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
    async def create_api_token(self, info: Info, input: CreateApiTokenInput) -> CreateApiTokenPayload:
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
    async def revoke_api_token(self, info: Info, uuid: UUID) -> ApiToken:
        async with info.context.db.writing() as session:
            return ApiToken.of(await tokens.revoke_token(session, info.context.caller, uuid))
