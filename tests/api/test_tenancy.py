"""Tenancy and access (DOMAIN.md §6): who sees what, and what another tenant's objects look like.

A caller sees its tenant and that tenant's descendants; everything else does not
exist for it (NOT_FOUND, never FORBIDDEN), and a refused write changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.services.tokens import create_token
from tests.conftest import GraphQLClient, World

TENANT_SCOPES = "tenants:read,tenants:write,sip:read,sip:write"

# --- documents used to build the world ----------------------------------------------------------

CREATE_TENANT = """
mutation($name: String!, $parent: UUID) {
  createTenant(input: {name: $name, parentUuid: $parent, withDefaultTemplates: false}) { tenant { uuid } }
}
"""

CREATE_TEMPLATE_AND_ENDPOINT = """
mutation($tenant: UUID!, $endpoint: String!) {
  createTemplate(input: {tenantUuid: $tenant, name: "base", options: {endpoint: [{key: "dtmf_mode", value: "rfc4733"}]}}) {
    template { uuid }
  }
  createEndpoint(input: {tenantUuid: $tenant, name: $endpoint, options: {aor: [{key: "max_contacts", value: "1"}]}}) {
    endpoint { uuid }
  }
}
"""

# What the root admin sees of a tenant: compared before and after a refused write.
SNAPSHOT = """
query($tenant: UUID!, $template: UUID!, $endpoint: UUID!) {
  tenant(uuid: $tenant) { name children { uuid } }
  template(uuid: $template) { revision label parents { uuid } own { endpoint { key value } } }
  endpoint(uuid: $endpoint) { revision label parents { uuid } own { endpoint { key value } } }
  templates(tenantUuid: $tenant) { edges { node { uuid } } }
  endpoints(tenantUuid: $tenant) { edges { node { uuid } } }
  sorceryUpdates(first: 500) { seq }
}
"""

# --- the operations of the matrix, each aimed at a target tenant ---------------------------------

READ_TENANT = "query($uuid: UUID!) { tenant(uuid: $uuid) { uuid } }"
UPDATE_TENANT = 'mutation($uuid: UUID!) { updateTenant(uuid: $uuid, input: {name: "Renamed"}) { tenant { name } } }'
READ_TEMPLATE = "query($uuid: UUID!) { template(uuid: $uuid) { uuid } }"
READ_ENDPOINT = "query($uuid: UUID!) { endpoint(uuid: $uuid) { uuid } }"
UPDATE_TEMPLATE = """
mutation($uuid: UUID!) {
  updateTemplate(uuid: $uuid, input: {label: "changed", options: {endpoint: [{key: "dtmf_mode", value: "info"}]}}) {
    template { label revision }
  }
}
"""
UPDATE_ENDPOINT = """
mutation($uuid: UUID!) {
  updateEndpoint(uuid: $uuid, input: {label: "changed", options: {endpoint: [{key: "dtmf_mode", value: "info"}]}}) {
    endpoint { label revision }
  }
}
"""
DELETE_TEMPLATE = "mutation($uuid: UUID!) { deleteTemplate(uuid: $uuid) { uuid } }"
DELETE_ENDPOINT = "mutation($uuid: UUID!) { deleteEndpoint(uuid: $uuid) { uuid } }"
CREATE_TEMPLATE_IN = """
mutation($tenant: UUID!) { createTemplate(input: {tenantUuid: $tenant, name: "extra"}) { template { tenant { uuid } } } }
"""
CREATE_ENDPOINT_IN = """
mutation($tenant: UUID!) { createEndpoint(input: {tenantUuid: $tenant}) { endpoint { tenant { uuid } } } }
"""
CREATE_SUBTENANT_IN = """
mutation($tenant: UUID!) { createTenant(input: {name: "Sub", parentUuid: $tenant}) { tenant { parent { uuid } } } }
"""
LIST_ENDPOINTS_OF = "query($tenant: UUID!) { endpoints(tenantUuid: $tenant) { edges { node { uuid } } } }"
LIST_TEMPLATES_OF = "query($tenant: UUID!) { templates(tenantUuid: $tenant) { edges { node { uuid } } } }"
LIST_INHERITORS_OF = "query($template: UUID!) { endpoints(inheritsFrom: $template) { totalCount } }"

CREATE_ENDPOINT_WITH_PARENT = """
mutation($tenant: UUID!, $parent: UUID!) {
  createEndpoint(input: {tenantUuid: $tenant, parentUuids: [$parent]}) { endpoint { parents { uuid } } }
}
"""
UPDATE_ENDPOINT_PARENTS = """
mutation($uuid: UUID!, $parent: UUID!) {
  updateEndpoint(uuid: $uuid, input: {parentUuids: [$parent]}) { endpoint { parents { uuid } } }
}
"""

# --- lists and the tenant tree --------------------------------------------------------------------

LISTS = """
query($recurse: Boolean) {
  endpoints(recurse: $recurse) { totalCount edges { node { uuid } } }
  templates(recurse: $recurse) { totalCount edges { node { uuid } } }
  tenants(recurse: $recurse) { totalCount edges { node { uuid } } }
}
"""
LISTS_OF_TENANT = """
query($tenant: UUID!) {
  endpoints(tenantUuid: $tenant, recurse: true) { edges { node { uuid } } }
  templates(tenantUuid: $tenant, recurse: true) { edges { node { uuid } } }
}
"""
TENANT_TREE = "query($uuid: UUID!) { tenant(uuid: $uuid) { parent { uuid } children { uuid } } }"
DELETE_TENANT = "mutation($uuid: UUID!) { deleteTenant(uuid: $uuid) { uuid } }"

# --- engine objects -------------------------------------------------------------------------------

ENGINE = "{ engine { globalOptions { key value } transports { uuid name options { key value } } } }"
SET_ENGINE_OPTIONS = """
mutation { setEngineOptions(globalOptions: [{key: "user_agent", value: "pbx"}]) { globalOptions { key value } } }
"""
CREATE_TRANSPORT = """
mutation($name: String!) {
  createTransport(name: $name, options: [{key: "protocol", value: "udp"}, {key: "bind", value: "0.0.0.0:5070"}]) {
    uuid name
  }
}
"""
UPDATE_TRANSPORT = """
mutation($uuid: UUID!) { updateTransport(uuid: $uuid, name: "transport-renamed") { uuid name } }
"""
DELETE_TRANSPORT = "mutation($uuid: UUID!) { deleteTransport(uuid: $uuid) { uuid } }"

# --- authentication and scopes --------------------------------------------------------------------

ENDPOINTS = "{ endpoints { totalCount } }"
CREATE_ENDPOINT = "mutation { createEndpoint(input: {}) { endpoint { uuid } } }"


# --- helpers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One tenant of the test tree, with the objects created in it and a token of its own."""

    key: str
    uuid: str
    template: str
    endpoint: str
    client: GraphQLClient


