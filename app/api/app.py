"""The ASGI application: GraphQL (HTTP, WebSocket, GraphiQL), the web admin and health checks."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.extensions import SchemaExtension
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from app.api import monitoring
from app.api.admin_ui import PAGE_PATHS, AdminUI
from app.api.context import Context, bearer_token, why_unauthenticated
from app.api.cors import cors_middleware
from app.api.downloads import PjsipConfDownload
from app.api.errors import is_unavailable
from app.api.executor_check import ExecutorMismatch
from app.api.graphiql import ASSETS_PATH, local_graphiql
from app.api.http_guards import RequestGuards
from app.api.http_protocol import GraphQLResponseMediaType
from app.api.limits import TokenLimits, token_key
from app.api.loaders import Loaders
from app.api.mutation_gc import CollectorResumesAfterResponse
from app.api.schema import build_schema
from app.asterisk.realtime.apply import write_in_transaction
from app.cache import ResolutionCache, build_cache
from app.db.aftercommit import Committed
from app.db.database import Database
from app.db.migrate import upgrade_async
from app.db.tenant_graphs import TenantGraphs
from app.events.hub import EventHub
from app.events.pg_listener import PgListener
from app.events.retention import Pruner
from app.events.sqlite_watch import SqliteCommitWatch
from app.logs import RequestIdMiddleware
from app.services.access import Caller
from app.services.bootstrap import bootstrap
from app.services.tokens import LastUsed, authenticate, write_last_used
from app.settings import Settings, get_settings

MISMATCH = {"code": "INTERNAL_SERVER_ERROR"}

log = logging.getLogger("pjsip_graph")
# Hubs of the applications running in this process, so that a graceful
# shutdown can complete their subscriptions before sockets are closed.
RUNNING_HUBS: set[EventHub] = set()


class GraphQLApp(GraphQL[Context, None]):
    def __init__(
        self,
        db: Database,
        settings: Settings,
        hub: EventHub,
        cache: ResolutionCache | None,
        *,
        extra_extensions: Sequence[type[SchemaExtension]] = (),
    ) -> None:
        super().__init__(
            build_schema(settings, extra_extensions=extra_extensions),
            graphql_ide="graphiql" if settings.graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=tuple(settings.allowed_origins),
        )
        self.db = db
        self.last_used = LastUsed(self._write_last_used)
        self.graphiql = local_graphiql(self.graphql_ide_html, settings.ui_dir / "node_modules")
        self.settings = settings
        self.hub = hub
        self.cache = cache
        self.limits = TokenLimits(settings)

    def encode_json(self, data: object) -> str:
        # orjson is several times faster than json.dumps on large answers. A str,
        # not bytes: WebSocket messages must go out as text frames.
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)  # orjson.JSONDecodeError is a json.JSONDecodeError

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:  # type: ignore[override]
        answer = process_result(result)
        # Syntax errors and the token limit are raised before any extension
        # sees the operation: they are the request's mistake too.
        errors: list[dict[str, Any]] = answer.get("errors") or []  # type: ignore[assignment]
        if any(isinstance(e.original_error, ExecutorMismatch) for e in result.errors or ()):
            # The diagnostic found the server at fault (it logged both answers).
            return {"data": None, "errors": [{"message": "Internal server error", "extensions": MISMATCH}]}
        for error in errors:
            error.setdefault("extensions", {}).setdefault("code", "BAD_USER_INPUT")
        return answer

    async def render_graphql_ide(self, request: Request) -> Response:
        return self.graphiql.page()

    async def caller_of(self, token: str | None) -> Caller | None:
        if token is None:
            return None
        caller = await authenticate(self.db, token)
        if caller is not None:
            self.last_used.note(caller.token_uuid)
        return caller

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # After the answer has gone out: the request never waits for it.
            await self.last_used.flush()

    async def _write_last_used(self, token_uuid: UUID, when: datetime) -> None:
        async with self.db.writing() as session:
            await write_last_used(session, token_uuid, when)

    def _new_loaders(self) -> Loaders:
        return Loaders(self.db, self.cache)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:  # type: ignore[override]
        token = bearer_token(request.headers)
        caller: Caller | None = None
        unavailable = False
        try:
            caller = await self.caller_of(token)
        except Exception as exc:
            # The database is down: the operation answers SERVICE_UNAVAILABLE
            # (see QueryLimits) instead of a text/plain 500.
            if not is_unavailable(exc):
                raise
            unavailable = True
        return Context(
            db=self.db,
            settings=self.settings,
            loaders=self._new_loaders(),
            caller_or_none=caller,
            database_unavailable=unavailable,
            hub=self.hub,
            request=request,
            response=response,
            limits=self.limits,
            token_key=token_key(token),
            new_loaders=self._new_loaders if isinstance(request, WebSocket) else None,
            unauthenticated_because=why_unauthenticated(request.headers.get("authorization"), token),
        )

    async def on_ws_connect(self, context: Context) -> None:  # type: ignore[override]
        """graphql-transport-ws `connection_init`: the token comes in its payload or the upgrade headers.

        A missing or unknown token closes the socket (4403) before any operation runs.
        """
        params = context.connection_params or {}
        headers = {k.lower(): v for k, v in params.items() if isinstance(v, str)}
        token = bearer_token(headers)
        caller = await self.caller_of(token) if token else context.caller_or_none
        if caller is None:
            # The payload's header, when it sent one, is what the client meant.
            header = headers.get("authorization")
            reason = why_unauthenticated(header, token) if header else context.unauthenticated_because
            raise ConnectionRejectionError({"reason": reason})
        context.caller_or_none = caller
        await self.last_used.flush()  # once per connection, before any operation
        if token:
            context.token_key = token_key(token)


def create_app(settings: Settings | None = None, *, db: Database | None = None, migrate: bool = True) -> Starlette:
    """Build the application. With ``migrate``, start-up applies migrations and bootstraps."""
    settings = settings or get_settings()
    database = db or Database(settings.resolved_database_url)
    database.realtime_writer = write_in_transaction if settings.realtime_in_same_database else None
    database.tenant_graphs = (
        TenantGraphs(
            max_nodes=settings.tenant_graphs_max_nodes,
            min_nodes=settings.tenant_graphs_min_nodes,
            check=settings.tenant_graphs_check,
        )
        if settings.tenant_graphs_max_nodes > 0
        else None
    )
    hub = EventHub(database, poll_interval=settings.events_poll_seconds)
    listener = PgListener(database.url, hub) if not database.is_sqlite else None
    # Commits of other processes on the same SQLite file (an import from the command line,
    # another server) reach this one's subscribers when the file changes, not at the next poll.
    sqlite_watch = SqliteCommitWatch(database.sqlite_file, hub) if database.sqlite_file is not None else None
    cache = (
        build_cache(settings.cache_url, ttl=settings.cache_ttl, local_entries=settings.cache_local_entries)
        if settings.cache != "off"
        else None
    )
    runtime = monitoring.Runtime(
        db=database, hub=hub, cache=cache, listener=listener, metrics_token=settings.metrics_token
    )
    pruner = Pruner(database, days=settings.retention_days, max_records=settings.retention_max_updates)
    timing = runtime.timing_extension(settings.metrics_max_operation_names)
    graphql = GraphQLApp(database, settings, hub, cache, extra_extensions=[timing])
    admin = AdminUI(settings.ui_dir / "dist")
    RUNNING_HUBS.add(hub)

    async def after_commit(facts: Committed) -> None:
        for engine_uuid in facts.engines:
            hub.wake(engine_uuid)
        if cache is not None:
            await cache.set_many(facts.resolved, refresh_only=True)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if migrate:
            await upgrade_async(database.url)
            token = await bootstrap(database, settings.admin_token_path)
            if token is not None:
                announce_admin_token(token, settings)
        database.commit_hooks.append(after_commit)
        database.keeps_resolved_views = cache is not None
        await hub.start()
        if listener is not None:
            await listener.start()
        if sqlite_watch is not None:
            await sqlite_watch.start()
        if migrate:
            await pruner.start()
        try:
            yield
        finally:
            RUNNING_HUBS.discard(hub)
            await pruner.stop()
            database.commit_hooks.remove(after_commit)
            database.keeps_resolved_views = False
            if listener is not None:
                await listener.stop()
            if sqlite_watch is not None:
                await sqlite_watch.stop()
            await hub.stop()
            if cache is not None:
                await cache.close()
            if db is None:
                await database.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route(ASSETS_PATH + "{path:path}", graphql.graphiql.asset),
            Route(
                "/export/pjsip.conf",
                PjsipConfDownload(database, graphql.limits, graphql.caller_of, graphql.last_used.flush).answer,
            ),
            Route("/healthz", monitoring.healthz),
            Route("/readyz", monitoring.readyz),
            Route("/metrics", monitoring.metrics),
            # The web admin: its files, and its page at each of its addresses (it routes in the browser).
            Route("/assets/{path:path}", admin.asset, methods=["GET", "HEAD"]),
            *(Route(path, admin.page, methods=["GET", "HEAD"]) for path in PAGE_PATHS),
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            cors_middleware(settings.allowed_origins),
            Middleware(GraphQLResponseMediaType),
            Middleware(
                RequestGuards,
                max_request_bytes=settings.max_request_bytes,
                max_import_bytes=settings.max_import_bytes,
            ),
            Middleware(CollectorResumesAfterResponse),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.db = database
    app.state.hub = hub
    app.state.listener = listener
    app.state.cache = cache
    return app


def announce_admin_token(token: str, settings: Settings) -> None:
    """Shown once, on the first start of an empty database."""
    print(
        "\n  pjsip-graph: created the root tenant and an admin token (shown only this once):\n"
        f"\n    {token}\n"
        f"\n  It is also stored in {settings.admin_token_path} (mode 0600)."
        "\n  Use it as the header  Authorization: Bearer <token>\n",
        flush=True,
    )
