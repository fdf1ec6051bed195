"""Lists through GraphQL: keyset pagination, ordering, search, inheritance filters and
the tenant tree (queries `endpoints`, `templates`, `tenants`; `SipTemplate.children`,
`SipTemplate.endpointCount`, `Tenant.children` and `Tenant.parent`)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import GraphQLClient

# --- documents ---------------------------------------------------------------

CREATE_TENANT = """
mutation($input: CreateTenantInput!) {
  createTenant(input: $input) {
    tenant { uuid name defaultTemplates { general { uuid } sip { uuid } webrtc { uuid } trunk { uuid } } }
  }
}
"""

CREATE_TEMPLATE = """
mutation($input: CreateSipTemplateInput!) {
  createTemplate(input: $input) { template { uuid name label createdAt } }
}
"""

PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"

ENDPOINTS = f"""
query(
  $tenant: UUID, $recurse: Boolean, $search: String, $inheritsFrom: UUID,
  $orderBy: SipConfigOrder, $direction: OrderDirection, $first: Int, $after: String
) {{
  endpoints(
    tenantUuid: $tenant, recurse: $recurse, search: $search, inheritsFrom: $inheritsFrom,
    orderBy: $orderBy, direction: $direction, first: $first, after: $after
  ) {{
    totalCount
    {PAGE_INFO}
    edges {{ cursor node {{ uuid name label }} }}
  }}
}}
"""

TEMPLATES = f"""
query(
  $tenant: UUID, $recurse: Boolean, $search: String,
  $orderBy: SipConfigOrder, $direction: OrderDirection, $first: Int, $after: String
) {{
  templates(
    tenantUuid: $tenant, recurse: $recurse, search: $search,
    orderBy: $orderBy, direction: $direction, first: $first, after: $after
  ) {{
    totalCount
    {PAGE_INFO}
    edges {{ cursor node {{ uuid name label }} }}
  }}
}}
"""

TENANTS = f"""
query($search: String, $recurse: Boolean, $first: Int, $after: String) {{
  tenants(search: $search, recurse: $recurse, first: $first, after: $after) {{
    totalCount
    {PAGE_INFO}
    edges {{ cursor node {{ uuid name slug }} }}
  }}
}}
"""

TEMPLATE_RELATIONS = """
query($uuid: UUID!) {
  template(uuid: $uuid) {
    endpointCount
    children { __typename kind name }
  }
}
"""

TENANT_TREE = """
query($uuid: UUID!) {
  tenant(uuid: $uuid) {
    name
    parent { uuid name parent { uuid } }
    children { uuid name parent { uuid } }
  }
}
"""

# --- the directory under test ------------------------------------------------

# Templates created in each tenant besides the defaults: (name, label, parent names).
TEMPLATES_SPEC: list[tuple[str, str | None, list[str]]] = [
    ("office", "Office lines", ["sip"]),
    ("sales-floor", "Sales floor", ["office"]),
    ("standalone", None, []),
]

# Endpoints in creation order: (name, label, parent names). Labels repeat so that
# ordering by label has ties that a page boundary splits; `lab_1` reaches `sip`
# twice (directly and through `office`).
ENDPOINTS_SPEC: list[tuple[str, str | None, list[str]]] = [
    ("judy", "Sales Floor", ["standalone"]),
    ("alice", "Front Desk", ["sip"]),
    ("ivan", None, []),
    ("bob", "Back Office", ["sip"]),
    ("lab_1", "Lab", ["office", "sip", "standalone"]),
    ("carol", "100% Sales", ["sip"]),
    ("dave", "Sales Floor", ["sales-floor"]),
    ("heidi", None, ["trunk"]),
    ("erin", "Sales Floor", ["sales-floor"]),
    ("labx1", "Lab", []),
    ("frank", None, ["office"]),
    ("grace", "Help Desk", ["webrtc"]),
]


TRUNK_OPTIONS = {
    "registration": [
        {"key": "server_uri", "value": "sip:carrier.example.com"},
        {"key": "client_uri", "value": "sip:heidi@carrier.example.com"},
    ]
}


@dataclass
class Directory:
    tenant: str
    templates: dict[str, str] = field(default_factory=dict)  # name -> uuid, defaults included
    endpoints: dict[str, str] = field(default_factory=dict)  # name -> uuid
    labels: dict[str, str | None] = field(default_factory=dict)  # endpoint name -> label
    created: list[str] = field(default_factory=list)  # endpoint names in creation order


async def new_tenant(
    gql: GraphQLClient, name: str, *, parent: str | None = None, defaults: bool = True
) -> dict[str, Any]:
    data = await gql.ok(
        CREATE_TENANT, {"input": {"name": name, "parentUuid": parent, "withDefaultTemplates": defaults}}
    )
    tenant: dict[str, Any] = data["createTenant"]["tenant"]
    return tenant


async def new_template(
    gql: GraphQLClient, tenant: str, name: str, label: str | None = None, parents: list[str] | None = None
) -> str:
    variables = {"input": {"tenantUuid": tenant, "name": name, "label": label, "parentUuids": parents or []}}
    data = await gql.ok(CREATE_TEMPLATE, variables)
    return str(data["createTemplate"]["template"]["uuid"])


async def new_endpoints(gql: GraphQLClient, inputs: list[dict[str, Any]]) -> list[str]:
    """Create endpoints one after the other, in one request (as a frontend's bulk import would)."""
    params = ", ".join(f"$e{i}: CreateSipEndpointInput!" for i in range(len(inputs)))
    fields = " ".join(f"e{i}: createEndpoint(input: $e{i}) {{ endpoint {{ uuid }} }}" for i in range(len(inputs)))
    data = await gql.ok(f"mutation({params}) {{ {fields} }}", {f"e{i}": e for i, e in enumerate(inputs)})
    return [data[f"e{i}"]["endpoint"]["uuid"] for i in range(len(inputs))]


async def build_directory(gql: GraphQLClient, name: str = "Lists Co") -> Directory:
    """A tenant with its default templates, three more templates and twelve endpoints."""
    tenant = await new_tenant(gql, name)
    directory = Directory(tenant=tenant["uuid"])
    directory.templates = {role: t["uuid"] for role, t in tenant["defaultTemplates"].items()}
    for template, label, parents in TEMPLATES_SPEC:
        directory.templates[template] = await new_template(
            gql, directory.tenant, template, label, [directory.templates[p] for p in parents]
        )
    inputs = [
        {
            "tenantUuid": directory.tenant,
            "name": endpoint,
            "label": label,
            "parentUuids": [directory.templates[p] for p in parents],
            # a trunk's registration needs its addresses, as Asterisk does
            "options": TRUNK_OPTIONS if "trunk" in parents else {},
        }
        for endpoint, label, parents in ENDPOINTS_SPEC
    ]
    uuids = await new_endpoints(gql, inputs)
    for (endpoint, label, _), uuid in zip(ENDPOINTS_SPEC, uuids, strict=True):
        directory.endpoints[endpoint] = uuid
        directory.labels[endpoint] = label
        directory.created.append(endpoint)
    return directory


async def walk(gql: GraphQLClient, document: str, root: str, page_size: int, **variables: Any) -> list[dict[str, Any]]:
    """Follow `endCursor` until the last page; check pageInfo and totalCount on every page."""
    nodes: list[dict[str, Any]] = []
    after: str | None = None
    total: int | None = None
    while True:
        data = await gql.ok(document, {**variables, "first": page_size, "after": after})
        page = data[root]
        edges, info = page["edges"], page["pageInfo"]
        total = page["totalCount"] if total is None else total
        assert page["totalCount"] == total, "totalCount changed between pages"
        assert len(edges) <= page_size
        assert info["hasPreviousPage"] is (after is not None)
        if edges:
            assert info["startCursor"] == edges[0]["cursor"]
            assert info["endCursor"] == edges[-1]["cursor"]
        nodes += [e["node"] for e in edges]
        if not info["hasNextPage"]:
            break
        assert len(edges) == page_size, "a page before the last one is short"
        after = info["endCursor"]
    assert len(nodes) == total, "the walk did not see totalCount items"
    return nodes


def names(nodes: list[dict[str, Any]]) -> list[str]:
    return [n["name"] for n in nodes]


def cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


# --- pagination and ordering -------------------------------------------------


async def test_pages_walk_every_item_once_in_every_order(gql: GraphQLClient) -> None:
    # given a tenant with 12 endpoints (some with the same label) and 7 templates
    directory = await build_directory(gql)

    # when the first 5 endpoints are read
    first = (await gql.ok(ENDPOINTS, {"tenant": directory.tenant, "first": 5}))["endpoints"]

    # then the page says there is more and nothing before, and counts everything
    assert first["totalCount"] == 12
    assert len(first["edges"]) == 5
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False

    # when the endpoints are walked 5 at a time, 4 at a time (the last page is full) or in one page
    nodes = await walk(gql, ENDPOINTS, "endpoints", 5, tenant=directory.tenant)
    exact = await walk(gql, ENDPOINTS, "endpoints", 4, tenant=directory.tenant)
    single = await walk(gql, ENDPOINTS, "endpoints", 50, tenant=directory.tenant)

    # then each endpoint is seen exactly once, the same way each time
    assert sorted(names(nodes)) == sorted(directory.endpoints)
    assert len({n["uuid"] for n in nodes}) == 12
    assert names(exact) == names(single) == names(nodes)

    # when an empty page is asked for
    empty = (await gql.ok(ENDPOINTS, {"tenant": directory.tenant, "first": 0}))["endpoints"]

    # then it is empty but counts everything
    assert empty["edges"] == []
    assert empty["totalCount"] == 12
    assert empty["pageInfo"]["hasNextPage"] is True

    def by_label(name: str) -> tuple[str, str]:
        # Equal labels are ordered by uuid, so a page boundary inside a tie neither skips nor repeats.
        return (directory.labels[name] or "", directory.endpoints[name])

    for direction in ("ASC", "DESC"):
        descending = direction == "DESC"
        # (expected names, page size): pages of 2 split every group of equal labels
        expected = {
            "NAME": (sorted(directory.endpoints, reverse=descending), 5),
            "LABEL": (sorted(directory.endpoints, key=by_label, reverse=descending), 2),
            "CREATED_AT": (list(reversed(directory.created)) if descending else directory.created, 5),
        }
        for order, (in_order, size) in expected.items():
            # when the endpoints are walked in that order
            nodes = await walk(
                gql, ENDPOINTS, "endpoints", size, tenant=directory.tenant, orderBy=order, direction=direction
            )

            # then they come in that order across page boundaries
            assert names(nodes) == in_order, (order, direction)

        # and templates are walked and ordered the same way
        templates = await walk(gql, TEMPLATES, "templates", 3, tenant=directory.tenant, direction=direction)
        assert names(templates) == sorted(directory.templates, reverse=descending), direction


# --- search ------------------------------------------------------------------


async def test_search_is_case_insensitive_and_literal(gql: GraphQLClient) -> None:
    # given a tenant with 12 endpoints and one named in mixed case
    directory = await build_directory(gql)
    await new_endpoints(gql, [{"tenantUuid": directory.tenant, "name": "MixedCase", "label": "Büro Desk"}])
    labels = {**directory.labels, "MixedCase": "Büro Desk"}

    cases = {
        "ALICE": ["alice"],  # name, other case
        "mixedcase": ["MixedCase"],  # name stored in mixed case
        "desk": ["MixedCase", "alice", "grace"],  # labels "Front Desk", "Help Desk", "Büro Desk"
        "BÜRO": ["MixedCase"],  # not only ASCII letters
        "SALES fl": ["dave", "erin", "judy"],  # label "Sales Floor"
        "%": ["carol"],  # only the label "100% Sales" has a percent sign
        "0% s": ["carol"],
        "_": ["lab_1"],  # only `lab_1` has an underscore
        "b_1": ["lab_1"],  # not `labx1`
        "nobody": [],
    }
    for search, expected in cases.items():
        # when the endpoints are searched
        data = await gql.ok(ENDPOINTS, {"tenant": directory.tenant, "search": search, "first": 50})

        # then name and label match without regard to case, and % and _ are plain characters
        page = data["endpoints"]
        assert sorted(names([e["node"] for e in page["edges"]])) == sorted(expected), search
        assert page["totalCount"] == len(expected), search

    # when the templates are searched by name or label
    by_name = await gql.ok(TEMPLATES, {"tenant": directory.tenant, "search": "OFFICE"})
    by_label = await gql.ok(TEMPLATES, {"tenant": directory.tenant, "search": "LINES ("})

    # then the same rules apply (labels "Office lines", "SIP lines (UDP)", "WebRTC lines (WSS)")
    assert names([e["node"] for e in by_name["templates"]["edges"]]) == ["office"]
    assert sorted(names([e["node"] for e in by_label["templates"]["edges"]])) == ["sip", "webrtc"]

    # when a search is walked page by page
    nodes = await walk(gql, ENDPOINTS, "endpoints", 1, tenant=directory.tenant, search="s")

    # then only matches are walked, each once
    matching = [n for n, label in labels.items() if "s" in n.lower() or "s" in (label or "").lower()]
    assert sorted(names(nodes)) == sorted(matching)


# --- inheritance -------------------------------------------------------------

INHERITORS = {
    "general": {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "lab_1"},
    "sip": {"alice", "bob", "carol", "dave", "erin", "frank", "lab_1"},
    "webrtc": {"grace"},
    "trunk": {"heidi"},
    "office": {"dave", "erin", "frank", "lab_1"},
    "sales-floor": {"dave", "erin"},
    "standalone": {"judy", "lab_1"},
}

CHILDREN = {
    "general": {("TEMPLATE", "sip"), ("TEMPLATE", "webrtc"), ("TEMPLATE", "trunk")},
    "sip": {
        ("TEMPLATE", "office"),
        ("ENDPOINT", "alice"),
        ("ENDPOINT", "bob"),
        ("ENDPOINT", "carol"),
        ("ENDPOINT", "lab_1"),
    },
    "webrtc": {("ENDPOINT", "grace")},
    "trunk": {("ENDPOINT", "heidi")},
    "office": {("TEMPLATE", "sales-floor"), ("ENDPOINT", "frank"), ("ENDPOINT", "lab_1")},
    "sales-floor": {("ENDPOINT", "dave"), ("ENDPOINT", "erin")},
    "standalone": {("ENDPOINT", "judy"), ("ENDPOINT", "lab_1")},
}


async def test_inherits_from_children_and_endpoint_count(gql: GraphQLClient) -> None:
    # given a tenant whose endpoints inherit directly, through other templates, or twice
    directory = await build_directory(gql)

    for template, expected in INHERITORS.items():
        uuid = directory.templates[template]

        # when the endpoints inheriting from the template are listed, one page and page by page
        page = (await gql.ok(ENDPOINTS, {"tenant": directory.tenant, "inheritsFrom": uuid, "first": 50}))["endpoints"]
        walked = await walk(gql, ENDPOINTS, "endpoints", 3, tenant=directory.tenant, inheritsFrom=uuid)

        # then exactly those are returned, each once
        assert sorted(names([e["node"] for e in page["edges"]])) == sorted(expected), template
        assert page["totalCount"] == len(expected), template
        assert sorted(names(walked)) == sorted(expected), template

        # when the template itself is read
        relations = (await gql.ok(TEMPLATE_RELATIONS, {"uuid": uuid}))["template"]

        # then its endpoint count agrees and its children are what names it as a parent
        assert relations["endpointCount"] == len(expected), template
        children = {(c["kind"], c["name"]) for c in relations["children"]}
        assert children == CHILDREN[template], template
        assert len(relations["children"]) == len(children), template
        typenames = {c["kind"]: c["__typename"] for c in relations["children"]}
        assert typenames.get("TEMPLATE", "SipTemplate") == "SipTemplate"
        assert typenames.get("ENDPOINT", "SipEndpoint") == "SipEndpoint"

    # when the filter combines with a search
    data = await gql.ok(
        ENDPOINTS, {"tenant": directory.tenant, "inheritsFrom": directory.templates["office"], "search": "LAB"}
    )
    # then both apply
    assert names([e["node"] for e in data["endpoints"]["edges"]]) == ["lab_1"]

    # when an endpoint's uuid is given as the template
    error = await gql.error(ENDPOINTS, {"tenant": directory.tenant, "inheritsFrom": directory.endpoints["alice"]})
    # then there is no such template
    assert error["extensions"]["code"] == "NOT_FOUND"


# --- the tenant tree ---------------------------------------------------------


async def test_recurse_adds_sub_tenants_and_tenant_tree(gql: GraphQLClient) -> None:
    # given a tenant with a branch, each with templates and endpoints, and an unrelated tenant
    acme = await new_tenant(gql, "Lists Co")
    branch = await new_tenant(gql, "Lists Branch", parent=acme["uuid"], defaults=False)
    fiber = await new_tenant(gql, "100% Fiber", defaults=False)
    await new_template(gql, branch["uuid"], "branch-lines")
    await new_endpoints(
        gql,
        [
            {"tenantUuid": acme["uuid"], "name": "hq-1"},
            {"tenantUuid": acme["uuid"], "name": "hq-2"},
            {"tenantUuid": branch["uuid"], "name": "branch-1"},
            {"tenantUuid": branch["uuid"], "name": "branch-2"},
            {"tenantUuid": branch["uuid"], "name": "branch-3"},
            {"tenantUuid": fiber["uuid"], "name": "fiber-1"},
        ],
    )

    async def endpoint_names(tenant: str | None, recurse: bool) -> list[str]:
        data = await gql.ok(ENDPOINTS, {"tenant": tenant, "recurse": recurse, "first": 50})
        assert data["endpoints"]["totalCount"] == len(data["endpoints"]["edges"])
        return names([e["node"] for e in data["endpoints"]["edges"]])

    async def template_count(tenant: str | None, recurse: bool) -> int:
        data = await gql.ok(TEMPLATES, {"tenant": tenant, "recurse": recurse})
        total: int = data["templates"]["totalCount"]
        return total

    # when lists are read with and without recurse
    # then recurse adds the sub-tenants' items, and only theirs
    assert await endpoint_names(acme["uuid"], False) == ["hq-1", "hq-2"]
    assert await endpoint_names(acme["uuid"], True) == ["branch-1", "branch-2", "branch-3", "hq-1", "hq-2"]
    assert await endpoint_names(branch["uuid"], True) == ["branch-1", "branch-2", "branch-3"]
    assert await endpoint_names(None, False) == []  # the caller's own tenant (the root) has none
    assert len(await endpoint_names(None, True)) == 6
    assert await template_count(acme["uuid"], False) == 4
    assert await template_count(acme["uuid"], True) == 5
    assert await template_count(branch["uuid"], False) == 1

    # when tenants are searched by name or slug
    async def tenant_names(**variables: Any) -> list[str]:
        data = await gql.ok(TENANTS, variables)
        assert data["tenants"]["totalCount"] == len(data["tenants"]["edges"])
        return [e["node"]["name"] for e in data["tenants"]["edges"]]

    # then case does not matter, % is literal, and names come in order
    assert await tenant_names(search="LISTS") == ["Lists Branch", "Lists Co"]
    assert await tenant_names(search="lists-co") == ["Lists Co"]  # the slug
    assert await tenant_names(search="%") == ["100% Fiber"]
    assert await tenant_names(search="_") == []
    assert await tenant_names() == ["100% Fiber", "Lists Branch", "Lists Co", "Root"]
    assert await tenant_names(recurse=False) == ["Root"]
    walked = await walk(gql, TENANTS, "tenants", 1)
    assert [n["name"] for n in walked] == ["100% Fiber", "Lists Branch", "Lists Co", "Root"]

    # when the tree is read from the middle tenant
    tree = (await gql.ok(TENANT_TREE, {"uuid": acme["uuid"]}))["tenant"]

    # then it knows its parent (the root, which has none) and its children
    assert tree["parent"]["name"] == "Root"
    assert tree["parent"]["parent"] is None
    assert [(c["name"], c["parent"]["uuid"]) for c in tree["children"]] == [("Lists Branch", acme["uuid"])]

    # and the root lists its direct children only, the branch its parent and no children
    root = (await gql.ok(TENANT_TREE, {"uuid": tree["parent"]["uuid"]}))["tenant"]
    assert [c["name"] for c in root["children"]] == ["100% Fiber", "Lists Co"]
    leaf = (await gql.ok(TENANT_TREE, {"uuid": branch["uuid"]}))["tenant"]
    assert leaf["parent"]["uuid"] == acme["uuid"]
    assert leaf["children"] == []


# --- cursors -----------------------------------------------------------------

GARBAGE_CURSORS = [
    "not-a-cursor",
    "!!!",
    "",
    cursor("just a string"),
    cursor(["alice"]),
    cursor(["alice", "not-a-uuid"]),
    cursor(["alice", "4b3d9e2c-0000-4000-8000-000000000000", "extra"]),
]


async def test_garbage_cursor_is_bad_user_input(gql: GraphQLClient) -> None:
    for after in GARBAGE_CURSORS:
        for document in (ENDPOINTS, TEMPLATES, TENANTS):
            # when a list is asked to continue after something it never returned
            error = await gql.error(document, {"after": after})

            # then it is the caller's mistake, on `after`
            assert error["extensions"]["code"] == "BAD_USER_INPUT", (after, error)
            assert error["extensions"]["field"] == "after", after


async def test_well_formed_cursor_of_the_wrong_shape_is_bad_user_input(gql: GraphQLClient) -> None:
    # given cursors that decode but that no list returned (the NAME order's cursors are [name, uuid])
    some_uuid = "4b3d9e2c-0000-4000-8000-000000000000"
    cases = [
        ({"after": cursor(["alice", 2])}, "uuid is a number"),
        ({"after": cursor([{"a": 1}, some_uuid])}, "value is an object"),
        ({"after": cursor(["alice", some_uuid]), "orderBy": "CREATED_AT"}, "a NAME cursor in the CREATED_AT order"),
    ]
    problems = []
    for variables, case in cases:
        # when a list continues after one of them
        body = await gql.post(ENDPOINTS, variables)

        # then the answer is BAD_USER_INPUT on `after`, not an internal error
        errors = body.get("errors") or [{}]
        got = errors[0].get("extensions", {})
        if got.get("code") != "BAD_USER_INPUT" or got.get("field") != "after":
            problems.append((case, got.get("code")))
    assert problems == []
