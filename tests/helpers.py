"""Small builders shared by tests: tenants, endpoints and tokens through the services."""

from __future__ import annotations

from uuid import UUID

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.database import Database
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


async def recorded_objects(
    session: AsyncSession, engine_uuid: UUID, *, tenant_uuids: list[UUID]
) -> dict[tuple[str, str], tuple[Options, UUID | None, UUID | None]]:
    """The recorded objects of these tenants, their fields decoded: key -> (fields, tenant, endpoint)."""
    texts = await recorded_object_texts(session, engine_uuid, tenant_uuids=tenant_uuids)
    return {key: (to_options(orjson.loads(text)), t, e) for key, (text, t, e) in texts.items()}


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
