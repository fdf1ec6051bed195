"""Input mistakes are BAD_USER_INPUT with a path and graphql-core's message, never a logged traceback."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from app.api.app import create_app
from app.db.database import Database
from tests.conftest import GraphQLClient, World

BAD_VARIABLES = [
    ("query($u: UUID!) { template(uuid: $u) { uuid } }", {"u": "not-a-uuid"}, "$u"),
    ("query($n: Int) { templates(first: $n) { totalCount } }", {"n": 2**40}, "$n"),
    (
        "query($d: OrderDirection) { templates(direction: $d) { totalCount } }",
        {"d": "SIDEWAYS"},
        "$d",
    ),
    (
        "mutation($i: CreateTenantInput!) { createTenant(input: $i) { tenant { uuid } } }",
        {"i": {"name": "x", "nmae": "y"}},
        "$i",
    ),
    ("query($u: UUID!) { template(uuid: $u) { uuid } }", {}, "$u"),
]


@pytest.mark.parametrize("authenticated", [True, False])
async def test_variables_that_fail_coercion_are_the_clients_mistake(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture, authenticated: bool
) -> None:
    client = gql if authenticated else gql.as_token(None)
    for query, variables, name in BAD_VARIABLES:
        caplog.clear()
        # when a variable cannot be coerced to its type
        error = await client.error(query, variables)

        # then the answer names the variable, keeps graphql-core's message, and nothing is logged as an error
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (query, error)
        assert name in error["message"], error
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.records
    hint = await client.error(*BAD_VARIABLES[2][:2])
    assert "Did you mean" in hint["message"] or "does not exist" in hint["message"], hint


async def test_body_that_is_not_an_object_is_a_400(gql: GraphQLClient) -> None:
    for body in (b"null", b"42", b'"query"'):
        response = await gql.http.post("/graphql", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, (body, response.text)
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_unusable_argument_values_are_bad_user_input(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("query($s: String) { templates(search: $s) { totalCount } }", {"s": "a\x00b"}, "search"),
        ("query($s: String) { templates(search: $s) { totalCount } }", {"s": "x" * 100_000}, "search"),
        ("query($a: String) { endpoints(after: $a) { totalCount } }", {"a": "\x00"}, "after"),
        ("query($e: String) { sorceryUpdates(engine: $e) { seq } }", {"e": "de\x00fault"}, "engine"),
    ]
    for query, variables, field in cases:
        caplog.clear()
        error = await gql.error(query, variables)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (query, error)
        assert error["extensions"]["field"] == field
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_syntax_and_token_limit_errors_have_a_code(gql: GraphQLClient) -> None:
    syntax = await gql.error("{ templates(first: 1) { totalCount }")
    assert syntax["extensions"]["code"] == "BAD_USER_INPUT"
    tokens = await gql.error("{ " + "uuid " * 6000 + "}")
    assert tokens["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_subscription_over_http_says_to_use_a_websocket(gql: GraphQLClient) -> None:
    response = await gql.http.post(
        "/graphql",
        json={"query": "subscription { configChanged { seq } }"},
        headers={"Authorization": f"Bearer {gql.token}"},
    )
    assert "WebSocket" in response.text, response.text


async def test_a_database_that_went_away_is_service_unavailable(world: World, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("one backend is enough: the database is not reached at all")
    gone = Database("postgresql+asyncpg://postgres@127.0.0.1:9/gone")
    app = create_app(world.settings, db=gone, migrate=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ templates(first: 1) { totalCount } }"},
            headers={"Authorization": f"Bearer {world.admin_token}"},
        )
    await gone.dispose()
    assert response.status_code == 503, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


async def test_a_nul_in_an_engine_name_given_to_a_mutation_is_not_an_internal_error(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL refuses a NUL in any parameter; the arguments not checked by name reach it as a DBAPIError."""
    error = await gql.error(
        'mutation($e: String!) { setEngineOptions(engine: $e, globalOptions: [{key: "user_agent", value: "x"}]) '
        "{ __typename } }",
        {"e": "de\x00fault"},
    )
    # SQLite compares the name and finds nothing; PostgreSQL cannot take it at all.
    assert error["extensions"]["code"] in {"BAD_USER_INPUT", "NOT_FOUND"}, error
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
