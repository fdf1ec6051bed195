"""Diamond templates cannot make one configuration's application list grow past the expansion limit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from uuid import UUID

import pytest
from sqlalchemy import func, select

from app.db.models import Engine, SipConfig, SorceryUpdateRow
from app.domain.catalog import load_catalog
from app.domain.resolution import ConfigKind, ConfigNode, ExpansionLimits, Resolver
from app.domain.sections import Options, Section
from app.errors import InvalidInput
from app.services import configs
from app.services.access import Caller
from app.settings import get_settings
from tests.conftest import GraphQLClient, World
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


# -- the bound inside resolution itself ---------------------------------------------------------------


def _diamond() -> dict[UUID, ConfigNode]:
    """top; left(top) and right(top); bottom(left, right): bottom applies top twice (5 applications)."""

    def node(n: int, name: str, parents: tuple[int, ...], sections: dict[Section, Options]) -> ConfigNode:
        return ConfigNode(
            UUID(int=n), ConfigKind.TEMPLATE, name, None, tuple(UUID(int=p) for p in parents), None, sections
        )

    nodes = [
        node(1, "top", (), {Section.ENDPOINT: (("allow", "ulaw"), ("dtmf_mode", "info"))}),
        node(2, "left", (1,), {Section.ENDPOINT: (("allow", "alaw"),)}),
        node(3, "right", (1,), {}),
        node(4, "bottom", (2, 3), {Section.ENDPOINT: (("context", "bottom"),)}),
    ]
    return {n.uuid: n for n in nodes}


def test_exactly_at_the_limit_resolves_and_applies_a_diamond_ancestor_twice() -> None:
    resolver = Resolver(_diamond(), load_catalog(), ExpansionLimits(applications=4 + 1, section_values=6))
    allow = [o.value for o in resolver.resolve(UUID(int=4))[Section.ENDPOINT] if o.key == "allow"]
    # top's "allow" is applied twice, through left and through right, as Asterisk does
    assert allow == ["ulaw", "alaw", "ulaw"]


def test_one_application_past_the_limit_is_refused_with_the_size() -> None:
    resolver = Resolver(_diamond(), load_catalog(), ExpansionLimits(applications=4))
    with pytest.raises(InvalidInput) as refused:
        resolver.resolve(UUID(int=4))
    assert "expands to 5 template applications; at most 4" in refused.value.issues[0].message
    # the bottom template's own list is refused too, and its parents still resolve
    with pytest.raises(InvalidInput):
        resolver.check(UUID(int=4))
    resolver.check(UUID(int=2))


def test_one_value_past_the_section_limit_is_refused_with_the_size() -> None:
    resolver = Resolver(_diamond(), load_catalog(), ExpansionLimits(section_values=5))
    with pytest.raises(InvalidInput) as refused:
        resolver.resolve(UUID(int=4))
    message = refused.value.issues[0].message
    assert "endpoint section applies 6 option values" in message and "max_section_values" in message


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def set_limits(**values: int) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"PJSIP_GRAPH_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield set_limits
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_a_change_past_the_section_values_limit_is_refused_and_records_nothing(
    world: World, limits: Callable[..., None]
) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Many values")
    bases = []
    for name in ("one", "two", "three"):
        many = {Section.ENDPOINT: tuple(("set_var", f"{name}{i}={i}") for i in range(40))}
        created = await configs.create_config(
            world.db,
            admin,
            ConfigKind.TEMPLATE,
            configs.NewConfig(tenant_uuid=tenant, name=name, parent_uuids=[], sections=many),
            dry_run=False,
        )
        assert created.view is not None
        bases.append(created.view.record.uuid)
    await new_endpoint(world.db, admin, tenant, "line", bases[:1])
    limits(max_section_values=100)
    before = await _state(world)
    # three parents of 40 values each: 120 values in the endpoint section of the new template
    with pytest.raises(InvalidInput) as refused:
        await _template(world, admin, tenant, "wide", bases)
    assert "applies 120 option values" in refused.value.issues[0].message
    assert await _state(world) == before
    # an existing template cannot be moved past it either (it has an endpoint below it)
    mid = await _template(world, admin, tenant, "mid", bases[:1])
    await new_endpoint(world.db, admin, tenant, "below-mid", [mid])
    before = await _state(world)
    with pytest.raises(InvalidInput):
        await configs.update_config(
            world.db,
            admin,
            ConfigKind.TEMPLATE,
            mid,
            configs.ConfigPatch(parent_uuids=bases),
            expected_revision=None,
            dry_run=False,
        )
    assert await _state(world) == before


async def test_stored_data_past_a_lowered_limit_reads_as_a_clear_error(
    world: World, gql: GraphQLClient, limits: Callable[..., None]
) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Lowered")
    top = await _template(world, admin, tenant, "top", [])
    middle = [await _template(world, admin, tenant, f"middle-{i}", [top]) for i in range(3)]
    bottom = await _template(world, admin, tenant, "bottom", middle)
    limits(max_inheritance_expansion=3)
    error = await gql.error(
        "query ($u: UUID!) { template(uuid: $u) { resolved { endpoint { key } } } }", {"u": str(bottom)}
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "expands to 7 template applications; at most 3" in error["message"]


async def _state(world: World) -> tuple[object, ...]:

    async with world.db.reading() as session:
        updates = (await session.execute(select(func.count()).select_from(SorceryUpdateRow))).scalar_one()
        seqs = (await session.execute(select(Engine.uuid, Engine.last_seq).order_by(Engine.uuid))).all()
        configs_count = (await session.execute(select(func.count()).select_from(SipConfig))).scalar_one()
    return updates, tuple(seqs), configs_count
