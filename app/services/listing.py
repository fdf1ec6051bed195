"""Paginated lists with keyset cursors, search, ordering and tenant scope."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar
from uuid import UUID

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col, select

from app.db.database import Database
from app.db.models import ConfigParent, Engine, SipConfig, SorceryUpdateRow, Tenant
from app.db.queries import tenant_subtree
from app.domain.resolution import ConfigKind
from app.errors import InvalidInput, NotFound
from app.events.follow import check_after
from app.events.records import UPDATES
from app.record.reading import update_record
from app.record.updates import RecordedUpdate
from app.services.access import SECRETS_READ, SIP_READ, TENANTS_READ, Caller
from app.services.snapshots import CONFIG_COLUMNS, ConfigRecord, TenantRecord

T = TypeVar("T")
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


class ConfigOrder(StrEnum):
    NAME = "name"
    LABEL = "label"
    CREATED_AT = "created_at"


@dataclass(slots=True)
class Page(Generic[T]):
    edges: list[tuple[str, T]]
    has_next_page: bool
    has_previous_page: bool
    # Counting a large list costs more than reading its page (PostgreSQL visits
    # every matching row), so the count runs only when a client asks for it.
    count: Callable[[], Awaitable[int]]


def _encode_cursor(value: Any, uuid: UUID) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    return base64.urlsafe_b64encode(orjson.dumps([value, str(uuid)])).decode()


@dataclass(frozen=True, slots=True)
class Window:
    """Which page of a list: ``first`` after a cursor, or ``last`` before one (Relay's arguments)."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def size(self, default: int, max_size: int = MAX_PAGE_SIZE) -> int:
        if self.first is not None and self.last is not None:
            raise InvalidInput.at("last", "give first or last, not both")
        name, size = ("last", self.last) if self.last is not None else ("first", self.first)
        size = default if size is None else size
        if size < 0 or size > max_size:
            raise InvalidInput.at(name, f"page size must be between 0 and {max_size}")
        return size

    @property
    def backward(self) -> bool:
        return self.last is not None


def _decode_cursor(cursor: str, *, time_value: bool, argument: str = "after") -> tuple[str | datetime, UUID]:
    """The (sort value, uuid) of a cursor this list handed out; anything else is the caller's error."""
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        value, uuid = decoded
        if not isinstance(value, str) or not isinstance(uuid, str):
            raise ValueError("cursor parts must be strings")
        return (datetime.fromisoformat(value) if time_value else value), UUID(uuid)
    except (binascii.Error, orjson.JSONDecodeError, ValueError, TypeError) as exc:
        raise InvalidInput.at(argument, "not a cursor returned by this list with this order") from exc


def _check_first(first: int, max_size: int = MAX_PAGE_SIZE) -> None:
    if first < 0 or first > max_size:
        raise InvalidInput.at("first", f"page size must be between 0 and {max_size}")


def _like(search: str) -> str:
    escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _counter(db: Database, query: sa.Select[Any]) -> Callable[[], Awaitable[int]]:
    async def count() -> int:
        async with db.reading() as session:
            return int((await session.execute(select(sa.func.count()).select_from(query.subquery()))).scalar_one())

    return count


async def _paginate(
    session: AsyncSession | AsyncConnection,
    query: sa.Select[Any],
    *,
    sort: Any,
    key: Any,
    descending: bool,
    window: Window,
    sort_is_time: bool = False,
    entities: bool = True,
) -> tuple[list[Any], bool, bool]:
    """Run one keyset page of ``query``: its rows in list order, has-next-page, has-previous-page.

    ``entities``: the query selects one ORM entity (else rows of columns).
    """
    size = window.size(DEFAULT_PAGE_SIZE)
    # A row comparison, not "sort > v OR (sort = v AND key > k)": both databases
    # read it as one range of the (sort, key) index, so a page deep in a large
    # list costs what the first one does.
    here = sa.tuple_(sort, key)
    for argument, cursor_text, later in (("after", window.after, True), ("before", window.before, False)):
        if cursor_text is None:
            continue
        value, uuid = _decode_cursor(cursor_text, time_value=sort_is_time, argument=argument)
        cursor = sa.tuple_(sa.literal(value, sort.type), sa.literal(uuid, key.type))
        query = query.where(here < cursor if later == descending else here > cursor)
    # `last` reads the list backwards from its end (or from `before`) and turns the page round.
    reverse = descending != window.backward
    order = (sort.desc(), key.desc()) if reverse else (sort.asc(), key.asc())
    result = await session.execute(query.order_by(*order).limit(size + 1))
    rows = list(result.scalars().all() if entities else result.all())
    more = len(rows) > size
    rows = rows[:size]
    if window.backward:
        rows.reverse()
        return rows, window.before is not None, more
    return rows, more, window.after is not None


async def list_configs(
    db: Database,
    caller: Caller,
    *,
    kind: ConfigKind,
    tenant_uuid: UUID | None,
    recurse: bool,
    search: str | None,
    inherits_from: UUID | None,
    order: ConfigOrder,
    descending: bool,
    window: Window,
) -> Page[ConfigRecord]:
    caller.require(SIP_READ)
    window.size(DEFAULT_PAGE_SIZE)
    tenant_uuid = tenant_uuid or caller.tenant_uuid
    caller.check_visible(tenant_uuid, "tenant")
    async with db.connection() as session:
        tenants = (
            [t for t in await tenant_subtree(session, tenant_uuid) if caller.can_see(t)] if recurse else [tenant_uuid]
        )
        query = sa.select(*CONFIG_COLUMNS).where(
            col(SipConfig.kind) == kind.value,
            col(SipConfig.tenant_uuid).in_(tenants),
        )
        if search:
            pattern = _like(search)
            query = query.where(
                sa.func.lower(SipConfig.name).like(pattern, escape="\\")
                | sa.func.lower(sa.func.coalesce(SipConfig.label, "")).like(pattern, escape="\\")
            )
        if inherits_from is not None:
            query = query.where(col(SipConfig.uuid).in_(_descendants_of(inherits_from)))
        sort = {
            ConfigOrder.NAME: SipConfig.name,
            ConfigOrder.LABEL: sa.func.coalesce(SipConfig.label, ""),
            ConfigOrder.CREATED_AT: SipConfig.created_at,
        }[order]
        rows, has_next, has_previous = await _paginate(
            session,
            query,
            sort=sort,
            key=SipConfig.uuid,
            descending=descending,
            window=window,
            sort_is_time=order is ConfigOrder.CREATED_AT,
            entities=False,
        )
    records = [ConfigRecord.of_row(r) for r in rows]
    value_of = {
        ConfigOrder.NAME: lambda r: r.name,
        ConfigOrder.LABEL: lambda r: r.label or "",
        ConfigOrder.CREATED_AT: lambda r: r.created_at,
    }[order]
    edges = [(_encode_cursor(value_of(r), r.uuid), r) for r in records]
    return Page(edges, has_next, has_previous, _counter(db, query))


def _descendants_of(template: UUID) -> sa.Select[Any]:
    seed: Any = select(col(ConfigParent.child_uuid).label("uuid")).where(col(ConfigParent.parent_uuid) == template)
    tree = seed.cte("inheritors", recursive=True)
    tree = tree.union(select(ConfigParent.child_uuid).join(tree, col(ConfigParent.parent_uuid) == tree.c.uuid))
    return select(tree.c.uuid)


async def list_tenants(
    db: Database, caller: Caller, *, window: Window, search: str | None, recurse: bool
) -> Page[TenantRecord]:
    caller.require(TENANTS_READ)
    window.size(DEFAULT_PAGE_SIZE)
    async with db.reading() as session:
        tenants = list(await tenant_subtree(session, caller.tenant_uuid)) if recurse else [caller.tenant_uuid]
        query = select(Tenant).where(col(Tenant.uuid).in_(tenants))
        if search:
            pattern = _like(search)
            query = query.where(
                sa.func.lower(Tenant.name).like(pattern, escape="\\")
                | sa.func.lower(Tenant.slug).like(pattern, escape="\\")
            )
        rows, has_next, has_previous = await _paginate(
            session, query, sort=Tenant.name, key=Tenant.uuid, descending=False, window=window
        )
    records = [TenantRecord.of(r) for r in rows]
    edges = [(_encode_cursor(r.name, r.uuid), r) for r in records]
    return Page(edges, has_next, has_previous, _counter(db, query))


async def list_sorcery_updates(
    db: Database, caller: Caller, *, engine: str, after: int, first: int
) -> list[RecordedUpdate]:
    """Recorded updates after ``after``, oldest first.

    They carry secrets, so the secrets scope is required. An operator sees the
    whole engine; any other caller only the updates of tenants it can see.
    """
    caller.require(SECRETS_READ)
    _check_first(first)
    async with db.reading() as session:
        columns = (Engine.uuid, col(Engine.name), col(Engine.last_seq), col(Engine.pruned_update_seq))
        row = (await session.execute(select(*columns).where(Engine.name == engine))).first()
        if row is None or (row.uuid != caller.engine_uuid and not caller.is_operator):
            raise NotFound(f"engine '{engine}' not found")
        check_after(UPDATES, after, pruned=row.pruned_update_seq, head=row.last_seq)
        query = select(SorceryUpdateRow).where(
            col(SorceryUpdateRow.engine_uuid) == row.uuid,
            col(SorceryUpdateRow.seq) > after,
        )
        if not caller.is_operator:
            query = query.where(col(SorceryUpdateRow.tenant_uuid).in_(list(caller.visible)))
        rows = (await session.scalars(query.order_by(col(SorceryUpdateRow.seq)).limit(first))).all()
    return [update_record(r, row.name) for r in rows]
