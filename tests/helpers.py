"""Small builders shared by tests: tenants, endpoints and tokens through the services."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.database import Database
from app.db.models import SorceryObjectRow, SorceryUpdateRow
from app.db.queries import recorded_object_texts
from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section, to_options
from app.services import configs, tenants
from app.services.access import Caller
from app.services.snapshots import ConfigRecord
from app.services.tokens import authenticate, create_token


async def caller_for(db: Database, token: str) -> Caller:
    async with db.reading() as session:
        caller = await authenticate(session, token)
    assert caller is not None
    return caller


async def token_for(db: Database, tenant_uuid: UUID, scopes: str) -> str:
    async with db.writing() as session:
        return await create_token(session, tenant_uuid=tenant_uuid, scopes=scopes)


async def new_tenant(db: Database, caller: Caller, name: str, parent: UUID | None = None) -> UUID:
    result = await tenants.create_tenant(
        db, caller, name=name, slug=None, parent_uuid=parent, with_default_templates=True
    )
    assert result.tenant is not None
    return result.tenant.uuid


async def default_template(db: Database, tenant_uuid: UUID, role: str) -> ConfigRecord:
    from app.services.reads import default_templates

    (by_role,) = await default_templates(db, [tenant_uuid])
    return by_role[role]


async def new_endpoint(
    db: Database,
    caller: Caller,
    tenant_uuid: UUID,
    name: str,
    parents: list[UUID],
    sections: dict[Section, Options] | None = None,
) -> ConfigRecord:
    result = await configs.create_config(
        db,
        caller,
        ConfigKind.ENDPOINT,
        configs.NewConfig(tenant_uuid=tenant_uuid, name=name, parent_uuids=parents, sections=sections or {}),
        dry_run=False,
    )
    assert result.view is not None
    return result.view.record


async def lines_under_general(
    db: Database, caller: Caller, tenant_name: str, prefix: str, count: int
) -> tuple[UUID, ConfigRecord, list[ConfigRecord]]:
    """A new tenant, its `general` template, and ``count`` endpoints named ``<prefix>-NN`` under it."""
    tenant = await new_tenant(db, caller, tenant_name)
    general = await default_template(db, tenant, "general")
    lines = [await new_endpoint(db, caller, tenant, f"{prefix}-{i:02d}", [general.uuid]) for i in range(count)]
    return tenant, general, lines


async def recorded_objects(
    session: AsyncSession, engine_uuid: UUID, *, tenant_uuids: list[UUID]
) -> dict[tuple[str, str], tuple[Options, UUID | None, UUID | None]]:
    """The recorded objects of these tenants, their fields decoded: key -> (fields, tenant, endpoint)."""
    texts = await recorded_object_texts(session, engine_uuid, tenant_uuids=tenant_uuids)
    return {key: (to_options(orjson.loads(text)), t, e) for key, (text, t, e) in texts.items()}


async def record_after(db: Database, tenant: UUID, after_seq: int) -> tuple[list[Any], list[Any]]:
    """The update rows numbered after ``after_seq`` (numbers relative to the first), and the
    tenant's object states: what a change recorded, to compare with another's."""
    update_t = SorceryUpdateRow.__table__  # type: ignore[attr-defined]
    object_t = SorceryObjectRow.__table__  # type: ignore[attr-defined]
    async with db.reading() as session:
        updates = (
            await session.execute(
                sa.select(
                    update_t.c.seq,
                    update_t.c.action,
                    update_t.c.object_type,
                    update_t.c.object_id,
                    sa.cast(update_t.c.fields, sa.Text),
                    update_t.c.changed_keys,
                    update_t.c.requires_recreate,
                    update_t.c.requires_reload,
                    update_t.c.tenant_uuid,
                    update_t.c.endpoint_uuid,
                )
                .where(update_t.c.seq > after_seq)
                .order_by(update_t.c.seq)
            )
        ).all()
        objects = (
            await session.execute(
                sa.select(
                    object_t.c.object_type,
                    object_t.c.object_id,
                    sa.cast(object_t.c.fields, sa.Text),
                    object_t.c.endpoint_uuid,
                )
                .where(object_t.c.tenant_uuid == tenant)
                .order_by(object_t.c.object_type, object_t.c.object_id)
            )
        ).all()
    first = updates[0].seq if updates else 0
    return [(row.seq - first, *row[1:]) for row in updates], [tuple(row) for row in objects]


# What each object needs to be loaded by Asterisk at all (app/domain/asterisk_values.object_problems).
REQUIRED_OPTIONS: dict[Section, Options] = {
    Section.AUTH: (("username", "user"), ("password", "secret")),
    Section.OUTBOUND_AUTH: (("username", "user"), ("password", "secret")),
    Section.REGISTRATION_OUTBOUND_AUTH: (("username", "user"), ("password", "secret")),
    Section.IDENTIFY: (("match", "192.0.2.99"),),
    # a closed loopback port: a registration attempt fails at once, without a network timeout
    Section.REGISTRATION: (("server_uri", "sip:127.0.0.1:9"), ("client_uri", "sip:user@127.0.0.1:9")),
}


def completed(
    sections: dict[Section, Options], inherited: set[Section] | frozenset[Section] = frozenset()
) -> dict[Section, Options]:
    """An endpoint's sections with the options its objects need appended (they win over earlier
    values), for every object the endpoint has: its own non-empty sections and ``inherited`` ones."""
    out = dict(sections)
    for section, required in REQUIRED_OPTIONS.items():
        if out.get(section) or section in inherited:
            out[section] = (*out.get(section, ()), *required)
    return out
