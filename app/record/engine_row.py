"""Who may write an engine's configuration at the same time, and the engine row that numbers the record.

Two levels of locks, so that one tenant's big change does not hold up the others:

* **Scope locks**, for the whole transaction. A change of an engine's own objects (transports,
  ``global``, ``system``) or of its tenants' tree takes the engine exclusively
  (`lock_engine`). A change inside one tenant (`lock_tenant_scope`) takes the engine shared
  and the tenant's ancestors shared (their templates are inherited, so they must not change
  meanwhile); then a template change (which can reach every endpoint of the tenant and of its
  sub-tenants) takes the tenant exclusively, while an endpoint change takes the tenant shared
  and that endpoint exclusively. Writers of different endpoints, or of unrelated tenants,
  therefore resolve, validate and store their objects at the same time, while two writers
  whose changes can reach the same endpoint still run one after the other, so each computes
  its objects from the other's committed result. On PostgreSQL these are transaction-level
  advisory locks; on SQLite, where the database has a single writer anyway, the engine row
  lock stands for all.
* **The engine row**, from the moment a transaction numbers its first update or event
  (`take_numbers`) until it commits. Sequence numbers are handed out under it, so they
  are gap-free and become visible in order (DOMAIN.md §5); everything that does not need a
  number (resolving, diffing, storing the objects' states) happens before it is claimed.

Scope locks are always taken before the engine row, and a transaction holding the engine row
never waits for a scope lock, so no two writers can wait for each other.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from operator import attrgetter
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import select

from app.db.bulk import equals_any, in_values, is_postgresql
from app.db.models import Engine, SipConfig
from app.db.queries import chunks, tenant_paths
from app.errors import NotFound

config_t = SipConfig.__table__  # type: ignore[attr-defined]

# Advisory lock namespaces (the first key of PostgreSQL's two-key advisory locks).
ENGINE_LOCKS = 73_101
TENANT_LOCKS = 73_102
ENDPOINT_LOCKS = 73_103
# The versions of resolved views on PostgreSQL (migration 0006): drawn without any lock.
RESOLUTION_SEQUENCE = "resolution_epoch_seq"


async def lock_engine(session: AsyncSession, engine_uuid: UUID, *, refresh: SipConfig | None = None) -> Engine:
    """Lock the whole engine for the rest of the transaction: no other writer of it runs meanwhile.

    For changes of the engine's own objects and of its tenant tree, which can reach every
    tenant's endpoints. The engine row is locked as well. ``refresh``: see `lock_tenant_scope`.
    """
    if is_postgresql(session):
        await session.execute(_ENGINE_LOCK, {"engine": str(engine_uuid)})
    return await _read_engine(session, engine_uuid, refresh, for_update=True)


async def lock_engine_by_name(session: AsyncSession, name: str) -> Engine:
    engine_uuid = (await session.scalars(select(Engine.uuid).where(Engine.name == name))).first()
    if engine_uuid is None:
        raise NotFound(f"engine '{name}' not found")
    return await lock_engine(session, engine_uuid)


async def lock_tenant_scope(
    session: AsyncSession,
    engine_uuid: UUID,
    tenant_uuid: UUID,
    *,
    endpoint: UUID | None = None,
    new_endpoint: bool = False,
    refresh: SipConfig | None = None,
) -> Engine:
    """Lock what a change inside this tenant can depend on or reach, for the rest of the transaction.

    ``endpoint``: the change is this endpoint's alone (its templates are only read);
    ``new_endpoint``: it creates an endpoint, which nothing else can reach yet. Otherwise the
    change may reach every endpoint of the tenant (a template, an import). ``refresh``: a
    configuration read before the locks, read again in the same statement as the engine (it
    may have changed while this writer waited); it leaves the session if it is gone.

    Returns the engine, read after the locks (its objects cannot change meanwhile); its row
    is claimed only when the first update or event is numbered.
    """
    if not is_postgresql(session):
        return await lock_engine(session, engine_uuid, refresh=refresh)
    path = (await tenant_paths(session, [tenant_uuid])).get(tenant_uuid, (tenant_uuid,))
    ancestors = list(reversed(path[1:]))  # from the root down
    only_endpoints = endpoint is not None or new_endpoint
    keys = {"engine": str(engine_uuid), "tenant": str(tenant_uuid)}
    keys.update({f"ancestor_{n}": str(a) for n, a in enumerate(ancestors)})
    if endpoint is not None:
        keys["endpoint"] = str(endpoint)
    await session.execute(_scope_locks(len(ancestors), only_endpoints, endpoint is not None), keys)
    return await _read_engine(session, engine_uuid, refresh, for_update=False)


async def _read_engine(
    session: AsyncSession, engine_uuid: UUID, refresh: SipConfig | None, *, for_update: bool
) -> Engine:
    """The engine's row, with ``refresh`` read again alongside (one statement)."""
    keys = (
        {"engine_uuid": engine_uuid} if refresh is None else {"engine_uuid": engine_uuid, "refresh_uuid": refresh.uuid}
    )
    found = (await session.execute(_engine_statement(refresh is not None, for_update), keys)).first()
    if found is None:
        raise NotFound("engine not found")
    if refresh is not None and found[1] is None:
        session.expunge(refresh)  # deleted meanwhile: the caller's next read finds nothing
    return found[0]  # type: ignore[no-any-return]


# The statements every write runs are built once per shape, with bound parameters: building
# one and computing its cache key cost ~40 µs each, several times per small mutation.


