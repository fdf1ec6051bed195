"""API tokens: created once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db.models import ApiToken, Tenant
from app.db.queries import tenant_subtree
from app.services.access import Caller, parse_scopes

TOKEN_PREFIX = "pjg_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(session: AsyncSession, *, tenant_uuid: UUID, scopes: str, description: str | None = None) -> str:
    """Store a new token for the tenant and return it; it cannot be shown again."""
    parsed = parse_scopes(scopes)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            tenant_uuid=tenant_uuid,
            token_hash=hash_token(token),
            scopes=",".join(sorted(parsed)),
            description=description,
        )
    )
    await session.flush()
    return token


async def authenticate(session: AsyncSession, token: str) -> Caller | None:
    """The caller behind a bearer token, or None when the token is unknown."""
    row = (
        await session.execute(
            select(ApiToken.scopes, Tenant.uuid, Tenant.parent_uuid, Tenant.engine_uuid)
            .join(Tenant, col(Tenant.uuid) == col(ApiToken.tenant_uuid))
            .where(ApiToken.token_hash == hash_token(token))
        )
    ).first()
    if row is None:
        return None
    visible = set(await tenant_subtree(session, row.uuid))
    return Caller(
        tenant_uuid=row.uuid,
        engine_uuid=row.engine_uuid,
        scopes=frozenset(row.scopes.split(",")),
        is_root=row.parent_uuid is None,
        visible=visible,
    )
