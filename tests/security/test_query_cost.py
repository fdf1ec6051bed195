"""Operations are costed before they run; lists that grow with the data are bounded."""

from __future__ import annotations

from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, new_tenant, token_for
from tests.security.conftest import ClientWith

NESTED_LISTS = """
{ templates(first: 50) { edges { node {
    children { ... on SipEndpoint { parents { children { uuid name } } } }
} } } }
"""


async def test_an_operation_over_the_budget_is_refused_with_its_cost(gql: GraphQLClient, world: World) -> None:
    # given a tenant's sip:read token
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Reader")
    reader = gql.as_token(await token_for(world.db, tenant, "sip:read"))

    # when it sends nested lists whose sizes multiply
    body = await reader.post(NESTED_LISTS)

    # then nothing runs, and the answer says why and how much
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"] == world.settings.max_query_cost
    # while a page of 100 with its resolved options is within the budget
    await reader.ok(
        "{ endpoints(first: 100) { edges { node { name resolved { endpoint { key value origin { name } } } } } } }"
    )


async def test_the_budget_is_a_setting(client_with: ClientWith) -> None:
    async with client_with(max_query_cost=10) as client:
        error = await client.error("{ templates(first: 20) { edges { node { uuid } } } }")
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        await client.ok("{ templates(first: 2) { edges { node { uuid } } } }")


async def test_children_lists_are_bounded(client_with: ClientWith) -> None:
    async with client_with(max_list_items=2) as client:
        # given a default template with its several children (the tenants' own templates)
        await client.ok('mutation { createTenant(input: {name: "One"}) { tenant { uuid } } }')
        data = await client.ok(
            "{ templates(recurse: true, first: 50) { edges { node { name children { uuid } } } } "
            "tenants(first: 1) { edges { node { children { uuid } } } } }"
        )
        sizes = [len(e["node"]["children"]) for e in data["templates"]["edges"]]
        # then no list is longer than the bound, and `first` picks fewer
        assert max(sizes) == 2
        one = await client.ok("{ tenants(first: 1) { edges { node { children(first: 1) { uuid } } } } }")
        assert len(one["tenants"]["edges"][0]["node"]["children"]) <= 1
        error = await client.error("{ tenants(first: 1) { edges { node { children(first: 3) { uuid } } } } }")
        assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_pages_cost_what_they_can_return_whichever_way_they_are_asked(client_with: ClientWith) -> None:
    # A page of 50 costs 50 × 4 (the list, its edge or node and two fields), however it is asked for.
    async with client_with(max_query_cost=200) as client:
        for page in ("", "(first: 50)", "(last: 50)", "(first: null, last: 50)"):
            await client.ok(f"{{ templates{page} {{ edges {{ node {{ uuid }} }} }} }}")
            await client.ok(f"{{ templates{page} {{ nodes {{ uuid name }} }} }}")
        for page in ("(first: 60)", "(last: 60)"):
            error = await client.error(f"{{ templates{page} {{ edges {{ node {{ uuid }} }} }} }}")
            assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        # a variable counts by its value, an absent one as not given, a default by its value
        query = "query($n: Int) { templates(last: $n) { nodes { uuid name } } }"
        await client.ok(query, {"n": 50})
        assert (await client.error(query, {"n": 60}))["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        await client.ok(query)
        with_default = "query($n: Int = 60) { templates(first: $n) { nodes { uuid name } } }"
        assert (await client.error(with_default))["extensions"]["code"] == "QUERY_TOO_COMPLEX"
