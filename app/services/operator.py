"""The command line acts as the operator: the root tenant with every scope."""

from __future__ import annotations

import contextlib
from uuid import UUID

from sqlmodel import col, select

from app.db.database import Database
from app.db.models import Tenant
from app.db.queries import tenant_subtree
from app.services.access import ALL, Caller


async def operator_caller(db: Database) -> Caller:
    """A caller for local administration commands (whoever can run them owns the database)."""
    async with db.reading() as session:
        root = (await session.scalars(select(Tenant).where(col(Tenant.parent_uuid).is_(None)))).first()
        if root is None:
            raise LookupError("the database has no root tenant yet: start the server once (pjsip-graph serve)")
        visible = set(await tenant_subtree(session, root.uuid))
    return Caller(
        tenant_uuid=root.uuid, engine_uuid=root.engine_uuid, scopes=frozenset({ALL}), is_root=True, visible=visible
    )


async def tenant_by_ref(db: Database, ref: str) -> UUID:
    """A tenant by slug or uuid."""
    condition = col(Tenant.slug) == ref
    with contextlib.suppress(ValueError):  # not a uuid: a slug only
        condition = condition | (col(Tenant.uuid) == UUID(ref))
    async with db.reading() as session:
        found = (await session.scalars(select(Tenant.uuid).where(condition))).first()
    if found is None:
        raise LookupError(f"no tenant '{ref}'")
    return found
