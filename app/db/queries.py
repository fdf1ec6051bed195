"""Queries that need SQL: ancestor closures, whole-tenant graphs, bulk loads.

These return plain rows and domain values; they never commit.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.db.bulk import equals_any, in_values, is_postgresql
from app.db.models import ConfigParent, SipConfig, SorceryObjectRow, Tenant, Transport
from app.domain.resolution import CONFIG_KINDS, ConfigKind, ConfigNode
from app.domain.sections import Options, sections_from_json, to_options
from app.gc_pause import collector_paused
from app.switch_interval import many_rows, off_loop, release

# Both SQLite (>= 3.32) and asyncpg accept 32k bound parameters; stay well below.
CHUNK = 2000

config_t = SipConfig.__table__  # type: ignore[attr-defined]
parent_t = ConfigParent.__table__  # type: ignore[attr-defined]
transport_t = Transport.__table__  # type: ignore[attr-defined]
object_t = SorceryObjectRow.__table__  # type: ignore[attr-defined]
tenant_t = Tenant.__table__  # type: ignore[attr-defined]


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class Graph:
    """Configurations loaded for resolution, with their parent lists."""

    nodes: dict[UUID, ConfigNode]
    tenants: dict[UUID, UUID]  # config uuid -> tenant uuid

    def children_of(self) -> dict[UUID, list[UUID]]:
        children: dict[UUID, list[UUID]] = {}
        for node in self.nodes.values():
            for parent in node.parents:
                children.setdefault(parent, []).append(node.uuid)
        return children

    def endpoints(self) -> list[UUID]:
        return [u for u, n in self.nodes.items() if n.kind is ConfigKind.ENDPOINT]


def as_text(column: sa.Column[Any]) -> sa.Label[Any]:
    """A uuid column read as text: a whole tenant repeats a few thousand uuids
    tens of thousands of times, and UuidMemo converts each distinct one once."""
    return sa.cast(column, sa.String).label(column.name)


class UuidMemo(dict[str, UUID]):
    def __missing__(self, text: str) -> UUID:
        value = self[text] = UUID(text)
        return value


_NODE_COLUMNS = (
    as_text(config_t.c.uuid),
    as_text(config_t.c.tenant_uuid),
    config_t.c.kind,
    config_t.c.name,
    config_t.c.label,
    # As its text: decoded where the graph is built (for a whole tenant, in a worker thread)
    # instead of by the driver as the rows arrive, on the event loop.
    sa.cast(config_t.c.options, sa.Text).label("options"),
    transport_t.c.name.label("transport_name"),
)


def node_select(*extra: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """Rows `graph_of` builds nodes from (``extra`` columns come after its own)."""
    return sa.select(*_NODE_COLUMNS, *extra).select_from(
        config_t.outerjoin(transport_t, transport_t.c.uuid == config_t.c.transport_uuid)
    )


def links_select(condition: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The parent links (child, parent, position) of the configurations ``condition`` picks."""
    return (
        sa.select(as_text(parent_t.c.child_uuid), as_text(parent_t.c.parent_uuid), parent_t.c.position)
        .select_from(parent_t.join(config_t, config_t.c.uuid == parent_t.c.child_uuid))
        .where(condition)
    )


async def _build_graph(session: AsyncSession, rows: list[Any], links: list[Any]) -> Graph:
    """The graph of these rows, which are then freed (a whole tenant's in a worker thread: the
    event loop serves others meanwhile)."""
    big = many_rows(len(rows) + len(links))
    graph = await off_loop(big, graph_of, rows, links)
    await release(big, rows, links)
    return graph


def graph_of(rows: Sequence[Any], links: Sequence[Any]) -> Graph:
    # (Run for every configuration of a tenant a template change loads: rows are unpacked, not
    # read by attribute, and each node made positionally.)
    uuid_of = UuidMemo()
    positioned: dict[str, list[tuple[int, UUID]]] = {}
    for child, parent, position in links:
        positioned.setdefault(child, []).append((position, uuid_of[parent]))
    parents = {child: tuple(p for _, p in sorted(pairs)) for child, pairs in positioned.items()}
    nodes: dict[UUID, ConfigNode] = {}
    tenants: dict[UUID, UUID] = {}
    loads, kinds = orjson.loads, CONFIG_KINDS
    for text, tenant, kind, name, label, options, transport_name, *_ in rows:  # (a union adds columns)
        uuid = uuid_of[text]
        sections = sections_from_json(loads(options))
        nodes[uuid] = ConfigNode(uuid, kinds[kind], name, label, parents.get(text, ()), transport_name, sections)
        tenants[uuid] = uuid_of[tenant]
    return Graph(nodes, tenants)


