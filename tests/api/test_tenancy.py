"""Tenancy and access (docs/domain.md §6): who sees what, and what another tenant's objects look like.

A caller sees its tenant and that tenant's descendants; everything else does not
exist for it (NOT_FOUND, never FORBIDDEN), and a refused write changes nothing.

A fresh database per test is the expensive part, so the access matrix runs in one
world: every actor aims every operation at every tenant, and the whole table of
answers is compared with the expected table at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from app.services.tokens import create_token
from tests.conftest import GraphQLClient, World

TENANT_SCOPES = "tenants:read,tenants:write,sip:read,sip:write"

# --- documents that build the world ---------------------------------------------------------------

CREATE_TENANT = """
mutation($name: String!, $parent: UUID) {
  createTenant(input: {name: $name, parentUuid: $parent, withDefaultTemplates: false}) { tenant { uuid } }
}
"""

CREATE_TEMPLATE_AND_ENDPOINT = """
mutation($tenant: UUID!, $template: String!, $endpoint: String!) {
  createTemplate(
    input: {tenantUuid: $tenant, name: $template, options: {endpoint: [{key: "dtmf_mode", value: "inband"}]}}
  ) { template { uuid } }
  createEndpoint(
    input: {tenantUuid: $tenant, name: $endpoint, options: {aor: [{key: "max_contacts", value: "1"}]}}
  ) { endpoint { uuid } }
}
"""

# Everything the root admin sees: compared before and after refused operations.
WHOLE_STATE = """
{
  tenants { edges { node { uuid name children { uuid } } } }
  templates(recurse: true) { edges { node { uuid revision label parents { uuid } own { endpoint { key value } } } } }
  endpoints(recurse: true) { edges { node { uuid revision label parents { uuid } own { endpoint { key value } } } } }
  sorceryUpdates(first: 500) { seq objectType objectId }
}
"""

# --- the operations of the matrix, aimed at a target tenant and its template and endpoint ---------

READ_TENANT = "query($uuid: UUID!) { tenant(uuid: $uuid) { uuid } }"
READ_ENDPOINT = "query($uuid: UUID!) { endpoint(uuid: $uuid) { uuid } }"
READ_TEMPLATE = "query($uuid: UUID!) { template(uuid: $uuid) { uuid } }"
LIST_ENDPOINTS_OF = "query($tenant: UUID!) { endpoints(tenantUuid: $tenant) { edges { node { uuid } } } }"
LIST_TEMPLATES_OF = "query($tenant: UUID!) { templates(tenantUuid: $tenant) { edges { node { uuid } } } }"
LIST_INHERITORS_OF = "query($template: UUID!) { endpoints(inheritsFrom: $template) { totalCount } }"
UPDATE_TENANT = 'mutation($uuid: UUID!) { updateTenant(uuid: $uuid, input: {name: "Renamed"}) { tenant { name } } }'
UPDATE_TEMPLATE = """
mutation($uuid: UUID!) {
  updateTemplate(uuid: $uuid, input: {label: "changed", options: {endpoint: [{key: "dtmf_mode", value: "info"}]}}) {
    template { label }
  }
}
"""
UPDATE_ENDPOINT = """
mutation($uuid: UUID!) {
  updateEndpoint(uuid: $uuid, input: {label: "changed", options: {endpoint: [{key: "dtmf_mode", value: "info"}]}}) {
    endpoint { label }
  }
}
"""
CREATE_TEMPLATE_IN = """
mutation($tenant: UUID!, $name: String!) {
  createTemplate(input: {tenantUuid: $tenant, name: $name}) { template { tenant { uuid } } }
}
"""
CREATE_ENDPOINT_IN = """
mutation($tenant: UUID!, $parents: [UUID!]) {
  createEndpoint(input: {tenantUuid: $tenant, parentUuids: $parents}) { endpoint { tenant { uuid } parents { uuid } } }
}
"""
CREATE_SUBTENANT_IN = """
mutation($tenant: UUID!, $name: String!) {
  createTenant(input: {name: $name, parentUuid: $tenant, withDefaultTemplates: false}) { tenant { parent { uuid } } }
}
"""
SET_PARENTS = """
mutation($uuid: UUID!, $parents: [UUID!]) {
  updateEndpoint(uuid: $uuid, input: {parentUuids: $parents}) { endpoint { parents { uuid } } }
}
"""
DELETE_TEMPLATE = "mutation($uuid: UUID!) { deleteTemplate(uuid: $uuid) { uuid } }"
DELETE_ENDPOINT = "mutation($uuid: UUID!) { deleteEndpoint(uuid: $uuid) { uuid } }"
DELETE_TENANT = "mutation($uuid: UUID!) { deleteTenant(uuid: $uuid) { uuid } }"

# --- lists and the tenant tree --------------------------------------------------------------------

LISTS = """
query($recurse: Boolean) {
  endpoints(recurse: $recurse) { totalCount edges { node { uuid } } }
  templates(recurse: $recurse) { totalCount edges { node { uuid } } }
  tenants(recurse: $recurse) { totalCount edges { node { uuid } } }
}
"""
DEFAULT_LISTS = """
{ endpoints { edges { node { uuid } } } templates { edges { node { uuid } } } tenants { edges { node { uuid } } } }
"""
LISTS_OF_TENANT = """
query($tenant: UUID!) {
  endpoints(tenantUuid: $tenant, recurse: true) { edges { node { uuid } } }
  templates(tenantUuid: $tenant, recurse: true) { edges { node { uuid } } }
}
"""
TENANT_TREE = "query($uuid: UUID!) { tenant(uuid: $uuid) { parent { uuid } children { uuid } } }"

# --- engine objects -------------------------------------------------------------------------------

ENGINE = "{ engine { globalOptions { key value } transports { uuid name options { key value } } } }"
SORCERY_SEQS = "{ sorceryUpdates(first: 500) { seq } }"
ROOT_TENANT = "{ tenants(recurse: false) { edges { node { uuid } } } }"
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
UPDATE_TRANSPORT = 'mutation($uuid: UUID!) { updateTransport(uuid: $uuid, name: "transport-renamed") { uuid name } }'
DELETE_TRANSPORT = "mutation($uuid: UUID!) { deleteTransport(uuid: $uuid) { uuid } }"

# --- authentication and scopes --------------------------------------------------------------------

ENDPOINTS = "{ endpoints { totalCount } }"
CREATE_ENDPOINT = "mutation { createEndpoint(input: {}) { endpoint { uuid } } }"


# --- helpers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One tenant of the test tree, with a template, an endpoint and a token of its own."""

    key: str
    uuid: str
    template: str
    endpoint: str
    client: GraphQLClient


