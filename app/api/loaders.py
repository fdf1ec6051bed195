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


class _Batches:
    """A Loaders attribute: its DataLoader, made on first use and kept for the request."""

    def __init__(self, fn: Callable[[Database, Sequence[Any]], Awaitable[Sequence[Any]]]) -> None:
        self.fn = fn

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, loaders: Loaders, owner: type | None = None) -> DataLoader[Any, Any]:
        loader = _loader(loaders._db, self.fn)
        loaders.__dict__[self.name] = loader  # later reads find it on the instance
        return loader


class Loaders:
    """One DataLoader per kind of batch, made on first use: most requests use one or two."""

    config = _Batches(reads.configs_by_uuid)
    parents = _Batches(reads.parents_of)
    children = _Batches(reads.children_of)
    endpoint_count = _Batches(reads.endpoint_counts)
    tenant = _Batches(reads.tenants_by_uuid)
    tenant_children = _Batches(reads.tenant_children)
    default_templates = _Batches(reads.default_templates)
    transport = _Batches(reads.transports_by_uuid)
    engine_transports = _Batches(reads.transports_of_engines)
    engine = _Batches(reads.engines_by_uuid)

    def __init__(self, db: Database, cache: ResolutionCache | None = None) -> None:
        self._db = db
        self._cache = cache

    @functools.cached_property
    def resolved(self) -> DataLoader[tuple[UUID, int], Any]:
        db, cache = self._db, self._cache
        return DataLoader(load_fn=lambda keys: reads.resolved_of(db, keys, cache))

    async def resolved_page(self, keys: Sequence[tuple[UUID, int]]) -> Sequence[Any]:
        """A whole page's resolved views in one batch, without the loader: it asks for all of them at
        once, so a future and a callback per key would only add cost."""
        return await reads.resolved_of(self._db, keys, self._cache)
