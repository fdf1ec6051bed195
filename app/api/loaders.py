"""Per-request DataLoaders. Each batch opens its own short session (sibling
resolvers run concurrently and one AsyncSession cannot be shared)."""

from __future__ import annotations

import functools
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
    """One DataLoader per kind of batch, made on first use: most requests use one or two."""

    def __init__(self, db: Database, cache: ResolutionCache | None = None) -> None:
        self._db = db
        self._cache = cache

    @functools.cached_property
    def config(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.configs_by_uuid)

    @functools.cached_property
    def parents(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.parents_of)

    @functools.cached_property
    def children(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.children_of)

    @functools.cached_property
    def endpoint_count(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.endpoint_counts)

    @functools.cached_property
    def resolved(self) -> DataLoader[tuple[UUID, int], Any]:
        db, cache = self._db, self._cache
        return DataLoader(load_fn=lambda keys: reads.resolved_of(db, keys, cache))

    @functools.cached_property
    def tenant(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.tenants_by_uuid)

    @functools.cached_property
    def tenant_children(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.tenant_children)

    @functools.cached_property
    def default_templates(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.default_templates)

    @functools.cached_property
    def transport(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.transports_by_uuid)

    @functools.cached_property
    def engine_transports(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.transports_of_engines)

    @functools.cached_property
    def engine(self) -> DataLoader[UUID, Any]:
        return _loader(self._db, reads.engines_by_uuid)