async def new_token(world: World, tenant_uuid: str, scopes: str) -> str:
    from uuid import UUID

    async with world.db.writing() as session:
        return await create_token(session, tenant_uuid=UUID(tenant_uuid), scopes=scopes)


async def new_tenant(admin: GraphQLClient, name: str, parent: str | None = None) -> str:
    data = await admin.ok(CREATE_TENANT, {"name": name, "parent": parent})
    uuid: str = data["createTenant"]["tenant"]["uuid"]
    return uuid


async def new_member(world: World, admin: GraphQLClient, key: str, parent: str | None) -> Member:
    uuid = await new_tenant(admin, f"Tenant {key}", parent)
    data = await admin.ok(CREATE_TEMPLATE_AND_ENDPOINT, {"tenant": uuid, "endpoint": f"ep-{key.lower()}"})
    token = await new_token(world, uuid, TENANT_SCOPES)
    return Member(
        key=key,
        uuid=uuid,
        template=data["createTemplate"]["template"]["uuid"],
        endpoint=data["createEndpoint"]["endpoint"]["uuid"],
        client=admin.as_token(token),
    )


async def build_tree(world: World, admin: GraphQLClient) -> dict[str, Member]:
    """Parent tenant P (under the root) with two sibling sub-tenants A and B, each with a template and an endpoint."""
    p = await new_member(world, admin, "P", None)
    a = await new_member(world, admin, "A", p.uuid)
    b = await new_member(world, admin, "B", p.uuid)
    return {"P": p, "A": a, "B": b}


async def snapshot(admin: GraphQLClient, target: Member) -> dict[str, Any]:
    return await admin.ok(SNAPSHOT, {"tenant": target.uuid, "template": target.template, "endpoint": target.endpoint})


def uuids(connection: dict[str, Any]) -> set[str]:
    return {edge["node"]["uuid"] for edge in connection["edges"]}