async def new_token(world: World, tenant_uuid: str, scopes: str) -> str:
    async with world.db.writing() as session:
        return await create_token(session, tenant_uuid=UUID(tenant_uuid), scopes=scopes)


async def new_tenant(admin: GraphQLClient, name: str, parent: str | None = None) -> str:
    data = await admin.ok(CREATE_TENANT, {"name": name, "parent": parent})
    uuid: str = data["createTenant"]["tenant"]["uuid"]
    return uuid


async def new_configs(admin: GraphQLClient, tenant: str, name: str) -> tuple[str, str]:
    """A template and an endpoint in the tenant, both named ``name``; their uuids."""
    data = await admin.ok(CREATE_TEMPLATE_AND_ENDPOINT, {"tenant": tenant, "template": name, "endpoint": name})
    return data["createTemplate"]["template"]["uuid"], data["createEndpoint"]["endpoint"]["uuid"]


async def new_member(world: World, admin: GraphQLClient, key: str, parent: str | None) -> Member:
    uuid = await new_tenant(admin, f"Tenant {key}", parent)
    template, endpoint = await new_configs(admin, uuid, f"ep-{key.lower()}")
    client = admin.as_token(await new_token(world, uuid, TENANT_SCOPES))
    return Member(key=key, uuid=uuid, template=template, endpoint=endpoint, client=client)


