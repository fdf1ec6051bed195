"""The conventions frontends rely on: backward paging, `nodes`, enums, unique Sorcery object ids, clear errors."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.sections import Section
from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant, token_for

ENDPOINTS = """
query($t: UUID!, $first: Int, $after: String, $last: Int, $before: String, $dir: OrderDirection) {
  endpoints(tenantUuid: $t, first: $first, after: $after, last: $last, before: $before, direction: $dir) {
    edges { cursor node { name } }
    nodes { name }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def _lines(world: World, count: int) -> str:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Paging")
    for i in range(count):
        await new_endpoint(world.db, admin, tenant, f"line-{i:02}", [])
    return str(tenant)


async def _page(gql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    page: dict[str, Any] = (await gql.ok(ENDPOINTS, variables))["endpoints"]
    assert page["nodes"] == [e["node"] for e in page["edges"]]
    return page


def _names(page: dict[str, Any]) -> list[str]:
    return [n["name"] for n in page["nodes"]]


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_last_and_before_walk_a_list_backwards_to_the_same_pages(
    world: World, gql: GraphQLClient, direction: str
) -> None:
    tenant = await _lines(world, 7)
    forward = _names(await _page(gql, t=tenant, first=50, dir=direction))
    assert forward == sorted(forward, reverse=direction == "DESC")

    # the last three, then the three before them, then what remains
    walked: list[str] = []
    before = None
    pages = []
    while True:
        page = await _page(gql, t=tenant, last=3, before=before, dir=direction)
        pages.append(page)
        walked = _names(page) + walked
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert walked == forward
    assert [len(p["nodes"]) for p in pages] == [3, 3, 1]
    assert pages[0]["pageInfo"]["hasNextPage"] is False
    assert pages[1]["pageInfo"]["hasNextPage"] is True

    # after and before together bound a range
    edges = (await _page(gql, t=tenant, first=50, dir=direction))["edges"]
    middle = await _page(gql, t=tenant, after=edges[1]["cursor"], before=edges[5]["cursor"], dir=direction)
    assert _names(middle) == forward[2:5]


async def test_first_and_last_together_are_refused(world: World, gql: GraphQLClient) -> None:
    tenant = await _lines(world, 1)
    error = await gql.error(ENDPOINTS, {"t": tenant, "first": 2, "last": 2})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "last"
    error = await gql.error(ENDPOINTS, {"t": tenant, "last": 501})
    assert error["extensions"]["field"] == "last"
    error = await gql.error(ENDPOINTS, {"t": tenant, "last": 1, "before": "not-a-cursor"})
    assert error["extensions"]["field"] == "before"


async def test_tenants_templates_and_tokens_page_backwards_too(world: World, gql: GraphQLClient) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Backwards")
    for i in range(3):
        await token_for(world.db, tenant, "sip:read")
        await new_tenant(world.db, admin, f"Backwards child {i}", parent=tenant)
    data = await gql.ok(
        """
        query($t: UUID!) {
          tenants(last: 2) { nodes { name } pageInfo { hasPreviousPage } }
          all: tenants(first: 500) { nodes { name } }
          templates(tenantUuid: $t, last: 2) { nodes { name } pageInfo { hasPreviousPage } }
          allTemplates: templates(tenantUuid: $t) { nodes { name } }
          apiTokens(tenantUuid: $t, last: 2) { nodes { uuid } pageInfo { hasPreviousPage hasNextPage } }
          allTokens: apiTokens(tenantUuid: $t) { nodes { uuid } }
        }
        """,
        {"t": str(tenant)},
    )
    assert data["tenants"]["nodes"] == data["all"]["nodes"][-2:]
    assert data["templates"]["nodes"] == data["allTemplates"]["nodes"][-2:]
    assert data["templates"]["pageInfo"]["hasPreviousPage"] is True
    assert data["apiTokens"]["nodes"] == data["allTokens"]["nodes"][-2:]
    assert data["apiTokens"]["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": False}


OBJECTS = """
query($e: UUID!) {
  endpoint(uuid: $e) {
    pjsipObjects { __typename id sorceryType sorceryId fields { key value } }
    sorceryObjects { type id }
  }
}
"""
OBJECT_NODE = "query($id: ID!) { node(id: $id) { id ... on PjsipObject { sorceryType sorceryId } } }"


async def test_the_sorcery_objects_of_an_endpoint_have_unique_refetchable_ids(world: World, gql: GraphQLClient) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Objects")
    general = await default_template(world.db, tenant, "general")
    sections = {Section.AUTH: (("username", "alice"), ("password", "s3cret")), Section.AOR: (("max_contacts", "1"),)}
    line = await new_endpoint(world.db, admin, tenant, "alice", [general.uuid], sections)

    endpoint = (await gql.ok(OBJECTS, {"e": str(line.uuid)}))["endpoint"]
    objects = endpoint["pjsipObjects"]
    # the same objects as the deprecated field, in the same order
    assert [(o["sorceryType"].lower(), o["sorceryId"]) for o in objects] == [
        (o["type"], o["id"]) for o in endpoint["sorceryObjects"]
    ]
    assert {o["sorceryType"] for o in objects} >= {"ENDPOINT", "AOR", "AUTH"}
    assert {o["sorceryId"] for o in objects if o["sorceryType"] != "AUTH"} == {"alice"}
    assert len({o["id"] for o in objects}) == len(objects)
    for expected in objects:
        found = (await gql.ok(OBJECT_NODE, {"id": expected["id"]}))["node"]
        assert found == {k: expected[k] for k in ("id", "sorceryType", "sorceryId")}

    # another tenant's token does not find them; a token without the secrets scope sees the password masked
    other = await new_tenant(world.db, admin, "Other")
    outsider = gql.as_token(await token_for(world.db, other, "sip:read"))
    assert (await outsider.ok(OBJECT_NODE, {"id": objects[0]["id"]}))["node"] is None
    reader = gql.as_token(await token_for(world.db, tenant, "sip:read"))
    seen = (await reader.ok(OBJECTS, {"e": str(line.uuid)}))["endpoint"]["pjsipObjects"]
    auth = next(o for o in seen if o["sorceryType"] == "AUTH")
    assert "s3cret" not in str(auth["fields"])


async def test_closed_sets_of_values_are_enums(world: World, gql: GraphQLClient) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Enums")
    await new_endpoint(world.db, admin, tenant, "enum-line", [])
    data = await gql.ok(
        """
        {
          sorceryUpdates(first: 500) { objectType sorceryType }
          optionCatalog(sorceryType: AOR) { name objectType sorceryType type valueType minimum maximum }
          bySection: optionCatalog(section: AOR) { name }
        }
        """
    )
    assert data["sorceryUpdates"]
    assert all(u["sorceryType"] == u["objectType"].upper() for u in data["sorceryUpdates"])
    catalog = {o["name"]: o for o in data["optionCatalog"]}
    assert [o["name"] for o in data["bySection"]] == list(catalog)
    assert all(o["sorceryType"] == "AOR" and o["valueType"] == o["type"].upper() for o in catalog.values())
    assert (catalog["qualify_frequency"]["minimum"], catalog["qualify_frequency"]["maximum"]) == ("0", "86400")
    assert (catalog["max_contacts"]["minimum"], catalog["max_contacts"]["maximum"]) == ("0", "4294967295")
    assert catalog["remove_existing"]["minimum"] is None
    error = await gql.error('{ optionCatalog(sorceryType: AOR, objectType: "aor") { name } }')
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_query_beyond_the_last_recorded_update_is_refused(world: World, gql: GraphQLClient) -> None:
    query = "query($after: Int) { sorceryUpdates(after: $after) { seq } }"
    updates = (await gql.ok("{ sorceryUpdates(first: 500) { seq } }"))["sorceryUpdates"]
    head = updates[-1]["seq"] if updates else 0
    assert (await gql.ok(query, {"after": head}))["sorceryUpdates"] == []
    error = await gql.error(query, {"after": head + 1})
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "after",
        "reason": "AFTER_BEYOND_RECORD",
        "lastSeq": head,
    }


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "no token: send the header 'Authorization: Bearer <token>'"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "the Authorization header is not 'Bearer <token>'"),
        ({"Authorization": "Bearer not-a-real-token"}, "this token is not valid"),
    ],
)
async def test_unauthenticated_says_what_is_wrong_with_the_token(
    world: World, gql: GraphQLClient, headers: dict[str, str], expected: str
) -> None:
    response = await gql.http.post("/graphql", json={"query": "{ tenants { totalCount } }"}, headers=headers)
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"].startswith(expected)