# --- the matrix -----------------------------------------------------------------------------------

# Whom each actor can see: itself and its descendants.
SEES = {"P": {"P", "A", "B"}, "A": {"A"}, "B": {"B"}}
PAIRS = [(actor, target) for actor in ("P", "A", "B") for target in ("P", "A", "B")]
PAIR_IDS = [f"{actor}-on-{target}" for actor, target in PAIRS]


@dataclass(frozen=True)
class Op:
    """One operation against a target tenant: its document, variables and what success looks like."""

    name: str
    document: str
    variables: Callable[[Member], dict[str, Any]]
    succeeded: Callable[[dict[str, Any], Member], bool]


OPS = [
    Op("read-tenant", READ_TENANT, lambda t: {"uuid": t.uuid}, lambda d, t: d["tenant"]["uuid"] == t.uuid),
    Op(
        "update-tenant",
        UPDATE_TENANT,
        lambda t: {"uuid": t.uuid},
        lambda d, t: d["updateTenant"]["tenant"]["name"] == "Renamed",
    ),
    Op(
        "read-template", READ_TEMPLATE, lambda t: {"uuid": t.template}, lambda d, t: d["template"]["uuid"] == t.template
    ),
    Op(
        "read-endpoint", READ_ENDPOINT, lambda t: {"uuid": t.endpoint}, lambda d, t: d["endpoint"]["uuid"] == t.endpoint
    ),
    Op(
        "update-template",
        UPDATE_TEMPLATE,
        lambda t: {"uuid": t.template},
        lambda d, t: d["updateTemplate"]["template"]["label"] == "changed",
    ),
    Op(
        "update-endpoint",
        UPDATE_ENDPOINT,
        lambda t: {"uuid": t.endpoint},
        lambda d, t: d["updateEndpoint"]["endpoint"]["label"] == "changed",
    ),
    Op(
        "delete-template",
        DELETE_TEMPLATE,
        lambda t: {"uuid": t.template},
        lambda d, t: d["deleteTemplate"]["uuid"] == t.template,
    ),
    Op(
        "delete-endpoint",
        DELETE_ENDPOINT,
        lambda t: {"uuid": t.endpoint},
        lambda d, t: d["deleteEndpoint"]["uuid"] == t.endpoint,
    ),
    Op(
        "create-template-in",
        CREATE_TEMPLATE_IN,
        lambda t: {"tenant": t.uuid},
        lambda d, t: d["createTemplate"]["template"]["tenant"]["uuid"] == t.uuid,
    ),
    Op(
        "create-endpoint-in",
        CREATE_ENDPOINT_IN,
        lambda t: {"tenant": t.uuid},
        lambda d, t: d["createEndpoint"]["endpoint"]["tenant"]["uuid"] == t.uuid,
    ),
    Op(
        "create-subtenant-in",
        CREATE_SUBTENANT_IN,
        lambda t: {"tenant": t.uuid},
        lambda d, t: d["createTenant"]["tenant"]["parent"]["uuid"] == t.uuid,
    ),
    Op(
        "list-endpoints-of",
        LIST_ENDPOINTS_OF,
        lambda t: {"tenant": t.uuid},
        lambda d, t: uuids(d["endpoints"]) == {t.endpoint},
    ),
    Op(
        "list-templates-of",
        LIST_TEMPLATES_OF,
        lambda t: {"tenant": t.uuid},
        lambda d, t: uuids(d["templates"]) == {t.template},
    ),
    Op(
        "list-inheritors-of",
        LIST_INHERITORS_OF,
        lambda t: {"template": t.template},
        lambda d, t: d["endpoints"]["totalCount"] == 0,
    ),
]


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
@pytest.mark.parametrize(("actor", "target"), PAIRS, ids=PAIR_IDS)
async def test_a_caller_reaches_its_tenant_and_descendants_and_nothing_else(
    world: World, gql: GraphQLClient, actor: str, target: str, op: Op
) -> None:
    # given P with sub-tenants A and B, each with a template, an endpoint and a token
    tree = await build_tree(world, gql)
    victim = tree[target]
    before = await snapshot(gql, victim)

    # when the actor aims the operation at the target tenant
    body = await tree[actor].client.post(op.document, op.variables(victim))

    # then it works on its own tenant and its descendants, and the rest does not exist for it
    if target in SEES[actor]:
        assert not body.get("errors"), body["errors"]
        assert op.succeeded(body["data"], victim), body["data"]
    else:
        assert body.get("errors"), f"expected NOT_FOUND, got {body}"
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body["errors"]
        assert body["data"] is None or not any(body["data"].values()), body["data"]
        # and nothing changed: not the target's objects, not the recorded Sorcery updates
        assert await snapshot(gql, victim) == before


