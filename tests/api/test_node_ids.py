"""Global ids: unique across the schema, refetchable with node(id:), and never a way into another tenant."""

from __future__ import annotations

import base64
from typing import Any

from app.domain.sections import Section
from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant, token_for

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Tenant { uuid name }
    ... on SipConfig { uuid name }
    ... on Engine { uuid name }
    ... on Transport { uuid name }
  }
}
"""


async def _objects(gql: GraphQLClient, tenant: str, endpoint: str) -> list[dict[str, Any]]:
    data = await gql.ok(
        """
        query($t: UUID!, $e: UUID!) {
          tenant(uuid: $t) { __typename id uuid defaultTemplates { general { __typename id uuid } } }
          endpoint(uuid: $e) { __typename id uuid }
          engine { __typename id uuid transports { __typename id uuid } }
        }
        """,
        {"t": tenant, "e": endpoint},
    )
    return [
        {k: v for k, v in data["tenant"].items() if k != "defaultTemplates"},
        data["tenant"]["defaultTemplates"]["general"],
        data["endpoint"],
        {k: v for k, v in data["engine"].items() if k != "transports"},
        *data["engine"]["transports"],
    ]


async def test_every_identified_object_has_a_unique_id_that_node_refetches(world: World, gql: GraphQLClient) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Nodes")
    general = await default_template(world.db, tenant, "general")
    line = await new_endpoint(world.db, admin, tenant, "node-line", [general.uuid])
    objects = await _objects(gql, str(tenant), str(line.uuid))
    assert {o["__typename"] for o in objects} == {"Tenant", "SipTemplate", "SipEndpoint", "Engine", "Transport"}
    ids = [o["id"] for o in objects]
    assert len(set(ids)) == len(ids)
    for expected in objects:
        found = (await gql.ok(NODE, {"id": expected["id"]}))["node"]
        assert (found["__typename"], found["id"], found["uuid"]) == (
            expected["__typename"],
            expected["id"],
            expected["uuid"],
        )
    both = await gql.ok("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [ids[2], "nonsense", ids[0]]})
    assert both["nodes"] == [{"id": ids[2]}, None, {"id": ids[0]}]


async def test_another_tenants_ids_and_malformed_ids_are_simply_not_found(world: World, gql: GraphQLClient) -> None:
    admin = await caller_for(world.db, world.admin_token)
    mine = await new_tenant(world.db, admin, "Mine")
    theirs = await new_tenant(world.db, admin, "Theirs")
    their_line = await new_endpoint(
        world.db, admin, theirs, "their-line", [], {Section.AUTH: (("username", "x"), ("password", "s3cret"))}
    )
    my_line = await new_endpoint(world.db, admin, mine, "my-line", [])
    their_ids = await _objects(gql, str(theirs), str(their_line.uuid))
    my_ids = await _objects(gql, str(mine), str(my_line.uuid))
    tenant_token = await token_for(world.db, mine, "tenants:read,sip:read")
    as_tenant = gql.as_token(tenant_token)
    for other in their_ids[:3]:  # their tenant, template and endpoint
        assert (await as_tenant.ok(NODE, {"id": other["id"]}))["node"] is None
    for own in my_ids[:3]:
        assert (await as_tenant.ok(NODE, {"id": own["id"]}))["node"]["uuid"] == own["uuid"]
    forged = base64.urlsafe_b64encode(f"SipEndpoint:{their_line.uuid}".encode()).decode()
    assert forged == their_ids[2]["id"]  # even a well-formed id of another tenant's object
    assert (await as_tenant.ok(NODE, {"id": forged}))["node"] is None
    for junk in ["", "not base64 !", base64.b64encode(b"Nothing:x").decode(), "U2lwRW5kcG9pbnQ6\x00"]:
        assert (await as_tenant.ok(NODE, {"id": junk}))["node"] is None


async def test_nodes_takes_a_bounded_list(gql: GraphQLClient) -> None:
    error = await gql.error("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["x"] * 501})
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "at most 500" in error["message"]
