"""Diamond templates cannot make one configuration's application list grow past the expansion limit."""

from __future__ import annotations

from uuid import UUID

import pytest

from app.domain.resolution import ConfigKind
from app.errors import InvalidInput
from app.services import configs
from app.services.access import Caller
from tests.conftest import World
from tests.helpers import caller_for, new_endpoint, new_tenant


async def _template(world: World, caller: Caller, tenant: UUID, name: str, parents: list[UUID]) -> UUID:
    result = await configs.create_config(
        world.db,
        caller,
        ConfigKind.TEMPLATE,
        configs.NewConfig(tenant_uuid=tenant, name=name, parent_uuids=parents, sections={}),
        dry_run=False,
    )
    assert result.view is not None
    return result.view.record.uuid


async def test_diamonds_past_the_limit_are_refused_with_limit_and_size(world: World) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Diamonds")
    # three templates per layer, each inheriting all three of the layer above: 1, 4, 13, 40, 121, 364
    layer = [await _template(world, admin, tenant, f"l0-{i}", []) for i in range(3)]
    for depth in range(1, 6):
        layer = [await _template(world, admin, tenant, f"l{depth}-{i}", layer) for i in range(3)]
    # within the bound: an endpoint below one layer-5 template still resolves (365 applications)
    await new_endpoint(world.db, admin, tenant, "inside", [layer[0]])
    with pytest.raises(InvalidInput) as refused:
        await _template(world, admin, tenant, "l6", layer)
    message = " ".join(i.message for i in refused.value.issues)
    assert "1093" in message and "1000" in message and "max_inheritance_expansion" in message
    with pytest.raises(InvalidInput) as refused:
        await new_endpoint(world.db, admin, tenant, "outside", layer)
    assert "max_inheritance_expansion" in " ".join(i.message for i in refused.value.issues)
    # updateTemplate: a template within the bound cannot be moved past it
    small = await _template(world, admin, tenant, "small", [layer[0]])
    with pytest.raises(InvalidInput) as refused:
        await configs.update_config(
            world.db,
            admin,
            ConfigKind.TEMPLATE,
            small,
            configs.ConfigPatch(parent_uuids=layer),
            expected_revision=None,
            dry_run=False,
        )
    assert "1093" in " ".join(i.message for i in refused.value.issues)


async def test_a_diamond_pjsip_conf_import_is_refused(world: World) -> None:
    from app.services.imports import FileKind, import_text

    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Imported diamonds")
    lines = [f"[l0-{i}](!)\ntype = endpoint\n" for i in range(3)]
    for depth in range(1, 7):
        above = ",".join(f"l{depth - 1}-{i}" for i in range(3))
        lines += [f"[l{depth}-{i}](!,{above})\n" for i in range(3)]
    with pytest.raises(InvalidInput) as refused:
        await import_text(
            world.db, admin, tenant_uuid=tenant, kind=FileKind.PJSIP_CONF, text="".join(lines), dry_run=True
        )
    message = " ".join(i.message for i in refused.value.issues)
    assert "1093" in message and "max_inheritance_expansion" in message