@pytest.mark.parametrize("use", ["create", "update"])
@pytest.mark.parametrize(("actor", "owner"), PAIRS, ids=[f"{a}-uses-{o}" for a, o in PAIRS])
async def test_parents_come_from_the_configurations_own_tenant_only(
    world: World, gql: GraphQLClient, actor: str, owner: str, use: str
) -> None:
    # given the tree, and a template of `owner`
    tree = await build_tree(world, gql)
    me, parent = tree[actor], tree[owner].template
    before = await snapshot(gql, me)

    # when the actor gives it as a parent to an endpoint of its own tenant
    if use == "create":
        body = await me.client.post(CREATE_ENDPOINT_WITH_PARENT, {"tenant": me.uuid, "parent": parent})
    else:
        body = await me.client.post(UPDATE_ENDPOINT_PARENTS, {"uuid": me.endpoint, "parent": parent})

    # then only a template of the same tenant is accepted: even P cannot use its sub-tenant's template
    if actor == owner:
        assert not body.get("errors"), body["errors"]
        payload = body["data"]["createEndpoint" if use == "create" else "updateEndpoint"]
        assert payload["endpoint"]["parents"] == [{"uuid": parent}]
    else:
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["extensions"]["field"] == "input.parentUuids[0]", error
        assert await snapshot(gql, me) == before


async def test_an_ancestor_uses_a_descendants_template_for_an_endpoint_in_that_descendant(
    world: World, gql: GraphQLClient
) -> None:
    # given the tree
    tree = await build_tree(world, gql)
    a = tree["A"]

    # when P creates an endpoint in A that inherits from A's template
    data = await tree["P"].client.ok(CREATE_ENDPOINT_WITH_PARENT, {"tenant": a.uuid, "parent": a.template})

    # then the parent is in the endpoint's tenant, so it is accepted
    assert data["createEndpoint"]["endpoint"]["parents"] == [{"uuid": a.template}]


@pytest.mark.parametrize(("actor", "target"), [("A", "B"), ("B", "A"), ("A", "P"), ("B", "P")])
async def test_deleting_another_tenant_is_not_found_and_deletes_nothing(
    world: World, gql: GraphQLClient, actor: str, target: str
) -> None:
    # given the tree
    tree = await build_tree(world, gql)
    before = await snapshot(gql, tree[target])

    # when a tenant tries to delete a tenant it cannot see
    error = await tree[actor].client.error(DELETE_TENANT, {"uuid": tree[target].uuid})

    # then that tenant does not exist for it, and it is still there
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert await snapshot(gql, tree[target]) == before