@functools.cache
def _engine_statement(refresh: bool, for_update: bool) -> Any:
    engine_t = Engine.__table__  # type: ignore[attr-defined]
    statement: Any = sa.select(Engine)
    if refresh:
        statement = sa.select(Engine, SipConfig).select_from(
            engine_t.outerjoin(config_t, config_t.c.uuid == sa.bindparam("refresh_uuid"))
        )
    statement = statement.where(engine_t.c.uuid == sa.bindparam("engine_uuid"))
    if for_update:
        statement = statement.with_for_update(key_share=True, of=engine_t)
    return statement.execution_options(populate_existing=True)


@functools.lru_cache(maxsize=64)
def _scope_locks(ancestors: int, tenant_shared: bool, endpoint: bool) -> Any:
    """The scope locks of `lock_tenant_scope`, in the order they are taken: the engine, the
    tenant's ancestors from the root down, the tenant, the endpoint."""
    return sa.select(
        _advisory(ENGINE_LOCKS, "engine", shared=True),
        *(_advisory(TENANT_LOCKS, f"ancestor_{n}", shared=True) for n in range(ancestors)),
        _advisory(TENANT_LOCKS, "tenant", shared=tenant_shared),
        *([_advisory(ENDPOINT_LOCKS, "endpoint", shared=False)] if endpoint else []),
    )


async def take_numbers(
    session: AsyncSession, engine: Engine, *, updates: int = 0, events: int = 0, notify: tuple[str, str] | None = None
) -> tuple[int, int]:
    """Take the engine's next ``updates`` update and ``events`` event numbers; the first of each.

    One ``UPDATE ... RETURNING`` claims the engine row until commit (as ``FOR NO KEY UPDATE``
    would: no key column changes) and adds to its counters as the last committed writer left
    them, so the numbers stay gap-free and commit in order, while the work before it ran
    alongside other tenants' writers. ``notify`` (channel, payload) is sent in the same
    statement on PostgreSQL; it is delivered at commit.
    """
    await session.flush()  # the engine's own pending changes first: the row is written below
    engine_t = Engine.__table__  # type: ignore[attr-defined]
    returning = [engine_t.c.last_seq, engine_t.c.last_event_seq]
    if notify is not None and is_postgresql(session):
        returning.append(sa.func.pg_notify(*notify))
    statement = (
        sa.update(engine_t)
        .where(engine_t.c.uuid == engine.uuid)
        .values(last_seq=engine_t.c.last_seq + updates, last_event_seq=engine_t.c.last_event_seq + events)
        .returning(*returning)
    )
    row = (await session.execute(statement)).one()
    set_committed_value(engine, "last_seq", row.last_seq)
    set_committed_value(engine, "last_event_seq", row.last_event_seq)
    return row.last_seq - updates + 1, row.last_event_seq - events + 1


async def bump_resolution(
    session: AsyncSession, engine: Engine, uuids: Collection[UUID], *, values: Mapping[str, Any] | None = None
) -> int:
    """Give these configurations' resolved views a new version; return it.

    The version only grows, so a cache keyed by (uuid, version) can never serve an older view:
    two writers that can change the same configuration hold the same scope lock, so the later
    one draws the later version. On PostgreSQL it comes from a sequence (no row is locked);
    on SQLite from the engine row, which the writer holds already. ``values``: other columns
    the same ``UPDATE`` writes (a configuration's own change, with its new version).
    """
    dialect = session.get_bind().dialect.name
    ordered = sorted(uuids, key=attrgetter("int"))  # as UUIDs compare, without a Python call per comparison
    values = values or {}
    if dialect == "postgresql":
        parameters = {"uuids": ordered, **{f"value_{name}": value for name, value in values.items()}}
        stamped = await session.execute(_stamp_statement(tuple(values)), parameters)
        return int(stamped.scalar_one())
    engine.resolution_epoch += 1
    await session.flush()
    version = engine.resolution_epoch
    for part in chunks(ordered):
        await session.execute(
            sa.update(config_t)
            .where(in_values(config_t.c.uuid, part, dialect))
            .values(resolved_version=version, **values)
        )
    return version


@functools.lru_cache(maxsize=64)
def _stamp_statement(columns: tuple[str, ...]) -> Any:
    """`bump_resolution` on PostgreSQL, one statement: the version drawn once (a materialised
    CTE) and given to every row of ``uuids``, with ``value_<column>`` written to these columns."""
    drawn = sa.select(sa.func.nextval(RESOLUTION_SEQUENCE).label("version")).cte("drawn")
    drawn = drawn.prefix_with("MATERIALIZED")
    return sa.select(drawn.c.version).add_cte(
        sa.update(config_t)
        .where(equals_any(config_t.c.uuid, "uuids"))
        .values(
            resolved_version=sa.select(drawn.c.version).scalar_subquery(),
            **{name: sa.bindparam(f"value_{name}", type_=config_t.c[name].type) for name in columns},
        )
        .cte("stamped")
    )


def _advisory(namespace: int, key: str, *, shared: bool) -> sa.ColumnElement[None]:
    """An advisory lock on (namespace, hashtext of the bound parameter ``key``: a uuid's text)."""
    function = sa.func.pg_advisory_xact_lock_shared if shared else sa.func.pg_advisory_xact_lock
    return function(namespace, sa.func.hashtext(sa.bindparam(key, type_=sa.String)))  # type: ignore[no-any-return]


_ENGINE_LOCK = sa.select(_advisory(ENGINE_LOCKS, "engine", shared=False))
