"""Managing tokens over GraphQL: tenants:write, own subtree only, no scope beyond the caller's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.services.tokens import create_token
from tests.conftest import GraphQLClient, World

CREATE_TENANT = """
mutation($name: String!, $parent: UUID) {
  createTenant(input: {name: $name, parentUuid: $parent, withDefaultTemplates: false}) { tenant { uuid } }
}
"""
CREATE = """
mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { secret apiToken { uuid tenantUuid scopes expiresAt revokedAt } }
}
"""
REVOKE = "mutation($uuid: UUID!) { revokeApiToken(uuid: $uuid) { uuid revokedAt } }"
LIST = """
query($tenant: UUID, $recurse: Boolean) {
  apiTokens(tenantUuid: $tenant, recurse: $recurse) { totalCount edges { node { uuid tenantUuid description } } }
}
"""
WHO = "query { tenants(first: 1) { totalCount } }"


async def tenant(admin: GraphQLClient, name: str, parent: str | None = None) -> str:
    uuid: str = (await admin.ok(CREATE_TENANT, {"name": name, "parent": parent}))["createTenant"]["tenant"]["uuid"]
    return uuid


async def token_for(world: World, tenant_uuid: str, scopes: str) -> str:
    async with world.db.writing() as session:
        return await create_token(session, tenant_uuid=UUID(tenant_uuid), scopes=scopes)


async def test_a_tenant_manages_its_own_and_its_subtenants_tokens(world: World, gql: GraphQLClient) -> None:
    # given a tenant with a sub-tenant, and a manager token of the tenant
    acme = await tenant(gql, "Acme")
    branch = await tenant(gql, "Branch", acme)
    manager = gql.as_token(await token_for(world, acme, "tenants:read,tenants:write,sip:read"))

    # when it creates a token for the sub-tenant that expires in an hour
    created: dict[str, Any] = (
        await manager.ok(
            CREATE,
            {"input": {"tenantUuid": branch, "scopes": ["sip:read"], "expiresInSeconds": 3600}},
        )
    )["createApiToken"]

    # then the secret works, and the token is listed under the sub-tenant (without any secret)
    assert created["apiToken"]["expiresAt"] is not None
    await gql.as_token(created["secret"]).ok("query { endpoints(first: 1) { totalCount } }")
    listed = (await manager.ok(LIST, {"tenant": acme, "recurse": True}))["apiTokens"]
    assert created["apiToken"]["uuid"] in [e["node"]["uuid"] for e in listed["edges"]]
    assert created["secret"] not in str(listed)

    # and revoking it stops it at once
    revoked = (await manager.ok(REVOKE, {"uuid": created["apiToken"]["uuid"]}))["revokeApiToken"]
    assert revoked["revokedAt"] is not None
    error = await gql.as_token(created["secret"]).error("query { endpoints(first: 1) { totalCount } }")
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_no_privilege_escalation(world: World, gql: GraphQLClient) -> None:
    # given a manager token without sip:write
    acme = await tenant(gql, "Acme")
    manager = gql.as_token(await token_for(world, acme, "tenants:read,tenants:write"))

    # then it cannot create a token with sip:write, nor with "*"
    for scopes in (["sip:write"], ["*"]):
        error = await manager.error(CREATE, {"input": {"tenantUuid": acme, "scopes": scopes}})
        assert error["extensions"]["code"] == "FORBIDDEN", scopes


async def test_other_tenants_tokens_do_not_exist(world: World, gql: GraphQLClient) -> None:
    # given two sibling tenants; the first has a manager token, the second a token
    acme = await tenant(gql, "Acme")
    other = await tenant(gql, "Other")
    manager = gql.as_token(await token_for(world, acme, "tenants:read,tenants:write"))
    victim = (await gql.ok(CREATE, {"input": {"tenantUuid": other, "scopes": ["sip:read"]}}))["createApiToken"]

    # then the manager can neither create a token for, list, nor revoke in the other tenant
    error = await manager.error(CREATE, {"input": {"tenantUuid": other, "scopes": ["tenants:read"]}})
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert (await manager.error(LIST, {"tenant": other}))["extensions"]["code"] == "NOT_FOUND"
    assert (await manager.error(REVOKE, {"uuid": victim["apiToken"]["uuid"]}))["extensions"]["code"] == "NOT_FOUND"
    await gql.as_token(victim["secret"]).ok("query { endpoints(first: 1) { totalCount } }")


async def test_managing_tokens_needs_tenants_write(world: World, gql: GraphQLClient) -> None:
    acme = await tenant(gql, "Acme")
    reader = gql.as_token(await token_for(world, acme, "tenants:read,sip:read"))
    assert (await reader.error(LIST, {"tenant": acme}))["extensions"]["code"] == "FORBIDDEN"
    error = await reader.error(CREATE, {"input": {"tenantUuid": acme, "scopes": ["sip:read"]}})
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_expiry_errors_name_the_input_field_that_exists(world: World, gql: GraphQLClient) -> None:
    acme = await tenant(gql, "Expiring")
    both = {"tenantUuid": acme, "scopes": ["sip:read"], "expiresInSeconds": 60, "expiresAt": "2030-01-01T00:00:00Z"}
    for given in (both, {"tenantUuid": acme, "scopes": ["sip:read"], "expiresInSeconds": 0}):
        error = await gql.error(CREATE, {"input": given})
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (
            "BAD_USER_INPUT",
            "input.expiresInSeconds",
        )