async def test_a_parent_tenant_deletes_a_sub_tenant(world: World, gql: GraphQLClient) -> None:
    # given the tree
    tree = await build_tree(world, gql)
    a = tree["A"]

    # when P deletes A
    await tree["P"].client.ok(DELETE_TENANT, {"uuid": a.uuid})

    # then A, its configurations and its tokens are gone; B is untouched
    assert (await gql.error(READ_TENANT, {"uuid": a.uuid}))["extensions"]["code"] == "NOT_FOUND"
    assert (await gql.error(READ_ENDPOINT, {"uuid": a.endpoint}))["extensions"]["code"] == "NOT_FOUND"
    assert (await a.client.error(ENDPOINTS))["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await gql.ok(READ_ENDPOINT, {"uuid": tree["B"].endpoint}))["endpoint"]


# --- lists ----------------------------------------------------------------------------------------


async def test_lists_default_to_the_callers_tenant_and_recurse_adds_descendants(
    world: World, gql: GraphQLClient
) -> None:
    # given the tree
    tree = await build_tree(world, gql)
    p, a, b = tree["P"], tree["A"], tree["B"]

    # when P and A list without and with recurse
    p_flat = await p.client.ok(LISTS, {"recurse": False})
    p_deep = await p.client.ok(LISTS, {"recurse": True})
    a_flat = await a.client.ok(LISTS, {"recurse": False})
    a_deep = await a.client.ok(LISTS, {"recurse": True})

    # then without recurse a list holds the caller's tenant only; recurse adds its descendants, never more
    assert uuids(p_flat["endpoints"]) == {p.endpoint}
    assert uuids(p_flat["templates"]) == {p.template}
    assert uuids(p_flat["tenants"]) == {p.uuid}
    assert uuids(p_deep["endpoints"]) == {p.endpoint, a.endpoint, b.endpoint}
    assert uuids(p_deep["templates"]) == {p.template, a.template, b.template}
    assert uuids(p_deep["tenants"]) == {p.uuid, a.uuid, b.uuid}
    assert p_deep["endpoints"]["totalCount"] == 3
    for listing in (a_flat, a_deep):
        assert uuids(listing["endpoints"]) == {a.endpoint}
        assert uuids(listing["templates"]) == {a.template}
        assert uuids(listing["tenants"]) == {a.uuid}
        assert listing["tenants"]["totalCount"] == 1


async def test_tenants_lists_descendants_by_default(world: World, gql: GraphQLClient) -> None:
    # given the tree
    tree = await build_tree(world, gql)

    # when P lists tenants without arguments (the schema's default is recurse: true)
    data = await tree["P"].client.ok("{ tenants { edges { node { uuid } } } }")

    # then it sees itself and its sub-tenants
    assert uuids(data["tenants"]) == {m.uuid for m in tree.values()}


async def test_recurse_from_a_descendant_stays_inside_it(world: World, gql: GraphQLClient) -> None:
    # given the tree
    tree = await build_tree(world, gql)
    a = tree["A"]

    # when P lists A's configurations with recurse
    data = await tree["P"].client.ok(LISTS_OF_TENANT, {"tenant": a.uuid})

    # then only A's subtree is listed, not P's or B's
    assert uuids(data["endpoints"]) == {a.endpoint}
    assert uuids(data["templates"]) == {a.template}


async def test_the_root_admin_lists_every_tenant_recursively(world: World, gql: GraphQLClient) -> None:
    # given the tree
    tree = await build_tree(world, gql)

    # when the root admin lists with recurse
    data = await gql.ok(LISTS, {"recurse": True})

    # then the tree's configurations are all there (beside the root's default templates)
    assert {m.endpoint for m in tree.values()} <= uuids(data["endpoints"])
    assert {m.template for m in tree.values()} <= uuids(data["templates"])
    assert {m.uuid for m in tree.values()} <= uuids(data["tenants"])


async def test_a_sub_tenant_does_not_see_its_parent_in_the_tree(world: World, gql: GraphQLClient) -> None:
    # given the tree
    tree = await build_tree(world, gql)
    p, a, b = tree["P"], tree["A"], tree["B"]

    # when A and P look at their own tenant
    seen_by_a = (await a.client.ok(TENANT_TREE, {"uuid": a.uuid}))["tenant"]
    seen_by_p = (await p.client.ok(TENANT_TREE, {"uuid": p.uuid}))["tenant"]

    # then A's parent does not exist for A, and P's parent (the root) does not exist for P
    assert seen_by_a == {"parent": None, "children": []}
    assert seen_by_p["parent"] is None
    assert {c["uuid"] for c in seen_by_p["children"]} == {a.uuid, b.uuid}


# --- engine objects -------------------------------------------------------------------------------


async def engine_setup(world: World, admin: GraphQLClient, scopes: str, *, root: bool) -> tuple[GraphQLClient, str]:
    """A token with these scopes (of the root tenant or of a sub-tenant) and a transport it may target."""
    if root:
        tenant = (await admin.ok("{ tenants(recurse: false) { edges { node { uuid } } } }"))["tenants"]["edges"][0]
        tenant_uuid = tenant["node"]["uuid"]
    else:
        tenant_uuid = await new_tenant(admin, "Customer")
    client = admin.as_token(await new_token(world, tenant_uuid, scopes))
    transport = (await admin.ok(CREATE_TRANSPORT, {"name": "transport-extra"}))["createTransport"]["uuid"]
    return client, transport


ENGINE_OPS = [
    ("set-engine-options", SET_ENGINE_OPTIONS, False),
    ("create-transport", CREATE_TRANSPORT, False),
    ("update-transport", UPDATE_TRANSPORT, True),
    ("delete-transport", DELETE_TRANSPORT, True),
]


@pytest.mark.parametrize(("name", "document", "needs_uuid"), ENGINE_OPS, ids=[o[0] for o in ENGINE_OPS])
@pytest.mark.parametrize(
    ("scopes", "root"),
    [("*", False), ("tenants:write,sip:write,engine:admin", False), ("tenants:write,sip:read,sip:write", True)],
    ids=["sub-tenant-star", "sub-tenant-engine-admin", "root-without-engine-admin"],
)
async def test_engine_objects_are_forbidden_without_the_root_engine_admin_scope(
    world: World, gql: GraphQLClient, scopes: str, root: bool, name: str, document: str, needs_uuid: bool
) -> None:
    # given a token that is not the root tenant's engine admin, and an existing transport
    client, transport = await engine_setup(world, gql, scopes, root=root)
    before = await gql.ok(ENGINE)
    updates_before = await gql.ok("{ sorceryUpdates(first: 500) { seq } }")

    # when it changes engine objects
    variables = {"uuid": transport} if needs_uuid else {"name": "transport-other"}
    error = await client.error(document, variables)

    # then it is forbidden and the engine is unchanged
    assert error["extensions"]["code"] == "FORBIDDEN", error
    assert await gql.ok(ENGINE) == before
    assert await gql.ok("{ sorceryUpdates(first: 500) { seq } }") == updates_before


async def test_the_root_admin_changes_engine_objects(world: World, gql: GraphQLClient) -> None:
    # given the root admin token (scope "*")

    # when it sets global options and creates, renames and deletes a transport
    options = (await gql.ok(SET_ENGINE_OPTIONS))["setEngineOptions"]["globalOptions"]
    created = (await gql.ok(CREATE_TRANSPORT, {"name": "transport-extra"}))["createTransport"]
    renamed = (await gql.ok(UPDATE_TRANSPORT, {"uuid": created["uuid"]}))["updateTransport"]
    deleted = (await gql.ok(DELETE_TRANSPORT, {"uuid": created["uuid"]}))["deleteTransport"]

    # then each change is made
    assert options == [{"key": "user_agent", "value": "pbx"}]
    assert renamed == {"uuid": created["uuid"], "name": "transport-renamed"}
    assert deleted["uuid"] == created["uuid"]
    engine = (await gql.ok(ENGINE))["engine"]
    assert engine["globalOptions"] == options
    assert created["uuid"] not in {t["uuid"] for t in engine["transports"]}


# --- authentication and scopes --------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "pjg_unknown-token"], ids=["missing", "unknown"])
@pytest.mark.parametrize("document", [ENDPOINTS, CREATE_ENDPOINT], ids=["query", "mutation"])
async def test_a_caller_without_a_valid_token_is_unauthenticated(
    gql: GraphQLClient, token: str | None, document: str
) -> None:
    # given no token, or a token the server never issued
    client = gql.as_token(token)

    # when it reads or writes
    error = await client.error(document)

    # then it is told to authenticate
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("scopes", "document"),
    [
        ("sip:read", CREATE_ENDPOINT),
        ("tenants:read,tenants:write,secrets:read", CREATE_ENDPOINT),
        ("sip:write", ENDPOINTS),
        ("tenants:read", ENDPOINTS),
    ],
    ids=["create-without-sip-write", "create-with-other-scopes", "read-without-sip-read", "read-with-other-scopes"],
)
async def test_a_token_lacking_the_scope_is_forbidden(
    world: World, gql: GraphQLClient, scopes: str, document: str
) -> None:
    # given a tenant token without the scope the operation needs
    tenant = await new_tenant(gql, "Customer")
    client = gql.as_token(await new_token(world, tenant, scopes))

    # when it calls the operation
    error = await client.error(document)

    # then it is forbidden (the scope is missing; nothing about existence is involved)
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_a_token_without_sip_read_cannot_read_an_endpoint_it_owns(world: World, gql: GraphQLClient) -> None:
    # given an endpoint of a tenant whose token only writes
    tenant = await new_tenant(gql, "Customer")
    writer = gql.as_token(await new_token(world, tenant, "sip:write"))
    endpoint = (await writer.ok(CREATE_ENDPOINT))["createEndpoint"]["endpoint"]["uuid"]

    # when it reads the endpoint by uuid
    error = await writer.error(READ_ENDPOINT, {"uuid": endpoint})

    # then it is forbidden
    assert error["extensions"]["code"] == "FORBIDDEN"
