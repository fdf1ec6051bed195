"""pjsip.conf exports: flat (every Sorcery object) or native (tenant templates kept).

Flat writes the recorded objects, so the file says exactly what was sent to
Asterisk; native writes the configurations as they are stored, with Asterisk's
own `[x](tpl1,tpl2)` templates standing for the product's inheritance, which
means the same thing (a test reads both and compares).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.asterisk.pjsip_export import TemplateNames, TenantWriter, engine_sections, object_sections
from app.db.bulk import in_values
from app.db.database import Database
from app.db.models import Engine, Tenant, Transport
from app.db.queries import chunks, config_t, load_configs, load_tenant_templates, object_t, tenant_subtree
from app.domain.resolution import ConfigKind, ConfigNode
from app.domain.sections import Options, to_options
from app.domain.sorcery import SorceryObject
from app.errors import NotFound
from app.gc_pause import collector_paused
from app.services.access import SECRETS_READ, SIP_READ, Caller
from app.switch_interval import many_rows, off_loop

# The order of the object table of the product rules, per endpoint.
_OBJECT_ORDER = {"auth": 0, "aor": 1, "endpoint": 2, "identify": 4, "registration": 6}


# Endpoints read and written at a time: memory holds one part's objects, not the tenant's.
EXPORT_PART = 2_000


class TemplateMode(StrEnum):
    FLAT = "flat"
    NATIVE = "native"


Write = Callable[[str], object]


async def pjsip_conf(db: Database, caller: Caller, *, engine: str, tenant_uuid: UUID | None, mode: TemplateMode) -> str:
    """The engine's configuration as pjsip.conf text (`write_pjsip_conf`, collected)."""
    text = io.StringIO()
    await write_pjsip_conf(db, caller, text.write, engine=engine, tenant_uuid=tenant_uuid, mode=mode)
    return text.getvalue()


async def write_pjsip_conf(
    db: Database, caller: Caller, write: Write, *, engine: str, tenant_uuid: UUID | None, mode: TemplateMode
) -> None:
    """The engine's configuration as pjsip.conf text, handed to ``write`` a part at a time.

    An operator exports the whole engine, or one tenant's subtree with
    ``tenant_uuid`` (engine objects included). Any other caller exports its own
    subtree (or a visible ``tenant_uuid``'s) without the engine objects. Files
    carry passwords, so the secrets scope is required. Every refusal comes
    before the first write. The parts are read in one snapshot, so the file is
    one committed state even while others change the tenant.
    """
    caller.require(SIP_READ)
    caller.require(SECRETS_READ)
    # (The collector paused: the parts' many short-lived objects made it rescan the heap again and again.)
    with collector_paused():
        await _write_pjsip_conf(db, caller, write, engine=engine, tenant_uuid=tenant_uuid, mode=mode)


async def _write_pjsip_conf(
    db: Database, caller: Caller, write: Write, *, engine: str, tenant_uuid: UUID | None, mode: TemplateMode
) -> None:
    async with db.snapshot() as session:
        scope = await _scope(session, caller, engine, tenant_uuid)
        text = _Text(write)
        if scope.with_engine:
            global_options = to_options(scope.engine.global_options)
            system_options = to_options(scope.engine.system_options)
            text.add(engine_sections(global_options, system_options, await _transports(session, scope)))
        if mode is TemplateMode.FLAT:
            await _write_flat(session, scope, text)
        else:
            await _write_native(session, scope, text)


@dataclass(frozen=True, slots=True)
class _Scope:
    engine: Engine
    tenants: list[UUID]
    with_engine: bool


class _Text:
    """Writes pieces of the file (each one or more sections) separated by a blank line."""

    def __init__(self, write: Write) -> None:
        self._write = write
        self._first = True

    def add(self, sections: Sequence[str] | str) -> None:
        text = sections if isinstance(sections, str) else "\n".join(sections)
        if not text:
            return
        if not self._first:
            self._write("\n")
        self._first = False
        self._write(text)


async def _scope(session: AsyncSession, caller: Caller, engine: str, tenant_uuid: UUID | None) -> _Scope:
    engine_row = (await session.scalars(select(Engine).where(Engine.name == engine))).first()
    if engine_row is None or (engine_row.uuid != caller.engine_uuid and not caller.is_operator):
        raise NotFound(f"engine '{engine}' not found")
    root = tenant_uuid or (None if caller.is_operator else caller.tenant_uuid)
    if root is not None:
        caller.check_visible(root, "tenant")
        tenants = await tenant_subtree(session, root)
    else:
        tenants = await _engine_tenants(session, engine_row.uuid)
    return _Scope(engine_row, tenants, with_engine=caller.is_operator)


