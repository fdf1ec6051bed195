"""Per-request DataLoaders. Each batch opens its own short session (sibling
resolvers run concurrently and one AsyncSession cannot be shared)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from app.cache import ResolutionCache
from app.db.database import Database
from app.services import reads

K = TypeVar("K")
V = TypeVar("V")


def _loader(db: Database, fn: Callable[[Database, Sequence[Any]], Awaitable[Sequence[Any]]]) -> DataLoader[Any, Any]:
    async def load(keys: list[Any]) -> Sequence[Any]:
        return await fn(db, keys)

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, db: Database, cache: ResolutionCache | None = None) -> None:
        self.config: DataLoader[UUID, Any] = _loader(db, reads.configs_by_uuid)
        self.parents: DataLoader[UUID, Any] = _loader(db, reads.parents_of)
        self.children: DataLoader[UUID, Any] = _loader(db, reads.children_of)
        self.endpoint_count: DataLoader[UUID, Any] = _loader(db, reads.endpoint_counts)
        self.resolved: DataLoader[tuple[UUID, int], Any] = DataLoader(
            load_fn=lambda keys: reads.resolved_of(db, keys, cache)
        )
        self.tenant: DataLoader[UUID, Any] = _loader(db, reads.tenants_by_uuid)
        self.tenant_children: DataLoader[UUID, Any] = _loader(db, reads.tenant_children)
        self.default_templates: DataLoader[UUID, Any] = _loader(db, reads.default_templates)
        self.transport: DataLoader[UUID, Any] = _loader(db, reads.transports_by_uuid)
        self.engine_transports: DataLoader[UUID, Any] = _loader(db, reads.transports_of_engines)
        self.engine: DataLoader[UUID, Any] = _loader(db, reads.engines_by_uuid)
