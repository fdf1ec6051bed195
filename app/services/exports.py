"""pjsip.conf exports: flat (every Sorcery object) or native (tenant templates kept).

Flat writes the recorded objects, so the file says exactly what was sent to
Asterisk; native writes the configurations as they are stored, with Asterisk's
own `[x](tpl1,tpl2)` templates standing for the product's inheritance, which
means the same thing (a test reads both and compares).
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.asterisk.pjsip_export import TenantConfigs, render_flat, render_native
from app.db.database import Database
from app.db.models import Engine, SipConfig, SorceryObjectRow, Tenant, Transport
from app.db.queries import load_tenant_graphs, tenant_subtree
from app.domain.resolution import ConfigNode
from app.domain.sections import Options, to_options
from app.domain.sorcery import SorceryObject
from app.errors import NotFound
from app.gc_pause import collector_paused
from app.services.access import SECRETS_READ, SIP_READ, Caller

# The order of the object table of the product rules, per endpoint.
_OBJECT_ORDER = {"auth": 0, "aor": 1, "endpoint": 2, "identify": 4, "registration": 6}


class TemplateMode(StrEnum):
    FLAT = "flat"
    NATIVE = "native"


async def pjsip_conf(db: Database, caller: Caller, *, engine: str, tenant_uuid: UUID | None, mode: TemplateMode) -> str:
    """The engine's configuration as pjsip.conf text.

    An operator exports the whole engine, or one tenant's subtree with
    ``tenant_uuid`` (engine objects included). Any other caller exports its own
    subtree (or a visible ``tenant_uuid``'s) without the engine objects. Files
    carry passwords, so the secrets scope is required.
    """
    caller.require(SIP_READ)
    caller.require(SECRETS_READ)
    with collector_paused():
        return await _pjsip_conf(db, caller, engine=engine, tenant_uuid=tenant_uuid, mode=mode)


async def _pjsip_conf(
    db: Database, caller: Caller, *, engine: str, tenant_uuid: UUID | None, mode: TemplateMode
) -> str:
    async with db.reading() as session:
        engine_row = (await session.scalars(select(Engine).where(Engine.name == engine))).first()
        if engine_row is None or (engine_row.uuid != caller.engine_uuid and not caller.is_operator):
            raise NotFound(f"engine '{engine}' not found")
        root = tenant_uuid or (None if caller.is_operator else caller.tenant_uuid)
        if root is not None:
            caller.check_visible(root, "tenant")
            tenants = await tenant_subtree(session, root)
        else:
            tenants = await _engine_tenants(session, engine_row.uuid)
        with_engine = caller.is_operator
        global_options = to_options(engine_row.global_options) if with_engine else ()
        system_options = to_options(engine_row.system_options) if with_engine else ()
        transports = await _transports(session, engine_row.uuid) if with_engine else []
        if mode is TemplateMode.FLAT:
            objects = await _recorded_objects(session, engine_row.uuid, tenants)
            return render_flat(
                global_options=global_options,
                system_options=system_options,
                transports=transports,
                objects=objects,
                engine_objects=with_engine,
            )
        graph = await load_tenant_graphs(session, tenants)
        slugs = dict(
            (await session.execute(select(Tenant.uuid, Tenant.slug).where(col(Tenant.uuid).in_(tenants)))).all()
        )
    per_tenant: dict[UUID, dict[UUID, ConfigNode]] = {t: {} for t in tenants}
    for uuid, node in graph.nodes.items():
        per_tenant[graph.tenants[uuid]][uuid] = node
    return render_native(
        global_options=global_options,
        system_options=system_options,
        transports=transports,
        tenants=[TenantConfigs(slug=slugs[t], nodes=nodes) for t, nodes in per_tenant.items()],
        engine_objects=with_engine,
    )


async def _engine_tenants(session: AsyncSession, engine_uuid: UUID) -> list[UUID]:
    return list((await session.scalars(select(Tenant.uuid).where(Tenant.engine_uuid == engine_uuid))).all())


async def _transports(session: AsyncSession, engine_uuid: UUID) -> list[tuple[str, Options]]:
    rows = await session.scalars(
        select(Transport).where(Transport.engine_uuid == engine_uuid).order_by(col(Transport.name))
    )
    return [(t.name, to_options(t.options)) for t in rows.all()]


async def _recorded_objects(session: AsyncSession, engine_uuid: UUID, tenants: list[UUID]) -> list[SorceryObject]:
    """The recorded objects of these tenants' endpoints, endpoint by endpoint in table order."""
    objects = SorceryObjectRow.__table__  # type: ignore[attr-defined]
    configs = SipConfig.__table__  # type: ignore[attr-defined]
    rows = list(
        (
            await session.execute(
                sa.select(objects.c.object_type, objects.c.object_id, objects.c.fields, configs.c.name)
                .select_from(objects.join(configs, configs.c.uuid == objects.c.endpoint_uuid))
                .where(objects.c.engine_uuid == engine_uuid, objects.c.tenant_uuid.in_(tenants))
            )
        ).all()
    )
    rows.sort(key=lambda r: (r.name, _rank(r.object_type, r.object_id, r.name)))
    return [SorceryObject(r.object_type, r.object_id, to_options(r.fields)) for r in rows]


def _rank(object_type: str, object_id: str, endpoint: str) -> int:
    if object_type == "auth" and object_id != endpoint:
        return 3 if object_id.startswith("outbound_auth_") else 5
    return _OBJECT_ORDER.get(object_type, 9)
