"""Whole-tenant graphs kept between the changes that load them.

A template's change loads its tenant's graph whole (every template and endpoint: what inherits
from it can be anywhere in the tenant). At 50,000 endpoints, reading and building it took most
of a second of every such change, to find the same graph as the change before, give or take a
few configurations.

A writing session carries its database's `TenantGraphs` (`attach`). `load_tenant_graph` then
reads each configuration's stamp (its revision and its transport's name: tens of milliseconds
for 50,000 rows) and reads again only the configurations whose stamp moved or that are new.

Why a stamp names one content: every write of what a graph holds of a configuration (name,
label, options, parents, transport) raises its revision in the same statement or transaction,
and a transport's name, which a renamed transport changes without touching its users, is part
of the stamp. A revision can only be given twice to different content when a transaction that
gave it rolls back: graphs are therefore kept only once the transaction that read them has
committed (`Committed.graphs`), never from a dry run or a failed change. A graph kept after
later writes of its own transaction, or after a slower hook of an earlier transaction, is at
worst older than the database: its stamps then differ, and those configurations are read again.

Each process keeps its own graphs and checks them against the database before every use, so
replicas need not tell each other anything.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.aftercommit import committed
from app.db.queries import (
    Graph,
    as_text,
    config_t,
    graph_of,
    links_select,
    load_configs,
    load_tenant_graphs,
    node_select,
    rows_in_transaction,
    transport_t,
)
from app.gc_pause import collector_paused
from app.switch_interval import many_rows, off_loop, release

_KEY = "pjsip_graph.tenant_graphs"

# (revision, transport name) of one configuration, as a kept graph holds it.
Stamp = tuple[int, str | None]

# Past this share of a tenant's configurations moved, the graph is read whole again: one
# statement for all is cheaper than a list of uuids that long.
REREAD_SHARE = 0.25
# Deleted tenants remembered so that no late graph of theirs is kept.
_GONE_REMEMBERED = 1000


@dataclass(frozen=True, slots=True)
class StampedGraph:
    """A tenant's graph and the stamp of each of its configurations (by uuid as text, as read)."""

    graph: Graph
    stamps: dict[str, Stamp]

    @property
    def size(self) -> int:
        return len(self.graph.nodes)


class TenantGraphs:
    """The graphs of the biggest tenants, least recently used first out.

    ``max_nodes``: configurations kept in all (about 2 kB per configuration with its stamp); ``min_nodes``:
    smaller tenants are read whole every time, which costs them little. ``check``: every kept graph
    used is compared with the tenant read whole (a diagnostic the tests turn on).
    """

    def __init__(self, *, max_nodes: int, min_nodes: int, check: bool = False) -> None:
        self.max_nodes = max_nodes
        self.min_nodes = min_nodes
        self.check = check
        self._kept: OrderedDict[UUID, StampedGraph] = OrderedDict()
        self._nodes = 0
        # Tenants deleted lately: a change that read one before its deletion may commit first and
        # offer its graph after the deletion's (uuids are never reused, the graph never used).
        self._gone: OrderedDict[UUID, None] = OrderedDict()
        # what the last loads did, for tests and diagnostics: "whole", "kept" or "refreshed"
        self.last_load = ""

    def attach(self, session: AsyncSession) -> None:
        """Let this writing session's tenant graph loads use and feed the kept graphs."""
        session.info[_KEY] = self

    @property
    def kept_nodes(self) -> int:
        return self._nodes

    def kept(self, tenant_uuid: UUID) -> StampedGraph | None:
        return self._kept.get(tenant_uuid)

    def used(self, tenant_uuid: UUID) -> None:
        """Mark the tenant's graph as the most recently used (the last to go)."""
        self._kept.move_to_end(tenant_uuid)

    def keep(self, graphs: Mapping[UUID, StampedGraph | None]) -> None:
        """After a commit: keep the graphs its transaction read last, within the bound (None: the
        tenant is gone)."""
        for tenant_uuid, stamped in graphs.items():
            self.forget(tenant_uuid)
            if stamped is None:
                self._gone[tenant_uuid] = None
                if len(self._gone) > _GONE_REMEMBERED:
                    self._gone.popitem(last=False)
            elif self.min_nodes <= stamped.size <= self.max_nodes and tenant_uuid not in self._gone:
                self._kept[tenant_uuid] = stamped
                self._nodes += stamped.size
        while self._nodes > self.max_nodes:
            _, oldest = self._kept.popitem(last=False)
            self._nodes -= oldest.size

    def forget(self, tenant_uuid: UUID) -> None:
        old = self._kept.pop(tenant_uuid, None)
        if old is not None:
            self._nodes -= old.size

    async def load(self, session: AsyncSession, tenant_uuid: UUID) -> Graph:
        kept = self._kept.get(tenant_uuid)
        if kept is None:
            stamped, self.last_load = await _read_whole(session, tenant_uuid), "whole"
        else:
            self.used(tenant_uuid)
            stamped, self.last_load = await _refresh(session, tenant_uuid, kept)
            if self.check and self.last_load != "whole":
                await _check(session, tenant_uuid, stamped)
        # Offered once committed; `keep` keeps it within the bounds, and forgets an older graph of a
        # tenant that shrank below `min_nodes`.
        committed(session).graphs[tenant_uuid] = stamped
        return stamped.graph