async def load_tenant_graphs(session: AsyncSession, tenant_uuids: Iterable[UUID]) -> Graph:
    """Every template and endpoint of these tenants (parents never leave a tenant)."""
    with collector_paused():
        return await _load_tenant_graphs(session, list(set(tenant_uuids)))


async def _load_tenant_graphs(session: AsyncSession, tenant_list: list[UUID]) -> Graph:
    return await _load_configs(session, config_t.c.tenant_uuid.in_(tenant_list))


async def load_tenant_templates(session: AsyncSession, tenant_uuids: Iterable[UUID]) -> Graph:
    """Every template of these tenants, without their endpoints."""
    tenant_list = list(set(tenant_uuids))
    return await _load_configs(
        session, sa.and_(config_t.c.tenant_uuid.in_(tenant_list), config_t.c.kind == ConfigKind.TEMPLATE.value)
    )


async def load_configs(session: AsyncSession, uuids: Sequence[UUID]) -> Graph:
    """These configurations with their parent lists, without loading the parents."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return await _load_configs(session, in_values(config_t.c.uuid, uuids, dialect))
    # SQLite binds each value of an IN list: a part at a time stays under its variable limit.
    nodes: dict[UUID, ConfigNode] = {}
    tenants: dict[UUID, UUID] = {}
    for part in chunks(uuids, CHUNK):
        graph = await _load_configs(session, config_t.c.uuid.in_(list(part)))
        nodes.update(graph.nodes)
        tenants.update(graph.tenants)
    return Graph(nodes, tenants)


async def _load_configs(session: AsyncSession, condition: sa.ColumnElement[bool]) -> Graph:
    rows = list((await session.execute(node_select().where(condition))).all())
    links = list((await session.execute(links_select(condition))).all())
    return await _build_graph(session, rows, links)


@functools.cache
def _graph_statement() -> sa.CompoundSelect[Any]:
    """The configurations ``start`` (an expanding parameter) and all their ancestors, with the
    ancestors' parent links, as one union (a link is a row with a position). Built once."""
    seed = sa.select(config_t.c.uuid.label("uuid")).where(config_t.c.uuid.in_(sa.bindparam("start", expanding=True)))
    closure = seed.cte("closure", recursive=True)
    step = sa.select(parent_t.c.parent_uuid.label("uuid")).join(closure, parent_t.c.child_uuid == closure.c.uuid)
    closure = closure.union(step)
    ids = sa.select(closure.c.uuid)
    nodes = node_select().add_columns(sa.null().label("parent"), sa.null().label("position"))
    link_rows = sa.select(
        as_text(parent_t.c.child_uuid),
        *(sa.null().label(c.name) for c in _NODE_COLUMNS[1:]),
        as_text(parent_t.c.parent_uuid).label("parent"),
        parent_t.c.position,
    )
    return sa.union_all(nodes.where(config_t.c.uuid.in_(ids)), link_rows.where(parent_t.c.child_uuid.in_(ids)))


async def load_graph(session: AsyncSession, start: Sequence[UUID]) -> Graph:
    """These configurations and all of their ancestors, in one statement per chunk.

    The nodes and their parent links come back as one union (a link is a row with a
    position), so the ancestor closure is walked once.
    """
    rows: list[Any] = []
    links: list[Any] = []
    for part in chunks(list(start)):
        for row in (await session.execute(_graph_statement(), {"start": part})).all():
            if row.position is None:
                rows.append(row)
            else:
                links.append((row.uuid, row.parent, row.position))
    return await _build_graph(session, rows, links)