async def build_tree(world: World, admin: GraphQLClient) -> dict[str, Member]:
    """Parent tenant P (under the root) with two sibling sub-tenants A and B."""
    p = await new_member(world, admin, "P", None)
    a = await new_member(world, admin, "A", p.uuid)
    b = await new_member(world, admin, "B", p.uuid)
    return {"P": p, "A": a, "B": b}


def uuids(connection: dict[str, Any]) -> set[str]:
    return {edge["node"]["uuid"] for edge in connection["edges"]}


def outcome(body: dict[str, Any]) -> str:
    """``ok``, or the first error's code (with its field for bad input); a refusal must not come with data."""
    if not body.get("errors"):
        return "ok"
    extensions = body["errors"][0].get("extensions", {})
    code = f"{extensions.get('code')} {extensions['field']}" if "field" in extensions else str(extensions.get("code"))
    data = body.get("data")
    return f"{code} with data {data}" if data and any(data.values()) else code


# --- the access matrix ----------------------------------------------------------------------------

ACTORS = ("P", "A", "B")
# Whom each actor can see: itself and its descendants.
SEES = {"P": {"P", "A", "B"}, "A": {"A"}, "B": {"B"}}
PARENT_REJECTED = "BAD_USER_INPUT input.parentUuids[0]"


@dataclass(frozen=True)
class Aim:
    """What one actor's operations hit in one target tenant.

    Every actor that may change a tenant gets a template and an endpoint of its own there, so all
    actors share one world; ``templates`` and ``endpoints`` are everything the tenant held at the start.
    """

    tenant: str
    template: str
    endpoint: str
    tag: str
    templates: frozenset[str]
    endpoints: frozenset[str]


async def build_matrix(world: World, admin: GraphQLClient) -> tuple[dict[str, Member], dict[tuple[str, str], Aim]]:
    """The tree, plus a template and an endpoint for P in A and in B; the aim of each (actor, target)."""
    tree = await build_tree(world, admin)
    extra = {t: await new_configs(admin, tree[t].uuid, f"ep-{t.lower()}-by-p") for t in ("A", "B")}
    aims: dict[tuple[str, str], Aim] = {}
    for target, member in tree.items():
        own = {target: (member.template, member.endpoint), **({"P": extra[target]} if target in extra else {})}
        templates, endpoints = frozenset(t for t, _ in own.values()), frozenset(e for _, e in own.values())
        for actor in ACTORS:
            template, endpoint = own.get(actor, own[target])  # a refused actor aims at the target's own
            tag = f"{target}-by-{actor}".lower()
            aims[actor, target] = Aim(member.uuid, template, endpoint, tag, templates, endpoints)
    return tree, aims


def nowhere() -> Aim:
    """An aim at a tenant, a template and an endpoint that do not exist."""
    return Aim(str(uuid4()), str(uuid4()), str(uuid4()), "nowhere", frozenset(), frozenset())


@dataclass(frozen=True)
class Op:
    """One operation an actor aims at a target tenant (for parent use: the target's template, for itself).

    ``variables`` builds the request from (the actor's own aim, the aim at the target); ``done`` checks
    the data when it succeeds. ``same_tenant_only``: parents come from the configuration's own tenant,
    whoever the caller is.
    """

    name: str
    document: str
    variables: Callable[[Aim, Aim], dict[str, Any]]
    done: Callable[[dict[str, Any], Aim], bool]
    same_tenant_only: bool = False

    @property
    def writes(self) -> bool:
        return self.document.lstrip().startswith("mutation")

    def expected(self, actor: str, target: str) -> str:
        if self.same_tenant_only:
            return "ok" if target == actor else PARENT_REJECTED
        return "ok" if target in SEES[actor] else "NOT_FOUND"