def forget_once_committed(session: AsyncSession, tenant_uuids: Iterable[UUID]) -> None:
    """These tenants are deleted by this session's transaction: their kept graphs go once it commits
    (they could never be used again, but would hold their memory until pushed out)."""
    for tenant_uuid in tenant_uuids:
        committed(session).graphs[tenant_uuid] = None


async def load_tenant_graph(session: AsyncSession, tenant_uuid: UUID) -> Graph:
    """Every template and endpoint of one tenant: from the kept graph when this session has
    one for it (checked against the stamps), else read whole."""
    graphs = session.info.get(_KEY)
    if not isinstance(graphs, TenantGraphs):
        return await load_tenant_graphs(session, [tenant_uuid])
    with collector_paused():
        return await graphs.load(session, tenant_uuid)


@functools.cache
def _stamp_statement() -> sa.Select[Any]:
    """Each configuration of a tenant (``tenant``) with its stamp. Built once."""
    return (
        sa.select(as_text(config_t.c.uuid), config_t.c.revision, transport_t.c.name)
        .select_from(config_t.outerjoin(transport_t, transport_t.c.uuid == config_t.c.transport_uuid))
        .where(config_t.c.tenant_uuid == sa.bindparam("tenant"))
    )


async def _refresh(session: AsyncSession, tenant_uuid: UUID, kept: StampedGraph) -> tuple[StampedGraph, str]:
    """The kept graph with the configurations whose stamp moved read again, the gone ones left out."""
    rows = await rows_in_transaction(session, _stamp_statement(), {"tenant": tenant_uuid})
    stamps: dict[str, Stamp] = {text: (revision, transport) for text, revision, transport in rows}
    if stamps == kept.stamps:
        return kept, "kept"
    moved = [text for text, stamp in stamps.items() if kept.stamps.get(text) != stamp]
    if len(moved) > REREAD_SHARE * len(stamps):
        return await _read_whole(session, tenant_uuid), "whole"
    dropped = {UUID(text) for text in kept.stamps.keys() - stamps.keys()} | {UUID(text) for text in moved}
    fresh = await load_configs(session, [UUID(text) for text in moved])
    nodes, tenants = dict(kept.graph.nodes), dict(kept.graph.tenants)
    for uuid in dropped:
        nodes.pop(uuid, None)
        tenants.pop(uuid, None)
    nodes.update(fresh.nodes)
    tenants.update(fresh.tenants)
    return StampedGraph(Graph(nodes, tenants), stamps), "refreshed"


@functools.cache
def _whole_statements() -> tuple[sa.Select[Any], sa.Select[Any]]:
    """A tenant's (``tenant``) stamped node rows and its parent links. Built once."""
    of_tenant = config_t.c.tenant_uuid == sa.bindparam("tenant")
    return node_select(config_t.c.revision).where(of_tenant), links_select(of_tenant)


async def _read_whole(session: AsyncSession, tenant_uuid: UUID) -> StampedGraph:
    nodes_statement, links_statement = _whole_statements()
    rows = list(await rows_in_transaction(session, nodes_statement, {"tenant": tenant_uuid}))
    links = list(await rows_in_transaction(session, links_statement, {"tenant": tenant_uuid}))
    big = many_rows(len(rows) + len(links))
    stamped = await off_loop(big, _stamped_graph_of, rows, links)
    await release(big, rows, links)
    return stamped


def _stamped_graph_of(rows: list[Any], links: list[Any]) -> StampedGraph:
    # the revision is the column after the node's own (`node_select`), the transport's name its last
    stamps: dict[str, Stamp] = {row[0]: (row[7], row[6]) for row in rows}
    return StampedGraph(graph_of(rows, links), stamps)


async def _check(session: AsyncSession, tenant_uuid: UUID, stamped: StampedGraph) -> None:
    whole = await _read_whole(session, tenant_uuid)
    if whole.stamps != stamped.stamps or whole.graph != stamped.graph:
        differing = sorted(
            str(uuid)
            for uuid in whole.graph.nodes.keys() | stamped.graph.nodes.keys()
            if whole.graph.nodes.get(uuid) != stamped.graph.nodes.get(uuid)
        )
        raise RuntimeError(f"a kept tenant graph differs from the database at {differing[:5]}")