async def recorded_object_texts(
    session: AsyncSession,
    engine_uuid: UUID,
    *,
    endpoint_uuids: Sequence[UUID] = (),
    tenant_uuids: Sequence[UUID] = (),
    object_types: Sequence[str] | None = None,
) -> dict[tuple[str, str], tuple[str, UUID | None, UUID | None]]:
    """Recorded objects of these endpoints or tenants: key -> (fields as stored JSON text, tenant, endpoint).

    The text is not decoded: most objects are unchanged by a change, and the
    caller recognises those by comparing texts. ``object_types``: the endpoints'
    objects of these types only.
    """
    postgresql = is_postgresql(session)
    by_endpoint, by_tenant, by_endpoint_and_type = _recorded_statements(postgresql)
    statement, types = (by_endpoint, {}) if object_types is None else (by_endpoint_and_type, {"types": object_types})
    owners = list(endpoint_uuids) if object_types is None or object_types else []  # no type: none of them
    # PostgreSQL takes any number of owners as one array; elsewhere an IN list per chunk.
    parts = ([owners] if owners else []) if postgresql else chunks(owners)
    queries = [(statement, {"engine": engine_uuid, "owners": part, **types}) for part in parts]
    if tenant_uuids:
        queries.append((by_tenant, {"engine": engine_uuid, "owners": list(tenant_uuids)}))
    rows: list[Any] = []
    for query, parameters in queries:
        rows += await rows_in_transaction(session, query, parameters)
    # A whole tenant's objects (tens of thousands) are keyed in a worker thread.
    big = many_rows(len(rows))
    out = await off_loop(big, _object_texts, rows)
    await release(big, rows)
    return out


async def rows_in_transaction(
    session: AsyncSession, statement: sa.Select[Any], params: dict[str, Any]
) -> Sequence[Any]:
    """A statement's rows (read by position), on PostgreSQL read by asyncpg on the session's own
    connection in its transaction.

    For the tens of thousands of rows a big change reads (recorded objects, a tenant's graph):
    SQLAlchemy's rows cost as much again as asyncpg's records (0.65 s instead of 0.15-0.3 s of
    the event loop for 50,000 recorded objects). Only where nothing else uses the session
    meanwhile (one statement at a time, as a statement lane runs them). SQLAlchemy reads on
    SQLite, and before the transaction has begun, which asyncpg alone would read outside of.
    Changes of the session's objects are flushed first, as SQLAlchemy's own reads do.
    """
    if session.autoflush:
        await session.flush()  # (nothing to do, and no statement, when nothing changed)
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        return (await session.execute(statement, params)).all()
    driver = (await connection.get_raw_connection()).driver_connection  # asyncpg's
    if driver is None or not driver.is_in_transaction():
        return (await session.execute(statement, params)).all()
    sql, names = _positional(statement)
    return await _fetch(driver, sql, [params[name] for name in names])


async def _fetch(driver: Any, sql: str, arguments: list[Any]) -> Sequence[Any]:
    """asyncpg's ``fetch`` (one place for the tests to count these statements)."""
    return await driver.fetch(sql, *arguments)  # type: ignore[no-any-return]


@functools.cache
def _positional(statement: sa.Select[Any]) -> tuple[str, tuple[str, ...]]:
    """The statement's SQL for asyncpg and its parameters' names in order (compiled once)."""
    compiled = statement.compile(dialect=asyncpg_dialect())
    assert compiled.positiontup is not None  # asyncpg's dialect numbers its parameters
    return str(compiled), tuple(compiled.positiontup)


@functools.cache
def _recorded_statements(postgresql: bool) -> tuple[sa.Select[Any], sa.Select[Any], sa.Select[Any]]:
    """Recorded objects of an engine (``engine``) by endpoint and by tenant (``owners``), and by
    endpoint of some types (``types``). On PostgreSQL the lists are arrays (``= ANY``): the SQL is
    the same for any number of values, where an expanding ``IN`` list is rendered and bound value
    by value (a third of the CPU of reading a big change's recorded objects)."""
    base = sa.select(
        object_t.c.object_type,
        object_t.c.object_id,
        sa.cast(object_t.c.fields, sa.Text).label("fields"),
        as_text(object_t.c.tenant_uuid),
        as_text(object_t.c.endpoint_uuid),
    ).where(object_t.c.engine_uuid == sa.bindparam("engine"))
    if postgresql:
        by_endpoint = base.where(equals_any(object_t.c.endpoint_uuid, "owners"))
        by_tenant = base.where(equals_any(object_t.c.tenant_uuid, "owners"))
        return by_endpoint, by_tenant, by_endpoint.where(equals_any(object_t.c.object_type, "types"))
    owners: sa.BindParameter[Any] = sa.bindparam("owners", expanding=True)
    by_endpoint = base.where(object_t.c.endpoint_uuid.in_(owners))
    types: sa.BindParameter[Any] = sa.bindparam("types", expanding=True)
    by_tenant = base.where(object_t.c.tenant_uuid.in_(owners))
    return by_endpoint, by_tenant, by_endpoint.where(object_t.c.object_type.in_(types))