# In the order they run for one (actor, target): deletions last.
OPS = [
    Op("tenant", READ_TENANT, lambda m, t: {"uuid": t.tenant}, lambda d, t: d["tenant"] == {"uuid": t.tenant}),
    Op(
        "template", READ_TEMPLATE, lambda m, t: {"uuid": t.template}, lambda d, t: d["template"] == {"uuid": t.template}
    ),
    Op(
        "endpoint", READ_ENDPOINT, lambda m, t: {"uuid": t.endpoint}, lambda d, t: d["endpoint"] == {"uuid": t.endpoint}
    ),
    Op(
        "endpoints(tenantUuid)",
        LIST_ENDPOINTS_OF,
        lambda m, t: {"tenant": t.tenant},
        lambda d, t: uuids(d["endpoints"]) == t.endpoints,
    ),
    Op(
        "templates(tenantUuid)",
        LIST_TEMPLATES_OF,
        lambda m, t: {"tenant": t.tenant},
        lambda d, t: uuids(d["templates"]) == t.templates,
    ),
    Op(
        "endpoints(inheritsFrom)",
        LIST_INHERITORS_OF,
        lambda m, t: {"template": t.template},
        lambda d, t: d["endpoints"] == {"totalCount": 0},
    ),
    Op(
        "as parent of a new endpoint of mine",
        CREATE_ENDPOINT_IN,
        lambda m, t: {"tenant": m.tenant, "parents": [t.template]},
        lambda d, t: d["createEndpoint"]["endpoint"]["parents"] == [{"uuid": t.template}],
        same_tenant_only=True,
    ),
    Op(
        "as parent of my endpoint",
        SET_PARENTS,
        lambda m, t: {"uuid": m.endpoint, "parents": [t.template]},
        lambda d, t: d["updateEndpoint"]["endpoint"]["parents"] == [{"uuid": t.template}],
        same_tenant_only=True,
    ),
    Op(
        "updateTenant",
        UPDATE_TENANT,
        lambda m, t: {"uuid": t.tenant},
        lambda d, t: d["updateTenant"]["tenant"] == {"name": "Renamed"},
    ),
    Op(
        "updateTemplate",
        UPDATE_TEMPLATE,
        lambda m, t: {"uuid": t.template},
        lambda d, t: d["updateTemplate"]["template"] == {"label": "changed"},
    ),
    Op(
        "updateEndpoint",
        UPDATE_ENDPOINT,
        lambda m, t: {"uuid": t.endpoint},
        lambda d, t: d["updateEndpoint"]["endpoint"] == {"label": "changed"},
    ),
    Op(
        "createTemplate(tenantUuid)",
        CREATE_TEMPLATE_IN,
        lambda m, t: {"tenant": t.tenant, "name": f"extra-{t.tag}"},
        lambda d, t: d["createTemplate"]["template"]["tenant"] == {"uuid": t.tenant},
    ),
    Op(
        # P may build in A from A's own template: the parent is in the endpoint's tenant.
        "createEndpoint(tenantUuid, its template as parent)",
        CREATE_ENDPOINT_IN,
        lambda m, t: {"tenant": t.tenant, "parents": [t.template]},
        lambda d, t: (
            d["createEndpoint"]["endpoint"] == {"tenant": {"uuid": t.tenant}, "parents": [{"uuid": t.template}]}
        ),
    ),
    Op(
        "createTenant(parentUuid)",
        CREATE_SUBTENANT_IN,
        lambda m, t: {"tenant": t.tenant, "name": f"sub-{t.tag}"},
        lambda d, t: d["createTenant"]["tenant"]["parent"] == {"uuid": t.tenant},
    ),
    Op(
        "deleteEndpoint",
        DELETE_ENDPOINT,
        lambda m, t: {"uuid": t.endpoint},
        lambda d, t: d["deleteEndpoint"] == {"uuid": t.endpoint},
    ),
    Op(
        "deleteTemplate",
        DELETE_TEMPLATE,
        lambda m, t: {"uuid": t.template},
        lambda d, t: d["deleteTemplate"] == {"uuid": t.template},
    ),
]


