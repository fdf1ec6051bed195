"""Operations endpoints: /healthz, /readyz, /metrics (Prometheus), and operation timing."""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.extensions import SchemaExtension

from app.api.execution import PlainObjectExecutor
from app.cache import ResolutionCache
from app.db.database import Database
from app.events.hub import EventHub
from app.events.pg_listener import PgListener
from app.events.records import engine_heads


@dataclass
class Runtime:
    """What the operations endpoints look at."""

    db: Database
    hub: EventHub
    cache: ResolutionCache | None
    listener: PgListener | None
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    # Refreshed at each scrape: (engine name, stream) -> (records behind, retained records).
    streams: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    operation_names: OperationNames = field(default_factory=lambda: OperationNames())
    # When set, /metrics answers only 'Authorization: Bearer <metrics_token>'.
    metrics_token: str | None = None

    def __post_init__(self) -> None:
        self.latency = Histogram(
            "pjsip_graph_operation_seconds",
            "GraphQL operation latency",
            ["operation", "type"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.registry.register(_RuntimeCollector(self))

    def timing_extension(self, max_operation_names: int = 50) -> type[SchemaExtension]:
        histogram = self.latency
        names = self.operation_names

        class OperationTiming(SchemaExtension):
            def on_operation(self) -> Iterator[None]:
                start = time.perf_counter()
                yield
                context = self.execution_context
                operation_type = context.operation_type.value if context.operation_type else "unknown"
                name = names.label(context.operation_name, context.context, max_operation_names)
                histogram.labels(name, operation_type).observe(time.perf_counter() - start)

        return OperationTiming


@dataclass
class OperationNames:
    """The bounded set of operation names that get their own latency series.

    Only the operator's own operations (root tenant) are named: a tenant's
    operation names are its own business and /metrics is read by whoever runs
    the monitoring. Unauthenticated requests never add a name. Once the set is
    full, new names count as "other".
    """

    known: set[str] = field(default_factory=set)

    def label(self, name: str | None, context: object, limit: int) -> str:
        caller = getattr(context, "caller_or_none", None)
        if name is None:
            return "anonymous"
        if caller is None or not caller.is_root:
            return "other"
        name = name[:64]
        if name in self.known:
            return name
        if len(self.known) >= limit:
            return "other"
        self.known.add(name)
        return name


class _RuntimeCollector(Collector):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Any]:
        cache = self.runtime.cache
        if cache is not None:
            hits = CounterMetricFamily("pjsip_graph_cache_hits", "Resolution cache hits", labels=["backend"])
            hits.add_metric([cache.kind], cache.hits)
            misses = CounterMetricFamily("pjsip_graph_cache_misses", "Resolution cache misses", labels=["backend"])
            misses.add_metric([cache.kind], cache.misses)
            up = GaugeMetricFamily("pjsip_graph_cache_up", "1 when the cache answers", labels=["backend"])
            up.add_metric([cache.kind], 1.0 if cache.healthy else 0.0)
            yield from (hits, misses, up)
        yield GaugeMetricFamily("pjsip_graph_subscribers", "Open subscriptions", value=self.runtime.hub.subscribers)
        fallbacks = CounterMetricFamily(
            "pjsip_graph_executor_fallbacks",
            "Objects the fast executor handed back to graphql-core's own completion",
            labels=["reason"],
        )
        for reason in ("not_plain", "error"):
            fallbacks.add_metric([reason], PlainObjectExecutor.fallbacks[reason])
        yield fallbacks
        lag = GaugeMetricFamily(
            "pjsip_graph_delivery_lag",
            "Recorded events this replica has not fanned out yet",
            labels=["engine", "stream"],
        )
        backlog = GaugeMetricFamily(
            "pjsip_graph_recorded_backlog", "Records retained for replay", labels=["engine", "stream"]
        )
        for (engine, stream), (behind, retained) in self.runtime.streams.items():
            lag.add_metric([engine, stream], behind)
            backlog.add_metric([engine, stream], retained)
        yield from (lag, backlog)
        if self.runtime.listener is not None:
            yield GaugeMetricFamily(
                "pjsip_graph_listener_up",
                "1 when the PostgreSQL listener is connected",
                value=1.0 if self.runtime.listener.connected else 0.0,
            )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """The database decides readiness; a cache or listener problem degrades it (the
    server still answers correctly from the database, only slower or later)."""
    runtime: Runtime = request.app.state.runtime
    checks: dict[str, str] = {}
    try:
        async with runtime.db.reading() as session:
            await session.execute(sa.text("SELECT 1"))
        checks["database"] = "up"
    except Exception as exc:
        checks["database"] = f"down: {type(exc).__name__}"
    if runtime.cache is not None:
        checks["cache"] = "up" if await runtime.cache.ping() else "down"
    if runtime.listener is not None:
        checks["listener"] = "up" if runtime.listener.connected else "down"
    if checks["database"] != "up":
        status, code = "down", 503
    elif all(v == "up" for v in checks.values()):
        status, code = "ready", 200
    else:
        status, code = "degraded", 200
    return JSONResponse({"status": status, "checks": checks}, status_code=code)


async def metrics(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    if runtime.metrics_token is not None:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {runtime.metrics_token}".encode()):
            return JSONResponse({"error": "send 'Authorization: Bearer <metrics token>'"}, status_code=401)
    heads = await engine_heads(runtime.db)
    windows = runtime.hub.window_heads()
    runtime.streams = {}
    for engine_uuid, head in heads.items():
        for stream in ("updates", "changes"):
            fanned = windows.get((engine_uuid, stream))
            behind = head.head(stream) - fanned if fanned is not None else 0
            runtime.streams[(head.name, stream)] = (max(behind, 0), head.head(stream) - head.pruned(stream))
    return Response(generate_latest(runtime.registry), media_type=CONTENT_TYPE_LATEST)