async def _write_flat(session: AsyncSession, scope: _Scope, text: _Text) -> None:
    """Every endpoint's recorded objects, endpoints by name, each endpoint's in the product's order."""
    endpoints = await _endpoints(session, scope.tenants)
    endpoints.sort(key=lambda e: e.name)
    for part in chunks(endpoints, EXPORT_PART):
        objects = await _recorded_objects(session, scope.engine.uuid, [e.uuid for e in part])
        # Written in a worker thread: the event loop serves other requests meanwhile.
        text.add(await off_loop(many_rows(len(part)), _flat_part, part, objects))


def _flat_part(endpoints: Sequence[_Endpoint], objects: dict[UUID, list[SorceryObject]]) -> str:
    sections: list[str] = []
    for endpoint in endpoints:
        found = sorted(objects.get(endpoint.uuid, ()), key=lambda o: _rank(o.type, o.id, endpoint.name))
        sections.extend(object_sections(found))
    return "\n".join(sections)


async def _write_native(session: AsyncSession, scope: _Scope, text: _Text) -> None:
    """Per tenant by slug: its templates, then its endpoints by name, read a part at a time."""
    templates = await load_tenant_templates(session, scope.tenants)
    slugs: dict[UUID, str] = dict(
        (await session.execute(select(Tenant.uuid, Tenant.slug).where(col(Tenant.uuid).in_(scope.tenants)))).all()
    )
    tenant_templates: dict[UUID, dict[UUID, ConfigNode]] = {t: {} for t in scope.tenants}
    for uuid, node in templates.nodes.items():
        tenant_templates[templates.tenants[uuid]][uuid] = node
    tenant_endpoints: dict[UUID, list[_Endpoint]] = {t: [] for t in scope.tenants}
    for endpoint in await _endpoints(session, scope.tenants):
        tenant_endpoints[endpoint.tenant_uuid].append(endpoint)
    names = TemplateNames()
    for tenant in sorted(scope.tenants, key=slugs.__getitem__):
        writer = TenantWriter(slugs[tenant], tenant_templates[tenant], names)
        text.add(writer.template_sections())
        endpoints = sorted(tenant_endpoints.pop(tenant), key=lambda e: (e.name, e.uuid))
        for part in chunks(endpoints, EXPORT_PART):
            nodes = (await load_configs(session, [e.uuid for e in part])).nodes
            text.add(await off_loop(many_rows(len(part)), _native_part, writer, [nodes[e.uuid] for e in part]))


def _native_part(writer: TenantWriter, endpoints: Sequence[ConfigNode]) -> str:
    return "\n".join(section for node in endpoints for section in writer.endpoint_sections(node))


class _Endpoint(NamedTuple):
    uuid: UUID
    tenant_uuid: UUID
    name: str


async def _endpoints(session: AsyncSession, tenants: list[UUID]) -> list[_Endpoint]:
    rows = await session.execute(
        sa.select(config_t.c.uuid, config_t.c.tenant_uuid, config_t.c.name).where(
            config_t.c.tenant_uuid.in_(tenants), config_t.c.kind == ConfigKind.ENDPOINT.value
        )
    )
    return [_Endpoint(*row) for row in rows.all()]


async def _engine_tenants(session: AsyncSession, engine_uuid: UUID) -> list[UUID]:
    return list((await session.scalars(select(Tenant.uuid).where(Tenant.engine_uuid == engine_uuid))).all())


async def _transports(session: AsyncSession, scope: _Scope) -> list[tuple[str, Options]]:
    rows = await session.scalars(
        select(Transport).where(Transport.engine_uuid == scope.engine.uuid).order_by(col(Transport.name))
    )
    return [(t.name, to_options(t.options)) for t in rows.all()]


async def _recorded_objects(
    session: AsyncSession, engine_uuid: UUID, endpoints: list[UUID]
) -> dict[UUID, list[SorceryObject]]:
    """The recorded objects of these endpoints, by endpoint."""
    rows = await session.execute(
        sa.select(object_t.c.endpoint_uuid, object_t.c.object_type, object_t.c.object_id, object_t.c.fields).where(
            object_t.c.engine_uuid == engine_uuid,
            in_values(object_t.c.endpoint_uuid, endpoints, session.get_bind().dialect.name),
        )
    )
    found: dict[UUID, list[SorceryObject]] = {}
    for endpoint, object_type, object_id, fields in rows.all():
        found.setdefault(endpoint, []).append(SorceryObject(object_type, object_id, to_options(fields)))
    return found


def _rank(object_type: str, object_id: str, endpoint: str) -> int:
    if object_type == "auth" and object_id != endpoint:
        return 3 if object_id.startswith("outbound_auth_") else 5
    return _OBJECT_ORDER.get(object_type, 9)
