"""API tokens: created once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.db.models import ApiToken, Tenant
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


def _authentication_statement() -> sa.Select[Any]:
    """Token, tenant and the tenant's subtree in one statement, built once.

    Authentication runs on every request: one round trip, and a statement
    SQLAlchemy compiles once (building a select per request cost more than
    executing it).
    """
    token_t = ApiToken.__table__  # type: ignore[attr-defined]
    tenant_t = Tenant.__table__  # type: ignore[attr-defined]
    me = (
        sa.select(tenant_t.c.uuid, tenant_t.c.parent_uuid, tenant_t.c.engine_uuid, token_t.c.scopes)
        .join(token_t, token_t.c.tenant_uuid == tenant_t.c.uuid)
        .where(token_t.c.token_hash == sa.bindparam("token_hash"))
        .cte("me")
    )
    seed = sa.select(me.c.uuid).cte("subtree", recursive=True)
    subtree = seed.union_all(sa.select(tenant_t.c.uuid).join(seed, tenant_t.c.parent_uuid == seed.c.uuid))
    return sa.select(
        me.c.uuid, me.c.parent_uuid, me.c.engine_uuid, me.c.scopes, subtree.c.uuid.label("visible")
    ).select_from(me.join(subtree, sa.true()))


_AUTHENTICATE = _authentication_statement()


async def authenticate(session: AsyncSession | AsyncConnection, token: str) -> Caller | None:
    """The caller behind a bearer token, or None when the token is unknown."""
    rows = (await session.execute(_AUTHENTICATE, {"token_hash": hash_token(token)})).all()
    if not rows:
        return None
    first = rows[0]
    return Caller(
        tenant_uuid=first.uuid,
        engine_uuid=first.engine_uuid,
        scopes=frozenset(first.scopes.split(",")),
        is_root=first.parent_uuid is None,
        visible={row.visible for row in rows},
    )
