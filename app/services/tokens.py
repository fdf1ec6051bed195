"""API tokens: created once and stored only as a hash; listed, expired and revoked.

Managing tokens needs the ``tenants:write`` scope: a token manages the tokens of
its tenant and of the tenants below it (others do not exist for it: NOT_FOUND),
and never creates a token with a scope it does not hold itself. The command
line acts as the operator (``caller=None``): every tenant, every scope.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col, select

from app.db.database import Database
from app.db.hot import HotRead
from app.db.models import ApiToken, Tenant, utcnow
from app.errors import Forbidden, InvalidInput, Issue, NotFound, Unauthenticated
from app.services.access import ALL, TENANTS_WRITE, Caller, parse_scopes

log = logging.getLogger(__name__)
T = TypeVar("T")

TOKEN_PREFIX = "pjg_"
# last_used_at is written at most this often per token and process.
LAST_USED_GRANULARITY_SECONDS = 60.0


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What may be shown of a token: never the secret or its hash."""

    uuid: UUID
    tenant_uuid: UUID
    description: str | None
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: ApiToken) -> TokenInfo:
        return cls(
            row.uuid,
            row.tenant_uuid,
            row.description,
            tuple(row.scopes.split(",")),
            row.created_at,
            row.expires_at,
            row.last_used_at,
            row.revoked_at,
        )


async def create_token(
    session: AsyncSession,
    *,
    tenant_uuid: UUID,
    scopes: str,
    description: str | None = None,
    expires_at: datetime | None = None,
) -> str:
    """Store a new token for the tenant and return it; it cannot be shown again."""
    parsed = parse_scopes(scopes)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            tenant_uuid=tenant_uuid,
            token_hash=hash_token(token),
            scopes=",".join(sorted(parsed)),
            description=description,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return token


async def issue_token(
    session: AsyncSession,
    caller: Caller | None,
    *,
    tenant_uuid: UUID,
    scopes: Sequence[str],
    description: str | None,
    expires_at: datetime | None,
) -> tuple[TokenInfo, str]:
    """A new token for a tenant the caller manages, with scopes the caller holds."""
    _require_manager(caller, tenant_uuid)
    issues: list[Issue] = []
    try:
        parsed = parse_scopes(",".join(scopes))
    except ValueError as exc:
        raise InvalidInput(Issue("input.scopes", str(exc))) from exc
    if caller is not None and ALL not in caller.scopes:
        beyond = sorted(parsed - caller.scopes)
        if beyond:
            raise Forbidden(f"a token cannot grant scopes it does not hold: {', '.join(beyond)}")
    if expires_at is not None and expires_at <= utcnow():
        issues.append(Issue("input.expiresAt", "must be in the future"))
    if issues:
        raise InvalidInput(issues)
    if await session.get(Tenant, tenant_uuid) is None:
        raise NotFound("tenant not found")
    secret = await create_token(
        session, tenant_uuid=tenant_uuid, scopes=",".join(parsed), description=description, expires_at=expires_at
    )
    row = (await session.scalars(select(ApiToken).where(col(ApiToken.token_hash) == hash_token(secret)))).one()
    return TokenInfo.of(row), secret


async def list_tokens(
    session: AsyncSession, caller: Caller | None, *, tenant_uuid: UUID | None, recurse: bool
) -> list[TokenInfo]:
    """Tokens of a tenant (with ``recurse``, of its subtree too), oldest first.

    Without a tenant: the caller's own tenant (every tenant for the operator).
    """
    if caller is not None:
        caller.require(TENANTS_WRITE)
    statement = select(ApiToken).order_by(col(ApiToken.created_at), col(ApiToken.uuid))
    if tenant_uuid is None and caller is not None:
        tenant_uuid = caller.tenant_uuid
    if tenant_uuid is not None:
        if caller is not None:
            caller.check_visible(tenant_uuid, "tenant")
        tenants = await _subtree(session, tenant_uuid) if recurse else [tenant_uuid]
        if caller is not None:
            tenants = [t for t in tenants if caller.can_see(t)]
        statement = statement.where(col(ApiToken.tenant_uuid).in_(tenants))
    return [TokenInfo.of(row) for row in (await session.scalars(statement)).all()]


async def revoke_token(session: AsyncSession, caller: Caller | None, token_uuid: UUID) -> TokenInfo:
    """Revoke a token at once (idempotent: revoking twice keeps the first time)."""
    row = await session.get(ApiToken, token_uuid)
    if row is None or (caller is not None and not caller.can_see(row.tenant_uuid)):
        raise NotFound("token not found")
    _require_manager(caller, row.tenant_uuid)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()
    return TokenInfo.of(row)


def _require_manager(caller: Caller | None, tenant_uuid: UUID) -> None:
    if caller is None:
        return
    caller.require(TENANTS_WRITE)
    caller.check_visible(tenant_uuid, "tenant")


async def _subtree(session: AsyncSession, tenant_uuid: UUID) -> list[UUID]:
    tenant_t = Tenant.__table__  # type: ignore[attr-defined]
    seed = sa.select(tenant_t.c.uuid).where(tenant_t.c.uuid == tenant_uuid).cte("tree", recursive=True)
    tree = seed.union_all(sa.select(tenant_t.c.uuid).join(seed, tenant_t.c.parent_uuid == seed.c.uuid))
    return list((await session.scalars(sa.select(tree.c.uuid))).all())