async def test_a_caller_reaches_its_tenant_and_descendants_and_nothing_else(world: World, gql: GraphQLClient) -> None:
    # given P with sub-tenants A and B, each with a token, a template and an endpoint
    # (and, in A and B, a template and an endpoint for P to change)
    tree, aims = await build_matrix(world, gql)
    cells = [(actor, target, op) for actor in ACTORS for target in ACTORS for op in OPS]
    expected = {(a, t, op.name): op.expected(a, t) for a, t, op in cells}
    errors: dict[tuple[str, str, str], Any] = {}

    async def attempt(actor: str, target: str, op: Op, aim: Aim | None = None) -> str:
        aim = aim or aims[actor, target]
        body = await tree[actor].client.post(op.document, op.variables(aims[actor, actor], aim))
        errors[actor, target, op.name] = body.get("errors")
        result = outcome(body)
        return f"ok but {body['data']}" if result == "ok" and not op.done(body["data"], aim) else result

    # when every actor tries every operation on every tenant: first what must be refused, ...
    before = await gql.ok(WHOLE_STATE)
    refused = [(a, t, op) for a, t, op in cells if expected[a, t, op.name] != "ok"]
    answers = {(a, t, op.name): await attempt(a, t, op) for a, t, op in refused}
    for op in OPS:  # (and A aims each one at uuids that exist nowhere, to compare the answers)
        await attempt("A", "nowhere", op, aim=nowhere())
    after_refusals = await gql.ok(WHOLE_STATE)
    # ... then the rest, reads before writes
    allowed = [(a, t, op) for a, t, op in cells if expected[a, t, op.name] == "ok"]
    allowed.sort(key=lambda cell: cell[2].writes)
    answers |= {(a, t, op.name): await attempt(a, t, op) for a, t, op in allowed}

    # then each works on its own tenant and its descendants (P on A and B), other tenants' objects
    # do not exist for it (NOT_FOUND, never FORBIDDEN), and another tenant's template is never
    # a valid parent, not even for an ancestor (P cannot use A's template in P)
    assert answers == expected
    # and the refused operations changed nothing: no object, no recorded Sorcery update
    assert after_refusals == before
    # and A's answers about B's objects are word for word those about uuids that exist nowhere
    assert {op.name: errors["A", "nowhere", op.name] for op in OPS} == {
        op.name: errors["A", "B", op.name] for op in OPS
    }


async def test_deleting_a_tenant_outside_the_subtree_is_not_found(world: World, gql: GraphQLClient) -> None:
    # given the tree
    tree = await build_tree(world, gql)
    p, a, b = tree["P"], tree["A"], tree["B"]
    before = await gql.ok(WHOLE_STATE)

    # when A and B try to delete each other and their parent
    attempts = {
        (x.key, y.key): outcome(await x.client.post(DELETE_TENANT, {"uuid": y.uuid}))
        for x, y in [(a, b), (b, a), (a, p), (b, p)]
    }

    # then those tenants do not exist for them, and nothing was deleted
    assert attempts == dict.fromkeys([("A", "B"), ("B", "A"), ("A", "P"), ("B", "P")], "NOT_FOUND")
    assert await gql.ok(WHOLE_STATE) == before

    # when P deletes A
    await p.client.ok(DELETE_TENANT, {"uuid": a.uuid})

    # then A, its endpoint and its token are gone, and B is untouched
    assert outcome(await gql.post(READ_TENANT, {"uuid": a.uuid})) == "NOT_FOUND"
    assert outcome(await gql.post(READ_ENDPOINT, {"uuid": a.endpoint})) == "NOT_FOUND"
    assert outcome(await a.client.post(ENDPOINTS)) == "UNAUTHENTICATED"
    assert (await b.client.ok(READ_ENDPOINT, {"uuid": b.endpoint}))["endpoint"] == {"uuid": b.endpoint}


