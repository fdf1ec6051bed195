"""The ASGI application: GraphQL (HTTP, WebSocket, GraphiQL) and health checks."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from app.api.context import Context
from app.api.loaders import Loaders
from app.api.schema import build_schema
from app.db.database import Database
from app.db.migrate import upgrade_async
from app.services.access import Caller
from app.services.bootstrap import bootstrap
from app.services.tokens import authenticate
from app.settings import Settings, get_settings

log = logging.getLogger("pjsip_graph")


def bearer_token(headers: Any) -> str | None:
    value = headers.get("authorization") or headers.get("Authorization")
    if not value:
        return None
    scheme, _, token = str(value).partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=tuple(settings.allowed_origins),
        )
        self.db = db
        self.settings = settings

    async def _caller(self, token: str | None) -> Caller | None:
        if token is None:
            return None
        async with self.db.reading() as session:
            return await authenticate(session, token)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:  # type: ignore[override]
        return Context(
            db=self.db,
            settings=self.settings,
            loaders=Loaders(self.db),
            caller_or_none=await self._caller(bearer_token(request.headers)),
            request=request,
            response=response,
        )


def create_app(settings: Settings | None = None, *, db: Database | None = None, migrate: bool = True) -> Starlette:
    """Build the application. With ``migrate``, start-up applies migrations and bootstraps."""
    settings = settings or get_settings()
    database = db or Database(settings.resolved_database_url)
    graphql = GraphQLApp(database, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if migrate:
            await upgrade_async(database.url)
            token = await bootstrap(database, settings.admin_token_path)
            if token is not None:
                announce_admin_token(token, settings)
        yield
        if db is None:
            await database.dispose()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
    )
    app.state.db = database
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
