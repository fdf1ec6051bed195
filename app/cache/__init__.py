"""The resolution cache: resolved views of configurations, stamped with their version.

A configuration's ``resolved_version`` changes in the same transaction as
anything its resolution reads, and readers ask for the version of the row they
just read; an entry with another version is a miss. So a cached view is never
older than the committed state, and there is nothing to invalidate: the change
path writes the views it recomputed through, after commit, replacing the
previous version (one entry per configuration, so the cache stays as large as
the configuration; in process, only the views already held are replaced). Redis entries also expire after a TTL.

In-memory by default; Redis (shared by replicas) with PJSIP_GRAPH_CACHE_URL,
with the most recently used decoded views also kept in process (LocalViews).
A failing cache is reported and bypassed: reads fall back to the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlparse
from uuid import UUID

from aiocache import RedisCache, SimpleMemoryCache
from aiocache.base import BaseCache
from aiocache.serializers import BaseSerializer

from app.cache.codec import decode, encode
from app.domain.resolution import ResolvedSections

log = logging.getLogger(__name__)
Key = tuple[UUID, int]
NAMESPACE = "pjsip-graph:resolved"
RETRY_AFTER = 5.0  # seconds a failed cache is left alone before it is tried again


class _ResolvedSerializer(BaseSerializer):
    """(version, resolved view) as ``b"<version>:" + encoded view``."""

    DEFAULT_ENCODING = None  # bytes in and out

    def dumps(self, value: Any) -> bytes:  # type: ignore[override]
        version, resolved = value
        return f"{version}:".encode() + encode(resolved)

    def loads(self, value: Any) -> Any:
        if value is None:
            return None
        version, _, data = bytes(value).partition(b":")
        return int(version), decode(data)


class LocalViews:
    """The most recently used decoded views of a shared cache, in this process.

    An entry (uuid, version) never changes meaning, so a local copy can never
    be staler than the shared one: asking for another version is a miss. It
    saves the round trip to Redis and the decoding of the entry, which are
    most of the cost of a cached read.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._views: OrderedDict[UUID, tuple[int, ResolvedSections]] = OrderedDict()

    def __contains__(self, uuid: object) -> bool:
        return uuid in self._views

    def get(self, key: Key) -> ResolvedSections | None:
        uuid, version = key
        entry = self._views.get(uuid)
        if entry is None or entry[0] != version:
            return None
        self._views.move_to_end(uuid)
        return entry[1]

    def put(self, key: Key, resolved: ResolvedSections) -> None:
        uuid, version = key
        current = self._views.get(uuid)
        if current is not None and current[0] > version:
            return  # a newer view is already here
        self._views[uuid] = (version, resolved)
        self._views.move_to_end(uuid)
        while len(self._views) > self.size:
            self._views.popitem(last=False)


class ResolutionCache:
    def __init__(
        self, backend: BaseCache, *, kind: str, ttl: int = 3600, timeout: float = 0.5, local_entries: int = 0
    ) -> None:
        self.backend = backend
        self.local = LocalViews(local_entries) if local_entries > 0 else None
        # In-memory backend: the configurations it holds a view of (entries never expire there).
        self._held: set[UUID] = set()
        self.kind = kind
        self.ttl = ttl
        self.timeout = timeout
        self.hits = 0
        self.misses = 0
        self.errors = 0
        self._down_since: float | None = None

    @property
    def healthy(self) -> bool:
        return self._down_since is None

    def _skip(self) -> bool:
        return self._down_since is not None and time.monotonic() - self._down_since < RETRY_AFTER

    def _failed(self, what: str, exc: BaseException) -> None:
        self.errors += 1
        if self._down_since is None:
            log.warning("resolution cache (%s) %s failed: %s; answering from the database", self.kind, what, exc)
        self._down_since = time.monotonic()

    async def get_many(self, keys: Sequence[Key]) -> list[ResolvedSections | None]:
        local = self.local
        values: list[ResolvedSections | None] = [None] * len(keys) if local is None else [local.get(k) for k in keys]
        wanted = [i for i, v in enumerate(values) if v is None]
        if wanted and not self._skip():
            try:
                stored = await asyncio.wait_for(self.backend.multi_get([str(keys[i][0]) for i in wanted]), self.timeout)
            except Exception as exc:
                self._failed("read", exc)
            else:
                self._down_since = None
                for i, entry in zip(wanted, stored, strict=True):
                    if entry is not None and entry[0] == keys[i][1]:
                        values[i] = entry[1]
                        if local is not None:
                            local.put(keys[i], entry[1])
        found = sum(v is not None for v in values)
        self.hits += found
        self.misses += len(keys) - found
        return values

    async def set_many(self, items: Mapping[Key, ResolvedSections], *, refresh_only: bool = False) -> None:
        """Store views. ``refresh_only`` (a change's write-through): in this
        process, only replace views it already holds. A template change
        recomputes thousands of views; keeping all of them in process would
        hold (and make the cycle collector scan) views nobody reads. Redis,
        shared and holding bytes, gets them all."""
        local = self.local
        if local is not None:
            for key, resolved in items.items():
                if not refresh_only or key[0] in local:
                    local.put(key, resolved)
        if self.kind == "memory":
            if refresh_only:
                items = {key: resolved for key, resolved in items.items() if key[0] in self._held}
            self._held.update(uuid for uuid, _ in items)
        if not items or self._skip():
            return
        try:
            pairs = [(str(uuid), (version, resolved)) for (uuid, version), resolved in items.items()]
            await asyncio.wait_for(self.backend.multi_set(pairs, ttl=self.ttl), self.timeout * 4)
        except Exception as exc:
            self._failed("write", exc)
            return
        self._down_since = None

    async def ping(self) -> bool:
        """Readiness: can the cache be reached now?"""
        try:
            await asyncio.wait_for(self.backend.exists("ping"), self.timeout)
        except Exception as exc:
            self._failed("ping", exc)
            return False
        self._down_since = None
        return True

    async def close(self) -> None:
        try:
            await self.backend.close()
        except Exception:  # closing a cache that is already gone
            log.debug("closing the cache failed", exc_info=True)


def build_cache(url: str | None, *, ttl: int = 3600, local_entries: int = 5000) -> ResolutionCache:
    """Memory cache when ``url`` is empty; ``redis://host:port/db`` for Redis."""
    if not url:
        # No expiry in process: entries are replaced by newer versions, one per
        # configuration, and a timer per entry (aiocache's TTL) cost a loop
        # timer for each of the thousands of views a template change writes.
        return ResolutionCache(SimpleMemoryCache(namespace=NAMESPACE), kind="memory", ttl=0)
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise ValueError(f"unsupported cache URL scheme '{parsed.scheme}' (use redis://host:port/db)")
    backend = RedisCache(
        serializer=_ResolvedSerializer(),
        namespace=NAMESPACE,
        endpoint=parsed.hostname or "127.0.0.1",
        port=parsed.port or 6379,
        db=int(parsed.path.strip("/") or 0),
        password=parsed.password,
        create_connection_timeout=1,
    )
    return ResolutionCache(backend, kind="redis", ttl=ttl, local_entries=local_entries)