# --- lists and the tenant tree --------------------------------------------------------------------


async def test_lists_default_to_the_callers_tenant_and_recurse_adds_descendants(
    world: World, gql: GraphQLClient
) -> None:
    # given the tree
    tree = await build_tree(world, gql)
    p, a, b = tree["P"], tree["A"], tree["B"]

    # when P and A list without arguments, without recurse and with recurse
    p_default = await p.client.ok(DEFAULT_LISTS)
    p_flat = await p.client.ok(LISTS, {"recurse": False})
    p_deep = await p.client.ok(LISTS, {"recurse": True})
    a_flat = await a.client.ok(LISTS, {"recurse": False})
    a_deep = await a.client.ok(LISTS, {"recurse": True})

    # then a list holds the caller's tenant only, and recurse adds its descendants, never more
    # (for `tenants` the schema's default is recurse: true)
    assert uuids(p_default["endpoints"]) == {p.endpoint}
    assert uuids(p_default["templates"]) == {p.template}
    assert uuids(p_default["tenants"]) == {p.uuid, a.uuid, b.uuid}
    assert uuids(p_flat["endpoints"]) == {p.endpoint}
    assert uuids(p_flat["templates"]) == {p.template}
    assert uuids(p_flat["tenants"]) == {p.uuid}
    assert uuids(p_deep["endpoints"]) == {p.endpoint, a.endpoint, b.endpoint}
    assert uuids(p_deep["templates"]) == {p.template, a.template, b.template}
    assert uuids(p_deep["tenants"]) == {p.uuid, a.uuid, b.uuid}
    assert [p_deep[name]["totalCount"] for name in ("endpoints", "templates", "tenants")] == [3, 3, 3]
    for listing in (a_flat, a_deep):
        assert uuids(listing["endpoints"]) == {a.endpoint}
        assert uuids(listing["templates"]) == {a.template}
        assert uuids(listing["tenants"]) == {a.uuid}
        assert [listing[name]["totalCount"] for name in ("endpoints", "templates", "tenants")] == [1, 1, 1]

    # when P lists A's configurations with recurse
    of_a = await p.client.ok(LISTS_OF_TENANT, {"tenant": a.uuid})

    # then only A's subtree is listed
    assert uuids(of_a["endpoints"]) == {a.endpoint}
    assert uuids(of_a["templates"]) == {a.template}

    # when the root admin lists with recurse
    everything = await gql.ok(LISTS, {"recurse": True})

    # then the whole tree is there
    assert {m.endpoint for m in tree.values()} <= uuids(everything["endpoints"])
    assert {m.template for m in tree.values()} <= uuids(everything["templates"])
    assert {m.uuid for m in tree.values()} <= uuids(everything["tenants"])

    # when A and P look at their own tenant in the tree
    seen_by_a = (await a.client.ok(TENANT_TREE, {"uuid": a.uuid}))["tenant"]
    seen_by_p = (await p.client.ok(TENANT_TREE, {"uuid": p.uuid}))["tenant"]

    # then a parent outside the caller's subtree does not exist for it (A's parent P, P's parent the root)
    assert seen_by_a == {"parent": None, "children": []}
    assert seen_by_p["parent"] is None
    assert {c["uuid"] for c in seen_by_p["children"]} == {a.uuid, b.uuid}


# --- engine objects -------------------------------------------------------------------------------


