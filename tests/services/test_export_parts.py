"""pjsip.conf exports written a part at a time (app/services/exports.py).

The file must be exactly what rendering the whole engine at once gives (the
reference below is that whole rendering, from every row read in one go), for
any part size, and it must be one committed state even when a change commits
between two parts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from app.asterisk.pjsip_export import TenantConfigs, render_flat, render_native
from app.db.database import Database
from app.db.models import Engine, Tenant
from app.db.queries import config_t, load_tenant_graphs, object_t, transport_t
from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section, to_options
from app.domain.sorcery import SorceryObject
from app.services import configs, exports
from app.services.access import Caller
from app.services.exports import TemplateMode, pjsip_conf
from tests.conftest import World
from tests.helpers import REQUIRED_OPTIONS, caller_for, default_template, new_endpoint, new_tenant

RANKS = {"auth": 0, "aor": 1, "endpoint": 2, "identify": 4, "registration": 6}


async def _engine(world: World) -> tuple[Caller, list[UUID], dict[str, UUID]]:
    """Two tenants with a template tree, endpoints using every kind of object, names interleaved."""
    admin = await caller_for(world.db, world.admin_token)
    tenants = [await new_tenant(world.db, admin, "Zulu"), await new_tenant(world.db, admin, "Alpha")]
    endpoints: dict[str, UUID] = {}
    for number, tenant in enumerate(tenants):
        sip = await default_template(world.db, tenant, "sip")
        trunk = await configs.create_config(
            world.db,
            admin,
            ConfigKind.TEMPLATE,
            configs.NewConfig(
                tenant_uuid=tenant,
                name="trunks",
                parent_uuids=[sip.uuid],
                sections={Section.REGISTRATION: REQUIRED_OPTIONS[Section.REGISTRATION]},
            ),
            dry_run=False,
        )
        assert trunk.view is not None
        for index in range(7):
            name = f"e{index}{'ab'[number]}"
            sections: dict[Section, Options] = {
                Section.AUTH: (("username", name), ("password", f"pw;{index}")),
                Section.ENDPOINT: (("callerid", f"{name} <{index}>"),),
            }
            parents = [sip.uuid]
            if index % 3 == 0:
                parents = [trunk.view.record.uuid, sip.uuid]
                sections[Section.OUTBOUND_AUTH] = REQUIRED_OPTIONS[Section.OUTBOUND_AUTH]
                sections[Section.REGISTRATION_OUTBOUND_AUTH] = REQUIRED_OPTIONS[Section.REGISTRATION_OUTBOUND_AUTH]
            if index % 2 == 0:
                sections[Section.IDENTIFY] = REQUIRED_OPTIONS[Section.IDENTIFY]
            endpoints[name] = (await new_endpoint(world.db, admin, tenant, name, parents, sections)).uuid
    return admin, tenants, endpoints


async def _whole_flat(db: Database) -> str:
    """Every row read at once, sorted by endpoint name then the product's object order."""
    async with db.reading() as session:
        engine = (await session.scalars(sa.select(Engine))).one()
        transports = (await session.execute(sa.select(transport_t.c.name, transport_t.c.options))).all()
        rows = (await session.execute(sa.select(object_t).where(object_t.c.endpoint_uuid.is_not(None)))).all()
        names: dict[UUID, str] = dict((await session.execute(sa.select(config_t.c.uuid, config_t.c.name))).all())

    def order(row: Any) -> tuple[str, int]:
        name = names[row.endpoint_uuid]
        if row.object_type == "auth" and row.object_id != name:
            return name, 3 if row.object_id.startswith("outbound_auth_") else 5
        return name, RANKS[row.object_type]

    rows.sort(key=order)
    return render_flat(
        global_options=to_options(engine.global_options),
        system_options=to_options(engine.system_options),
        transports=sorted((name, to_options(options)) for name, options in transports),
        objects=[SorceryObject(r.object_type, r.object_id, to_options(r.fields)) for r in rows],
    )


async def _whole_native(db: Database, tenants: list[UUID]) -> str:
    async with db.reading() as session:
        graph = await load_tenant_graphs(session, tenants)
        slugs = dict((await session.execute(sa.select(Tenant.uuid, Tenant.slug))).all())
    per_tenant: dict[UUID, dict[UUID, Any]] = {t: {} for t in tenants}
    for uuid, node in graph.nodes.items():
        per_tenant[graph.tenants[uuid]][uuid] = node
    return render_native(
        global_options=(),
        system_options=(),
        transports=(),
        tenants=[TenantConfigs(slugs[t], nodes) for t, nodes in per_tenant.items()],
        engine_objects=False,
    )


@pytest.mark.parametrize("part", [1, 2, 5, 1000])
async def test_parts_of_any_size_write_the_whole_rendering(
    world: World, monkeypatch: pytest.MonkeyPatch, part: int
) -> None:
    admin, tenants, _ = await _engine(world)
    monkeypatch.setattr(exports, "EXPORT_PART", part)
    flat = await pjsip_conf(world.db, admin, engine="default", tenant_uuid=None, mode=TemplateMode.FLAT)
    assert flat == await _whole_flat(world.db)
    assert flat.count("type = endpoint") == 14
    for tenant in tenants:
        native = await pjsip_conf(world.db, admin, engine="default", tenant_uuid=tenant, mode=TemplateMode.NATIVE)
        with_engine = await _whole_native(world.db, [tenant])
        assert native.endswith(with_engine) and native.startswith("[global]")
    # The operator's whole engine: both tenants, sorted by slug (alpha before zulu).
    native = await pjsip_conf(world.db, admin, engine="default", tenant_uuid=None, mode=TemplateMode.NATIVE)
    async with world.db.reading() as session:
        every_tenant = list((await session.scalars(sa.select(Tenant.uuid))).all())
    assert len(every_tenant) == 3  # the root tenant too
    assert native.endswith(await _whole_native(world.db, every_tenant))
    assert native.index("[tpl:alpha:general:endpoint]") < native.index("[tpl:zulu:general:endpoint]")


@pytest.mark.parametrize("mode", [TemplateMode.FLAT, TemplateMode.NATIVE])
async def test_a_change_committed_between_two_parts_is_not_in_the_file(
    world: World, monkeypatch: pytest.MonkeyPatch, mode: TemplateMode
) -> None:
    admin, _, endpoints = await _engine(world)
    monkeypatch.setattr(exports, "EXPORT_PART", 2)
    reader_name = "_recorded_objects" if mode is TemplateMode.FLAT else "load_configs"
    read_part: Callable[..., Awaitable[Any]] = getattr(exports, reader_name)
    calls = 0

    async def part_after_a_commit(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:  # e6b is in a later part: the endpoints are written by name
            patch = configs.ConfigPatch(sections={Section.ENDPOINT: (("callerid", "changed <6>"),)})
            await configs.update_config(
                world.db, admin, ConfigKind.ENDPOINT, endpoints["e6b"], patch, expected_revision=None, dry_run=False
            )
        return await read_part(*args)

    monkeypatch.setattr(exports, reader_name, part_after_a_commit)
    during = await pjsip_conf(world.db, admin, engine="default", tenant_uuid=None, mode=mode)
    assert calls > 2
    assert "callerid = e6b <6>" in during and "changed <6>" not in during
    after = await pjsip_conf(world.db, admin, engine="default", tenant_uuid=None, mode=mode)
    assert "changed <6>" in after and "callerid = e6b <6>" not in after
