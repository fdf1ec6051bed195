"""Request size, browser headers, introspection, engine secrets, tenant tree access."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, new_tenant, token_for
from tests.security.conftest import ClientWith


async def test_large_bodies_are_refused_early(client_with: ClientWith) -> None:
    async with client_with(max_request_bytes=1000, max_import_bytes=5000) as client:
        big = b'{"query": "{ templates(first: 1) { totalCount } }", "pad": "' + b"x" * 2000 + b'"}'
        response = await client.http.post("/graphql", content=big, headers={"content-type": "application/json"})
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

        # also without Content-Length (chunked)
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b" " * 1000

        chunked = await client.http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        assert chunked.status_code == 413

        # an import may be larger than a plain request, up to its own limit
        text = "x" * 2000
        body = await client.post(
            "mutation($t: UUID!, $x: String!) { importPjsipConf(tenantUuid: $t, text: $x, dryRun: true) { unmapped } }",
            {"t": "00000000-0000-0000-0000-000000000000", "x": text},
        )
        assert body["errors"][0]["extensions"]["code"] != "PAYLOAD_TOO_LARGE"


async def test_graphiql_has_security_headers(gql: GraphQLClient) -> None:
    page = await gql.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"


async def test_introspection_needs_a_token_by_default(gql: GraphQLClient, client_with: ClientWith) -> None:
    anonymous = await gql.as_token(None).error("{ __schema { queryType { name } } }")
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await gql.ok("{ __schema { queryType { name } } }"))["__schema"]["queryType"]["name"] == "Query"
    async with client_with(introspection_requires_token=False) as client:
        await client.as_token(None).ok("{ __schema { queryType { name } } }")


async def test_engine_secrets_are_the_operators(gql: GraphQLClient, world: World) -> None:
    # given a TLS transport with a password, and a tenant token with secrets:read
    await gql.ok(
        'mutation { createTransport(name: "tls", options: [{key: "protocol", value: "tls"}, '
        '{key: "password", value: "engine-secret"}]) { uuid } }'
    )
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Holder")
    holder = gql.as_token(await token_for(world.db, tenant, "sip:read,secrets:read"))

    # when the tenant reads the engine's transports, the password is not there; the operator's is
    query = "{ engine { transports { name options { key value } } } }"
    seen = str(await holder.ok(query))
    assert "engine-secret" not in seen
    assert "engine-secret" in str(await gql.ok(query))


async def test_the_tenant_tree_needs_tenants_read_on_every_path(gql: GraphQLClient, world: World) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Parent")
    await new_tenant(world.db, admin, "Child", parent=tenant)
    reader = gql.as_token(await token_for(world.db, tenant, "sip:read"))
    error = await reader.error("{ templates(first: 1) { edges { node { tenant { children { name } } } } } }")
    assert error["extensions"]["code"] == "FORBIDDEN"
