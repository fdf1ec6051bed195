"""Kept tenant graphs (app/db/tenant_graphs.py): a change takes the kept graph only while every
stamp agrees with the database, and is given exactly what reading the tenant whole gives."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from app.db import queries
from app.db.database import Database
from app.db.models import SipConfig
from app.db.queries import Graph, load_tenant_graphs
from app.db.tenant_graphs import StampedGraph, TenantGraphs, load_tenant_graph
from app.domain.resolution import ConfigKind
from app.domain.sections import Section
from app.errors import InvalidInput
from app.services import configs, engines, tenants
from app.services.access import Caller
from tests.conftest import World
from tests.helpers import caller_for, lines_under_general, new_endpoint

config_t = SipConfig.__table__  # type: ignore[attr-defined]


async def _load(db: Database, tenant: UUID) -> tuple[Graph, Graph, str]:
    """The tenant's graph as a change gets it, the tenant read whole, and how the first was had
    (in one committed transaction: its graph is kept)."""
    assert db.tenant_graphs is not None
    async with db.writing() as session:
        graph = await load_tenant_graph(session, tenant)
        whole = await load_tenant_graphs(session, [tenant])
    return graph, whole, db.tenant_graphs.last_load


async def _set_up(world: World, endpoints: int = 3) -> tuple[Caller, UUID, configs.ConfigRecord, list[UUID]]:
    world.db.tenant_graphs = TenantGraphs(max_nodes=10_000, min_nodes=1)
    admin = await caller_for(world.db, world.admin_token)
    mark = uuid4().hex[:6]
    tenant, general, lines = await lines_under_general(world.db, admin, f"Kept {mark}", f"kept-{mark}", endpoints)
    return admin, tenant, general, [line.uuid for line in lines]


async def _update(
    db: Database, caller: Caller, kind: ConfigKind, uuid: UUID, patch: configs.ConfigPatch, *, dry_run: bool = False
) -> configs.ConfigResult:
    return await configs.update_config(db, caller, kind, uuid, patch, expected_revision=None, dry_run=dry_run)


def _dtmf(value: str) -> configs.ConfigPatch:
    return configs.ConfigPatch(sections={Section.ENDPOINT: (("dtmf_mode", value),)})


async def test_a_tenant_read_twice_unchanged_is_given_the_kept_graph(world: World) -> None:
    _, tenant, _, _ = await _set_up(world)
    graph, whole, how = await _load(world.db, tenant)
    assert how == "whole" and graph == whole
    graph, whole, how = await _load(world.db, tenant)
    assert how == "kept" and graph == whole


async def test_configurations_changed_created_or_deleted_since_are_read_again(world: World) -> None:
    admin, tenant, general, made = await _set_up(world, endpoints=8)
    await _load(world.db, tenant)
    # an endpoint's options and parents, a template's options, a new endpoint, a deleted one
    other = await configs.create_config(
        world.db,
        admin,
        ConfigKind.TEMPLATE,
        configs.NewConfig(tenant_uuid=tenant, name="other", sections={Section.AOR: (("max_contacts", "3"),)}),
        dry_run=False,
    )
    assert other.view is not None
    await _update(world.db, admin, ConfigKind.ENDPOINT, made[0], _dtmf("info"))
    await _update(
        world.db, admin, ConfigKind.ENDPOINT, made[1], configs.ConfigPatch(parent_uuids=[other.view.record.uuid])
    )
    await _update(world.db, admin, ConfigKind.TEMPLATE, general.uuid, _dtmf("inband"))
    await new_endpoint(world.db, admin, tenant, f"late-{tenant.hex[:6]}", [general.uuid])
    await configs.delete_config(world.db, admin, ConfigKind.ENDPOINT, made[2], dry_run=False)

    graph, whole, how = await _load(world.db, tenant)
    assert how == "refreshed"
    assert graph == whole
    assert graph.nodes[made[0]].sections[Section.ENDPOINT] == (("dtmf_mode", "info"),)
    assert graph.nodes[made[1]].parents == (other.view.record.uuid,)
    assert made[2] not in graph.nodes


async def test_a_deleted_template_leaves_its_children_read_again(world: World) -> None:
    admin, tenant, general, made = await _set_up(world)
    middle = await configs.create_config(
        world.db,
        admin,
        ConfigKind.TEMPLATE,
        configs.NewConfig(tenant_uuid=tenant, name="middle", parent_uuids=[general.uuid]),
        dry_run=False,
    )
    assert middle.view is not None
    await _update(
        world.db, admin, ConfigKind.ENDPOINT, made[0], configs.ConfigPatch(parent_uuids=[middle.view.record.uuid])
    )
    await _load(world.db, tenant)
    await configs.delete_config(world.db, admin, ConfigKind.TEMPLATE, middle.view.record.uuid, dry_run=False)
    graph, whole, how = await _load(world.db, tenant)
    # the deletion read the tenant before and after its writes: the graph after them is kept
    assert how == "kept" and graph == whole
    assert graph.nodes[made[0]].parents == ()


async def test_a_renamed_transport_reaches_its_users_without_their_revision_moving(world: World) -> None:
    admin, tenant, _, made = await _set_up(world)
    created = await engines.create_transport(
        world.db, admin, "default", name="kept-udp", options=(("protocol", "udp"), ("bind", "0.0.0.0:5099"))
    )
    await _update(
        world.db, admin, ConfigKind.ENDPOINT, made[0], configs.ConfigPatch(transport_uuid=created.transport.uuid)
    )
    await _load(world.db, tenant)
    async with world.db.reading() as session:
        revision = (
            await session.execute(sa.select(config_t.c.revision).where(config_t.c.uuid == made[0]))
        ).scalar_one()
    await engines.update_transport(world.db, admin, created.transport.uuid, name="kept-udp-2", options=None)
    async with world.db.reading() as session:
        after = (await session.execute(sa.select(config_t.c.revision).where(config_t.c.uuid == made[0]))).scalar_one()
    assert after == revision  # the stamp's transport name is what tells
    graph, whole, how = await _load(world.db, tenant)
    assert how == "refreshed" and graph == whole
    assert graph.nodes[made[0]].transport_name == "kept-udp-2"


async def test_a_dry_run_or_failed_change_keeps_nothing_of_what_it_read(world: World) -> None:
    """A dry run gives the template a revision it then takes back: the real change after it gives
    the same revision to other options. Had the dry run's graph been kept, its options would be
    served under a stamp that matches."""
    admin, tenant, general, _ = await _set_up(world)
    await _update(world.db, admin, ConfigKind.TEMPLATE, general.uuid, _dtmf("info"))  # read whole and kept
    kept = world.db.tenant_graphs.kept(tenant) if world.db.tenant_graphs else None
    assert kept is not None
    await _update(world.db, admin, ConfigKind.TEMPLATE, general.uuid, _dtmf("inband"), dry_run=True)
    assert world.db.tenant_graphs is not None and world.db.tenant_graphs.kept(tenant) is kept
    # refused once every endpoint is compared (after its graph was read): Asterisk would not load them
    refused = configs.ConfigPatch(sections={Section.ENDPOINT: (("rtp_port_start", "20000"),)})
    with pytest.raises(InvalidInput, match="rtp_port_start and rtp_port_end must be set together"):
        await _update(world.db, admin, ConfigKind.TEMPLATE, general.uuid, refused)
    assert world.db.tenant_graphs.kept(tenant) is kept
    await _update(world.db, admin, ConfigKind.TEMPLATE, general.uuid, _dtmf("rfc4733"))
    graph, whole, _ = await _load(world.db, tenant)
    assert graph == whole
    assert ("dtmf_mode", "rfc4733") in graph.nodes[general.uuid].sections[Section.ENDPOINT]


async def test_the_check_fails_a_change_given_a_graph_the_database_no_longer_holds(world: World) -> None:
    """Options written behind the product's back (without a new revision) are what the check is
    for: it must see them, or the suite-wide check (tests/conftest.py) proves nothing."""
    admin, _, general, made = await _set_up(world)
    assert world.db.tenant_graphs is not None
    world.db.tenant_graphs.check = True
    await _update(world.db, admin, ConfigKind.TEMPLATE, general.uuid, _dtmf("info"))
    await _update(world.db, admin, ConfigKind.TEMPLATE, general.uuid, _dtmf("inband"))  # kept, checked: same
    async with world.db.writing() as session:
        await session.execute(
            sa.update(config_t).where(config_t.c.uuid == made[0]).values(options={"endpoint": [["dtmf_mode", "info"]]})
        )
    with pytest.raises(RuntimeError, match=str(made[0])):
        await _update(world.db, admin, ConfigKind.TEMPLATE, general.uuid, _dtmf("rfc4733"))


def _stamped(nodes: int) -> StampedGraph:
    uuids = [uuid4() for _ in range(nodes)]
    return StampedGraph(Graph(dict.fromkeys(uuids), {}), {str(u): (1, None) for u in uuids})  # type: ignore[arg-type]


def test_graphs_are_kept_within_the_bound_least_recently_used_first_out() -> None:
    graphs = TenantGraphs(max_nodes=100, min_nodes=10)
    a, b, c, small, huge = (uuid4() for _ in range(5))
    graphs.keep({a: _stamped(40), b: _stamped(40), small: _stamped(9), huge: _stamped(101)})
    assert graphs.kept(a) and graphs.kept(b) and not graphs.kept(small) and not graphs.kept(huge)
    graphs.used(a)  # a used since b
    graphs.keep({c: _stamped(40)})
    assert graphs.kept(a) and graphs.kept(c) and not graphs.kept(b)
    assert graphs.kept_nodes == 80
    graphs.keep({a: _stamped(20)})  # a tenant read again replaces its graph
    assert graphs.kept_nodes == 60


def test_a_graph_offered_after_its_tenant_was_deleted_is_not_kept() -> None:
    # a change that read the tenant commits, then its deletion, whose graph goes first
    graphs = TenantGraphs(max_nodes=100, min_nodes=1)
    tenant = uuid4()
    graphs.keep({tenant: None})
    graphs.keep({tenant: _stamped(10)})
    assert graphs.kept(tenant) is None and graphs.kept_nodes == 0


async def test_a_deleted_tenant_leaves_nothing_kept(world: World) -> None:
    admin, tenant, _, _ = await _set_up(world)
    await _load(world.db, tenant)
    assert world.db.tenant_graphs is not None and world.db.tenant_graphs.kept(tenant) is not None
    await tenants.delete_tenant(world.db, admin, tenant, dry_run=True)
    assert world.db.tenant_graphs.kept(tenant) is not None  # a dry run deletes nothing
    await tenants.delete_tenant(world.db, admin, tenant, dry_run=False)
    assert world.db.tenant_graphs.kept(tenant) is None
    assert world.db.tenant_graphs.kept_nodes == 0


async def test_a_tenant_shrunk_below_the_minimum_leaves_nothing_kept(world: World) -> None:
    admin, tenant, _, made = await _set_up(world, endpoints=4)
    assert world.db.tenant_graphs is not None
    await _load(world.db, tenant)
    kept = world.db.tenant_graphs.kept(tenant)
    assert kept is not None
    world.db.tenant_graphs.min_nodes = kept.size  # the tenant as big as the smallest kept
    await configs.delete_config(world.db, admin, ConfigKind.ENDPOINT, made[0], dry_run=False)
    graph, whole, how = await _load(world.db, tenant)
    assert how == "refreshed" and graph == whole
    # its old graph is not kept (and refreshed at every change) once it is too small to keep
    assert world.db.tenant_graphs.kept(tenant) is None and world.db.tenant_graphs.kept_nodes == 0


async def test_many_moved_configurations_are_read_in_parts(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    admin, tenant, _, made = await _set_up(world, endpoints=8)
    await _load(world.db, tenant)
    for uuid in made[:2]:
        await _update(world.db, admin, ConfigKind.ENDPOINT, uuid, _dtmf("info"))
    # SQLite binds every value of an IN list and has a limit on them: parts of one configuration
    monkeypatch.setattr(queries, "CHUNK", 1)
    reads: list[object] = []
    real = queries._load_configs

    async def counted(session: object, condition: object) -> Graph:
        reads.append(condition)
        return await real(session, condition)  # type: ignore[arg-type]

    monkeypatch.setattr(queries, "_load_configs", counted)
    async with world.db.writing() as session:
        graph = await load_tenant_graph(session, tenant)
        parts = len(reads)
        whole = await load_tenant_graphs(session, [tenant])
    assert world.db.tenant_graphs is not None and world.db.tenant_graphs.last_load == "refreshed"
    assert graph == whole
    assert parts == (2 if world.db.is_sqlite else 1)  # PostgreSQL: one array of any length