async def test_engine_objects_need_the_engine_admin_scope_of_the_root_tenant(world: World, gql: GraphQLClient) -> None:
    # given a sub-tenant token with every scope, a root tenant token without engine:admin, and a transport
    root = (await gql.ok(ROOT_TENANT))["tenants"]["edges"][0]["node"]["uuid"]
    tokens = {
        "sub-tenant with *": await new_token(world, await new_tenant(gql, "Customer"), "*"),
        "root without engine:admin": await new_token(world, root, "tenants:read,tenants:write,sip:read,sip:write"),
    }
    transport = (await gql.ok(CREATE_TRANSPORT, {"name": "transport-extra"}))["createTransport"]["uuid"]
    operations = {
        "setEngineOptions": (SET_ENGINE_OPTIONS, {}),
        "createTransport": (CREATE_TRANSPORT, {"name": "transport-other"}),
        "updateTransport": (UPDATE_TRANSPORT, {"uuid": transport}),
        "deleteTransport": (DELETE_TRANSPORT, {"uuid": transport}),
    }
    engine_before, updates_before = await gql.ok(ENGINE), await gql.ok(SORCERY_SEQS)

    # when they change engine objects
    answers = {
        (who, name): outcome(await gql.as_token(token).post(document, variables))
        for who, token in tokens.items()
        for name, (document, variables) in operations.items()
    }

    # then every change is forbidden and the engine is unchanged
    assert answers == dict.fromkeys(answers, "FORBIDDEN")
    assert len(answers) == 8
    assert await gql.ok(ENGINE) == engine_before
    assert await gql.ok(SORCERY_SEQS) == updates_before

    # when the root admin (scope "*") makes the same changes
    options = (await gql.ok(SET_ENGINE_OPTIONS))["setEngineOptions"]["globalOptions"]
    created = (await gql.ok(CREATE_TRANSPORT, {"name": "transport-other"}))["createTransport"]
    renamed = (await gql.ok(UPDATE_TRANSPORT, {"uuid": transport}))["updateTransport"]
    deleted = (await gql.ok(DELETE_TRANSPORT, {"uuid": transport}))["deleteTransport"]

    # then they are made
    assert options == [{"key": "user_agent", "value": "pbx"}]
    assert renamed == {"uuid": transport, "name": "transport-renamed"}
    assert deleted == {"uuid": transport}
    engine = (await gql.ok(ENGINE))["engine"]
    assert engine["globalOptions"] == options
    assert {created["uuid"]} == {t["uuid"] for t in engine["transports"]} - {
        t["uuid"] for t in engine_before["engine"]["transports"]
    }


# --- authentication and scopes --------------------------------------------------------------------


async def test_a_request_without_a_valid_token_or_the_needed_scope_is_refused(world: World, gql: GraphQLClient) -> None:
    # given a tenant with an endpoint, and tokens of it that each lack the scope of one operation
    tenant = await new_tenant(gql, "Customer")
    _, endpoint = await new_configs(gql, tenant, "ep-c")
    lacking = {
        "create endpoint without sip:write": ("sip:read", CREATE_ENDPOINT, {}),
        "create endpoint with other scopes": ("tenants:read,tenants:write,secrets:read", CREATE_ENDPOINT, {}),
        "list endpoints without sip:read": ("sip:write", ENDPOINTS, {}),
        "read endpoint without sip:read": ("sip:write,tenants:read", READ_ENDPOINT, {"uuid": endpoint}),
    }

    # when requests come without a token, or with a token the server never issued
    anonymous = {
        (name, kind): outcome(await gql.as_token(token).post(document))
        for name, token in (("missing", None), ("unknown", "pjg_never-issued"))
        for kind, document in (("read", ENDPOINTS), ("write", CREATE_ENDPOINT))
    }

    # then they are told to authenticate
    assert anonymous == dict.fromkeys(anonymous, "UNAUTHENTICATED")
    assert len(anonymous) == 4

    # when each token lacking a scope calls its operation
    answers = {
        name: outcome(await gql.as_token(await new_token(world, tenant, scopes)).post(document, variables))
        for name, (scopes, document, variables) in lacking.items()
    }

    # then each is forbidden (the scope is missing; existence is not the question), and nothing was created
    assert answers == dict.fromkeys(lacking, "FORBIDDEN")
    assert uuids((await gql.ok(LIST_ENDPOINTS_OF, {"tenant": tenant}))["endpoints"]) == {endpoint}