def _authentication_statement() -> sa.Select[Any]:
    """Token, tenant and the tenant's subtree in one statement, built once.

    Authentication runs on every request: one round trip, and a statement
    SQLAlchemy compiles once (building a select per request cost more than
    executing it). Revoked and expired tokens match nothing.
    """
    token_t = ApiToken.__table__  # type: ignore[attr-defined]
    tenant_t = Tenant.__table__  # type: ignore[attr-defined]
    me = (
        sa.select(
            tenant_t.c.uuid,
            tenant_t.c.parent_uuid,
            tenant_t.c.engine_uuid,
            token_t.c.scopes,
            token_t.c.uuid.label("token_uuid"),
        )
        .join(token_t, token_t.c.tenant_uuid == tenant_t.c.uuid)
        .where(
            token_t.c.token_hash == sa.bindparam("token_hash"),
            token_t.c.revoked_at.is_(None),
            sa.or_(token_t.c.expires_at.is_(None), token_t.c.expires_at > sa.bindparam("now")),
        )
        .cte("me")
    )
    seed = sa.select(me.c.uuid).cte("subtree", recursive=True)
    subtree = seed.union_all(sa.select(tenant_t.c.uuid).join(seed, tenant_t.c.parent_uuid == seed.c.uuid))
    return sa.select(
        me.c.uuid, me.c.parent_uuid, me.c.engine_uuid, me.c.scopes, me.c.token_uuid, subtree.c.uuid.label("visible")
    ).select_from(me.join(subtree, sa.true()))


_AUTHENTICATE = HotRead(_authentication_statement())


async def authenticate(session: Database | AsyncSession | AsyncConnection, token: str) -> Caller | None:
    """The caller behind a bearer token, or None when the token is unknown, revoked or expired."""
    rows = await _AUTHENTICATE.rows(session, {"token_hash": hash_token(token), "now": utcnow()})
    if not rows:
        return None
    tenant, parent, engine, scopes, token_uuid, _ = rows[0]  # the columns of _authentication_statement
    return Caller(
        tenant_uuid=tenant,
        engine_uuid=engine,
        scopes=frozenset(scopes.split(",")),
        is_root=parent is None,
        visible={row[5] for row in rows},
        token_uuid=token_uuid,
    )


async def still_valid(connection: AsyncSession | AsyncConnection, token_uuid: UUID) -> bool:
    """Whether a token is neither revoked nor expired now (open subscriptions re-check it)."""
    token_t = ApiToken.__table__  # type: ignore[attr-defined]
    found = await connection.execute(
        sa.select(token_t.c.uuid).where(
            token_t.c.uuid == token_uuid,
            token_t.c.revoked_at.is_(None),
            sa.or_(token_t.c.expires_at.is_(None), token_t.c.expires_at > utcnow()),
        )
    )
    return found.first() is not None


class LastUsed:
    """Records a token's last use at most once a minute, after the answer is sent.

    Authentication stays a single read: ``note`` only remembers which tokens are
    due, ``flush`` (run once the response has gone out) writes them. So
    ``last_used_at`` is accurate to about a minute per process.
    """

    def __init__(self, write: Any, granularity: float = LAST_USED_GRANULARITY_SECONDS) -> None:
        self._write = write  # async (token_uuid, when) -> None
        self._granularity = granularity
        self._written: dict[UUID, float] = {}
        self._due: dict[UUID, datetime] = {}

    def note(self, token_uuid: UUID | None) -> None:
        if token_uuid is None:
            return
        now = time.monotonic()
        last = self._written.get(token_uuid)
        if last is not None and now - last < self._granularity:
            return
        self._written[token_uuid] = now
        self._due[token_uuid] = utcnow()

    async def flush(self) -> None:
        """Write the uses noted so far; a failure is logged, never raised."""
        while self._due:
            token_uuid, when = self._due.popitem()
            try:
                await self._write(token_uuid, when)
            except Exception:  # a lost last-use time must never fail a request
                log.warning("could not record a token's last use", exc_info=True)


async def write_last_used(session: AsyncSession, token_uuid: UUID, when: datetime) -> None:
    await session.execute(sa.update(ApiToken).where(col(ApiToken.uuid) == token_uuid).values(last_used_at=when))


def expiry_from(expires_in: timedelta | None, expires_at: datetime | None) -> datetime | None:
    if expires_in is not None and expires_at is not None:
        raise InvalidInput(Issue("input.expiresInSeconds", "give expiresAt or expiresInSeconds, not both"))
    if expires_in is not None:
        if expires_in <= timedelta(0):
            raise InvalidInput(Issue("input.expiresInSeconds", "must be positive"))
        return utcnow() + expires_in
    return expires_at


# How often an open subscription checks that its token still holds.
RECHECK_SECONDS = 5.0


async def while_valid(
    db: Any, token_uuid: UUID | None, source: AsyncIterator[T], *, every: float = RECHECK_SECONDS
) -> AsyncIterator[T]:
    """``source``'s items while the token is neither revoked nor expired.

    Checked every ``every`` seconds, whether items flow or not (each replica
    reads the database itself, so it works across replicas); then the
    subscription ends with UNAUTHENTICATED.
    """
    if token_uuid is None:
        async for item in source:
            yield item
        return
    next_check = time.monotonic() + every
    pending: asyncio.Task[T] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(source))
            done, _ = await asyncio.wait({pending}, timeout=max(0.0, next_check - time.monotonic()))
            if time.monotonic() >= next_check:
                async with db.connection() as connection:
                    if not await still_valid(connection, token_uuid):
                        raise Unauthenticated("this token was revoked or has expired")
                next_check = time.monotonic() + every
            if done:
                try:
                    item = pending.result()
                except StopAsyncIteration:
                    return
                pending = None
                yield item
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            # The source is still running its step: let the cancellation land first.
            await asyncio.gather(pending, return_exceptions=True)
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            await aclose()
