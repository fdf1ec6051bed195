"""A web admin served from another origin calls the API: CORS, driven by PJSIP_GRAPH_ALLOWED_ORIGINS."""

from collections.abc import AsyncIterator

import httpx
import pytest

from app.api.app import create_app
from tests.conftest import World

ADMIN = "http://localhost:5173"
STRANGER = "https://evil.example"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
}


async def client_for(world: World, origins: list[str]) -> AsyncIterator[httpx.AsyncClient]:
    settings = world.settings.model_copy(update={"allowed_origins": origins})
    app = create_app(settings, db=world.db, migrate=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as http:
        yield http


@pytest.fixture
async def http(world: World) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(world, [ADMIN]):
        yield client


async def test_preflight_from_an_allowed_origin_allows_the_client_headers_and_credentials(
    http: httpx.AsyncClient,
) -> None:
    response = await http.options("/graphql", headers={"Origin": ADMIN, **PREFLIGHT})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ADMIN
    assert response.headers["access-control-allow-credentials"] == "true"
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-request-id"} <= allowed
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_a_query_from_an_allowed_origin_is_readable_by_the_page(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Origin": ADMIN, "Authorization": f"Bearer {world.admin_token}", "X-Request-ID": "page-1"},
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["access-control-allow-origin"] == ADMIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
    assert response.headers["x-request-id"] == "page-1"
    assert "origin" in response.headers["vary"].lower()


async def test_another_origin_gets_no_cors_headers(http: httpx.AsyncClient) -> None:
    preflight = await http.options("/graphql", headers={"Origin": STRANGER, **PREFLIGHT})
    simple = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": STRANGER})

    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_nothing_is_allowed_by_default(world: World) -> None:
    assert world.settings.allowed_origins == []
    async for http in client_for(world, world.settings.allowed_origins):
        preflight = await http.options("/graphql", headers={"Origin": ADMIN, **PREFLIGHT})
        assert preflight.status_code == 400
        assert "access-control-allow-origin" not in preflight.headers


async def test_requests_without_an_origin_are_not_cross_origin(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {world.admin_token}"}
    )

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def handshake(world: World, origins: list[str], origin: str) -> str:
    """The first message the application sends for a WebSocket upgrade from ``origin``."""
    settings = world.settings.model_copy(update={"allowed_origins": origins})
    app = create_app(settings, db=world.db, migrate=False)
    scope = {
        "type": "websocket",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "scheme": "ws",
        "server": ("api.test", 80),
        "client": ("127.0.0.1", 1234),
        "headers": [(b"host", b"api.test"), (b"origin", origin.encode())],
        "subprotocols": ["graphql-transport-ws"],
    }
    incoming = [{"type": "websocket.connect"}]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return incoming.pop(0) if incoming else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return str(sent[0]["type"])


async def test_the_websocket_origin_check_follows_the_same_setting(world: World) -> None:
    assert await handshake(world, [ADMIN], ADMIN) == "websocket.accept"
    assert await handshake(world, [ADMIN], STRANGER) == "websocket.close"
    assert await handshake(world, [], ADMIN) == "websocket.close"