def _object_texts(rows: Sequence[Any]) -> dict[tuple[str, str], tuple[str, UUID | None, UUID | None]]:
    out: dict[tuple[str, str], tuple[str, UUID | None, UUID | None]] = {}
    uuid_of = UuidMemo()
    for object_type, object_id, fields, tenant, endpoint in rows:
        out[(object_type, object_id)] = (
            fields,
            None if tenant is None else uuid_of[tenant],
            None if endpoint is None else uuid_of[endpoint],
        )
    return out


async def engine_objects(
    session: AsyncSession, engine_uuid: UUID, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], Options]:
    """Recorded engine-level objects (transport, global, system) by key."""
    out: dict[tuple[str, str], Options] = {}
    for object_type in {t for t, _ in keys}:
        ids = [i for t, i in keys if t == object_type]
        rows = (
            await session.execute(
                sa.select(object_t.c.object_id, object_t.c.fields).where(
                    object_t.c.engine_uuid == engine_uuid,
                    object_t.c.object_type == object_type,
                    object_t.c.object_id.in_(ids),
                )
            )
        ).all()
        out.update({(object_type, r.object_id): to_options(r.fields) for r in rows})
    return out


async def tenant_subtree(session: AsyncSession | AsyncConnection, root: UUID) -> list[UUID]:
    """The tenant and all of its descendants (recursive CTE)."""
    seed = sa.select(tenant_t.c.uuid).where(tenant_t.c.uuid == root).cte("subtree", recursive=True)
    tree = seed.union_all(sa.select(tenant_t.c.uuid).join(seed, tenant_t.c.parent_uuid == seed.c.uuid))
    return list((await session.execute(sa.select(tree.c.uuid))).scalars().all())


# Tenant paths read so far, for the whole process: a tenant never moves to another parent
# and uuids are never reused, so a path once read stays true (a deleted tenant's is just
# never asked for again). Bounded, in case of a very long-lived process with many tenants.
_KNOWN_PATHS: dict[UUID, tuple[UUID, ...]] = {}
_KNOWN_PATHS_MAX = 100_000


async def tenant_paths(session: AsyncSession, tenant_uuids: Iterable[UUID]) -> dict[UUID, tuple[UUID, ...]]:
    """Each tenant followed by its ancestors up to the root (one recursive CTE for those not known yet)."""
    wanted = set(tenant_uuids)
    missing = [t for t in wanted if t not in _KNOWN_PATHS]
    found: dict[UUID, tuple[UUID, ...]] = {}
    if missing:
        found = await _read_tenant_paths(session, missing)
        if len(_KNOWN_PATHS) + len(found) > _KNOWN_PATHS_MAX:
            _KNOWN_PATHS.clear()
        _KNOWN_PATHS.update(found)
    return {t: _KNOWN_PATHS.get(t) or found[t] for t in wanted}


async def _read_tenant_paths(session: AsyncSession, tenant_uuids: Iterable[UUID]) -> dict[UUID, tuple[UUID, ...]]:
    start = list(set(tenant_uuids))
    if not start:
        return {}
    seed = sa.select(tenant_t.c.uuid, tenant_t.c.parent_uuid).where(tenant_t.c.uuid.in_(start))
    up = seed.cte("ancestry", recursive=True)
    up = up.union(sa.select(tenant_t.c.uuid, tenant_t.c.parent_uuid).join(up, tenant_t.c.uuid == up.c.parent_uuid))
    parent_of = {row.uuid: row.parent_uuid for row in (await session.execute(sa.select(up))).all()}
    paths: dict[UUID, tuple[UUID, ...]] = {}
    for tenant in start:
        path: list[UUID] = []
        node: UUID | None = tenant
        while node is not None and node not in path:
            path.append(node)
            node = parent_of.get(node)
        paths[tenant] = tuple(path)
    return paths