VIEWER = "{ viewer { tokenUuid scopes isOperator tenant { uuid name } } }"


async def test_viewer_says_who_the_token_is_whatever_its_scopes(world: World, gql: GraphQLClient) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Viewer")
    reader = gql.as_token(await token_for(world.db, tenant, "sip:read"))
    seen = (await reader.ok(VIEWER))["viewer"]
    assert (seen["scopes"], seen["isOperator"], seen["tenant"]["uuid"]) == (["sip:read"], False, str(tenant))
    assert seen["tokenUuid"]
    operator = (await gql.ok(VIEWER))["viewer"]
    assert operator["isOperator"] is True
    assert set(operator["scopes"]) >= {"tenants:read", "tenants:write", "sip:read", "sip:write", "engine:admin"}
    assert "*" not in operator["scopes"]
    error = await gql.as_token(None).error(VIEWER)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_catalog_says_which_options_are_secrets(gql: GraphQLClient) -> None:
    data = await gql.ok(
        """
        {
          auth: optionCatalog(section: OUTBOUND_AUTH) { name secret }
          transport: optionCatalog(sorceryType: TRANSPORT) { name secret }
          endpoint: optionCatalog(section: ENDPOINT) { name secret }
        }
        """
    )
    secrets = {kind: {o["name"] for o in options if o["secret"]} for kind, options in data.items()}
    assert secrets == {
        "auth": {"password", "md5_cred", "password_digest", "oauth_secret", "refresh_token"},
        "transport": {"password"},
        "endpoint": set(),
    }
