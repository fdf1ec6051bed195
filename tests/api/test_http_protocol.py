"""GraphQL over HTTP: clients accepting application/graphql-response+json get its status codes."""

from collections.abc import AsyncIterator

import httpx
import pytest

from app.api.app import create_app
from app.api.http_protocol import wants_graphql_response
from tests.conftest import World

NEW = "application/graphql-response+json"
BOTH = f"{NEW}, application/json;q=0.9"


@pytest.fixture
async def http(world: World) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(world.settings, db=world.db, migrate=False)
    headers = {"Authorization": f"Bearer {world.admin_token}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api.test", headers=headers
    ) as client:
        yield client


async def test_a_valid_query_answers_200_in_the_new_media_type(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept": BOTH})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(NEW)
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("query", ["{", "{ noSuchField }"], ids=["parse", "validation"])
async def test_request_errors_answer_400_without_data(http: httpx.AsyncClient, query: str) -> None:
    response = await http.post("/graphql", json={"query": query}, headers={"Accept": NEW})

    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(NEW)
    body = response.json()
    assert "data" not in body and body["errors"]


async def test_plain_json_clients_keep_200_for_request_errors(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{"}, headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


async def test_a_get_query_in_the_new_media_type(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": "{ __typename }"}, headers={"Accept": NEW})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(NEW)


def test_accept_preferences() -> None:
    assert wants_graphql_response(NEW)
    assert wants_graphql_response(BOTH)
    assert wants_graphql_response(f"application/json;q=0.5, {NEW}")
    assert not wants_graphql_response(f"application/json, {NEW}")
    assert not wants_graphql_response("application/json")
    assert not wants_graphql_response("")
    assert not wants_graphql_response("*/*")
