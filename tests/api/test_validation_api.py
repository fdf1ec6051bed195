"""Validation through GraphQL (docs/domain.md §2 and §3): every rejection is BAD_USER_INPUT
with the path of the offending input, and a rejected mutation writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from tests.conftest import GraphQLClient

# --- documents ---------------------------------------------------------------

CREATE_TENANT = """
mutation($input: CreateTenantInput!) {
  createTenant(input: $input) {
    tenant { uuid defaultTemplates { general { uuid } sip { uuid } webrtc { uuid } trunk { uuid } } }
  }
}
"""

UPDATE_FIELDS = "seq action objectType objectId changedKeys fields { key value }"

CREATE_ENDPOINT = f"""
mutation($input: CreateSipEndpointInput!, $dryRun: Boolean) {{
  createEndpoint(input: $input, dryRun: $dryRun) {{
    endpoint {{ uuid name revision }}
    changes {{ dryRun sorceryUpdates {{ {UPDATE_FIELDS} }} }}
  }}
}}
"""

UPDATE_ENDPOINT = f"""
mutation($uuid: UUID!, $input: UpdateSipConfigInput!, $expectedRevision: Int, $dryRun: Boolean) {{
  updateEndpoint(uuid: $uuid, input: $input, expectedRevision: $expectedRevision, dryRun: $dryRun) {{
    endpoint {{ uuid name revision own {{ endpoint {{ key value }} }} }}
    changes {{ dryRun sorceryUpdates {{ {UPDATE_FIELDS} }} }}
  }}
}}
"""

DELETE_ENDPOINT = f"""
mutation($uuid: UUID!, $dryRun: Boolean) {{
  deleteEndpoint(uuid: $uuid, dryRun: $dryRun) {{
    uuid
    changes {{ dryRun sorceryUpdates {{ {UPDATE_FIELDS} }} }}
  }}
}}
"""

CREATE_TEMPLATE = """
mutation($input: CreateSipTemplateInput!) {
  createTemplate(input: $input) { template { uuid name revision } }
}
"""

UPDATE_TEMPLATE = f"""
mutation($uuid: UUID!, $input: UpdateSipConfigInput!, $expectedRevision: Int, $dryRun: Boolean) {{
  updateTemplate(uuid: $uuid, input: $input, expectedRevision: $expectedRevision, dryRun: $dryRun) {{
    template {{ uuid name revision }}
    changes {{ dryRun affectedEndpoints sorceryUpdates {{ {UPDATE_FIELDS} }} }}
  }}
}}
"""

# Everything a rejected mutation could have touched: the recorded updates, and every
# configuration of every tenant (the admin token sees the whole tree from the root):
# identity, revision, parents, transport and own options.
SNAPSHOT = """
fragment Config on SipConfig {
  uuid name label revision updatedAt transport { uuid } parents { uuid }
  own {
    endpoint { key value } aor { key value } auth { key value } identify { key value }
    registration { key value } registrationOutboundAuth { key value } outboundAuth { key value }
  }
}
query {
  sorceryUpdates(after: 0, first: 500) { seq action objectType objectId changedKeys }
  endpoints(recurse: true, first: 500) { totalCount edges { node { ...Config } } }
  templates(recurse: true, first: 500) { totalCount edges { node { ...Config } } }
  tenants(first: 500) { totalCount }
}
"""

OWN_ENDPOINT_OPTIONS = """
query($uuid: UUID!) { endpoint(uuid: $uuid) { own { endpoint { key value } } } }
"""

OWN_TEMPLATE_OPTIONS = """
query($uuid: UUID!) { template(uuid: $uuid) { own { endpoint { key value } } } }
"""

ENDPOINT_PAGE = """
query($first: Int) { endpoints(first: $first) { totalCount } }
"""

# --- helpers -----------------------------------------------------------------


async def new_tenant(gql: GraphQLClient, name: str, *, defaults: bool = True) -> dict[str, Any]:
    """A tenant (with its default templates unless told otherwise): its uuid and the templates' by role."""
    data = await gql.ok(CREATE_TENANT, {"input": {"name": name, "withDefaultTemplates": defaults}})
    tenant = data["createTenant"]["tenant"]
    roles = {role: t["uuid"] for role, t in tenant["defaultTemplates"].items() if t is not None}
    return {"uuid": tenant["uuid"], **roles}


async def new_endpoint(gql: GraphQLClient, tenant: str, name: str, **extra: Any) -> dict[str, Any]:
    data = await gql.ok(CREATE_ENDPOINT, {"input": {"tenantUuid": tenant, "name": name, **extra}})
    endpoint: dict[str, Any] = data["createEndpoint"]["endpoint"]
    return endpoint


async def new_template(gql: GraphQLClient, tenant: str, name: str, parents: list[str] | None = None) -> str:
    data = await gql.ok(CREATE_TEMPLATE, {"input": {"tenantUuid": tenant, "name": name, "parentUuids": parents or []}})
    return str(data["createTemplate"]["template"]["uuid"])


async def snapshot(gql: GraphQLClient) -> dict[str, Any]:
    return await gql.ok(SNAPSHOT)


async def refused(
    gql: GraphQLClient, document: str, variables: dict[str, Any], *, code: str = "BAD_USER_INPUT"
) -> dict[str, Any]:
    """The first error of a mutation that must fail with ``code`` and return no data."""
    body = await gql.post(document, variables)
    assert body.get("errors"), f"expected an error, got {body}"
    error: dict[str, Any] = body["errors"][0]
    assert error["extensions"]["code"] == code, error
    assert body.get("data") is None, body
    return error


async def rejected(
    gql: GraphQLClient,
    document: str,
    variables: dict[str, Any],
    *,
    code: str = "BAD_USER_INPUT",
    before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Like ``refused``, and the database must be exactly as it was (as ``before``, when
    the caller already took that snapshot)."""
    before = before if before is not None else await snapshot(gql)
    error = await refused(gql, document, variables, code=code)
    assert await snapshot(gql) == before, f"a rejected mutation changed the database: {variables}"
    return error


def options(section: str, *pairs: tuple[str, str]) -> dict[str, list[dict[str, str]]]:
    return {section: [{"key": k, "value": v} for k, v in pairs]}


def update_shape(updates: list[dict[str, Any]]) -> list[tuple[str, str, str, list[str], list[dict[str, str]]]]:
    return [(u["objectType"], u["objectId"], u["action"], u["changedKeys"], u["fields"]) for u in updates]


# --- options -----------------------------------------------------------------

# (case, options input, expected field, fragment the message must contain)
OPTION_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("typo", options("endpoint", ("dtmfmode", "rfc4733")), "input.options.endpoint[0].key", "'dtmf_mode'"),
    ("type", options("endpoint", ("type", "endpoint")), "input.options.endpoint[0].key", "'type'"),
    ("type in aor", options("aor", ("type", "aor")), "input.options.aor[0].key", "'type'"),
    ("endpoint aors", options("endpoint", ("aors", "x")), "input.options.endpoint[0].key", "'aors'"),
    ("endpoint auth", options("endpoint", ("auth", "x")), "input.options.endpoint[0].key", "'auth'"),
    (
        "endpoint outbound_auth",
        options("endpoint", ("allow", "ulaw"), ("outbound_auth", "x")),
        "input.options.endpoint[1].key",
        "'outbound_auth'",
    ),
    (
        "endpoint transport",
        options("endpoint", ("transport", "transport-udp")),
        "input.options.endpoint[0].key",
        "'transport'",
    ),
    ("identify endpoint", options("identify", ("endpoint", "x")), "input.options.identify[0].key", "'endpoint'"),
    (
        "registration endpoint",
        options("registration", ("endpoint", "x")),
        "input.options.registration[0].key",
        "'endpoint'",
    ),
    (
        "registration outbound_auth",
        options("registration", ("outbound_auth", "x")),
        "input.options.registration[0].key",
        "'outbound_auth'",
    ),
    ("extended key in auth", options("auth", ("@custom", "x")), "input.options.auth[0].key", "'@"),
    ("boolean", options("endpoint", ("direct_media", "maybe")), "input.options.endpoint[0].value", "'maybe'"),
    ("enum", options("endpoint", ("dtmf_mode", "loud")), "input.options.endpoint[0].value", "'loud'"),
    ("integer", options("endpoint", ("rtp_timeout", "abc")), "input.options.endpoint[0].value", "'abc'"),
    (
        "newline",
        options("endpoint", ("context", "default\n[evil]\ntype=endpoint")),
        "input.options.endpoint[0].value",
        "control character",
    ),
    (
        "carriage return",
        options("outboundAuth", ("username", "a\rb")),
        "input.options.outboundAuth[0].value",
        "control character",
    ),
    (
        "C1 control character",
        options("endpoint", ("callerid", "Alice\u0085<100>")),
        "input.options.endpoint[0].value",
        "control character",
    ),
    ("4093 characters", options("endpoint", ("context", "x" * 4093)), "input.options.endpoint[0].value", "4092"),
    ("513 options", options("endpoint", *[("allow", "ulaw")] * 513), "input.options.endpoint", "512"),
]


async def test_invalid_options_are_rejected_on_create_and_update(gql: GraphQLClient) -> None:
    # given a tenant with one endpoint
    tenant = await new_tenant(gql, "Validation")
    alice = await new_endpoint(gql, tenant["uuid"], "alice", options=options("endpoint", ("context", "internal")))
    before = await snapshot(gql)

    for case, sections, field, fragment in OPTION_CASES:
        # when a new endpoint is created with the bad option, and alice is updated with it
        create = {"input": {"tenantUuid": tenant["uuid"], "name": "bob", "options": sections}}
        update = {"uuid": alice["uuid"], "input": {"options": sections}}
        for document, variables in ((CREATE_ENDPOINT, create), (UPDATE_ENDPOINT, update)):
            error = await refused(gql, document, variables)

            # then the error points at the offending input and names it
            assert error["extensions"]["field"] == field, case
            assert error["extensions"]["issues"][0]["field"] == field, case
            assert len(error["extensions"]["issues"]) == 1, case
            assert fragment in error["message"], case

        # and nothing is written
        assert await snapshot(gql) == before, case

    # and a misspelt key is answered with its section, the key and the closest valid key
    typo = await rejected(gql, CREATE_ENDPOINT, {"input": {"options": OPTION_CASES[0][1]}}, before=before)
    assert "unknown endpoint option 'dtmfmode'; did you mean 'dtmf_mode'?" in typo["message"]


async def test_valid_option_spellings_are_accepted(gql: GraphQLClient) -> None:
    # given a tenant
    tenant = await new_tenant(gql, "Spellings", defaults=False)

    # when every boolean spelling, an enum in upper case, 512 options and an aor extended field are sent
    spellings = ["yes", "no", "true", "false", "on", "off", "1", "0", "y", "n", "t", "f", "YES"]
    endpoint_options = [("direct_media", s) for s in spellings] + [("dtmf_mode", "RFC4733"), ("rtp_timeout", "30")]
    endpoint_options += [("allow", "ulaw")] * (512 - len(endpoint_options))
    endpoint = await new_endpoint(
        gql,
        tenant["uuid"],
        "ok-1",
        options={
            **options("endpoint", *endpoint_options),
            **options("aor", ("@tenant_tag", "acme"), ("max_contacts", "1")),
        },
    )

    # then they are stored in the given order
    data = await gql.ok(OWN_ENDPOINT_OPTIONS, {"uuid": endpoint["uuid"]})
    stored = data["endpoint"]["own"]["endpoint"]
    assert [(o["key"], o["value"]) for o in stored] == endpoint_options


# --- parents -----------------------------------------------------------------


async def test_parents_cannot_repeat_or_make_a_cycle(gql: GraphQLClient) -> None:
    # given A, B(A), C(B) in a tenant
    tenant = await new_tenant(gql, "Cycles", defaults=False)
    a = await new_template(gql, tenant["uuid"], "a")
    b = await new_template(gql, tenant["uuid"], "b", [a])
    c = await new_template(gql, tenant["uuid"], "c", [b])
    before = await snapshot(gql)

    # when B is given itself as a second parent
    itself = await rejected(gql, UPDATE_TEMPLATE, {"uuid": b, "input": {"parentUuids": [a, b]}}, before=before)
    # then that parent is rejected
    assert itself["extensions"]["field"] == "input.parentUuids[1]"
    assert "own parent" in itself["message"]

    # when A is given C as a parent (A -> C -> B -> A)
    cycle = await rejected(gql, UPDATE_TEMPLATE, {"uuid": a, "input": {"parentUuids": [c]}}, before=before)
    # then the cycle is named
    assert cycle["extensions"]["field"] == "input.parentUuids[0]"
    assert "cycle" in cycle["message"]

    # when an endpoint, or a template, lists the same template twice
    twice = [c, a, c]
    on_endpoint = await rejected(
        gql, CREATE_ENDPOINT, {"input": {"tenantUuid": tenant["uuid"], "parentUuids": twice}}, before=before
    )
    on_template = await rejected(
        gql,
        CREATE_TEMPLATE,
        {"input": {"tenantUuid": tenant["uuid"], "name": "d", "parentUuids": twice}},
        before=before,
    )
    # then the second occurrence is rejected
    assert on_endpoint["extensions"]["field"] == "input.parentUuids[2]"
    assert on_template["extensions"]["field"] == "input.parentUuids[2]"

    # when the parent list is sent as null instead of []
    null = await rejected(gql, UPDATE_TEMPLATE, {"uuid": c, "input": {"parentUuids": None}}, before=before)

    # then the caller is told to use []
    assert null["extensions"]["field"] == "input.parentUuids"


async def test_parent_must_be_an_existing_template_of_the_same_tenant(gql: GraphQLClient) -> None:
    # given two tenants, an endpoint in the first and a template in the second
    mine = await new_tenant(gql, "Mine")
    theirs = await new_tenant(gql, "Theirs")
    carol = await new_endpoint(gql, mine["uuid"], "carol")
    dave = await new_endpoint(gql, mine["uuid"], "dave")
    template = await new_template(gql, mine["uuid"], "office")

    before = await snapshot(gql)
    messages: list[str] = []

    for parent in (theirs["general"], carol["uuid"], str(uuid.uuid4())):
        # when an endpoint, and a template, take another tenant's template, an endpoint, or an unknown uuid
        on_update = await refused(gql, UPDATE_ENDPOINT, {"uuid": dave["uuid"], "input": {"parentUuids": [parent]}})
        on_template = await refused(gql, UPDATE_TEMPLATE, {"uuid": template, "input": {"parentUuids": [parent]}})
        on_create = await refused(
            gql, CREATE_ENDPOINT, {"input": {"tenantUuid": mine["uuid"], "parentUuids": [mine["sip"], parent]}}
        )
        assert await snapshot(gql) == before, parent

        # then the parent is rejected at its position
        assert on_update["extensions"]["field"] == "input.parentUuids[0]", parent
        assert on_template["extensions"]["field"] == "input.parentUuids[0]", parent
        assert on_create["extensions"]["field"] == "input.parentUuids[1]", parent
        messages.append(on_create["message"])

    # and another tenant's template gets the same answer as an unknown uuid: existence does not leak
    assert messages[0] == messages[2]


async def test_too_deep_inheritance_and_too_many_parents_are_rejected(gql: GraphQLClient) -> None:
    # given a chain of 16 templates (the deepest inheritance allowed) and 5 unrelated templates
    tenant = await new_tenant(gql, "Deep", defaults=False)
    chain: list[str] = []
    for i in range(16):
        chain.append(await new_template(gql, tenant["uuid"], f"level-{i}", chain[-1:]))
    flat = [await new_template(gql, tenant["uuid"], f"flat-{i}") for i in range(5)]
    before = await snapshot(gql)

    # when a 17th level is added, as a template or as an endpoint
    as_template = await rejected(
        gql,
        CREATE_TEMPLATE,
        {"input": {"tenantUuid": tenant["uuid"], "name": "level-16", "parentUuids": chain[-1:]}},
        before=before,
    )
    as_endpoint = await rejected(
        gql, CREATE_ENDPOINT, {"input": {"tenantUuid": tenant["uuid"], "parentUuids": chain[-1:]}}, before=before
    )

    # then both are refused on the parent list
    assert as_template["extensions"]["field"] == "input.parentUuids"
    assert as_endpoint["extensions"]["field"] == "input.parentUuids"
    assert "16" in as_template["message"]

    # when an endpoint lists 21 distinct templates
    error = await rejected(
        gql, CREATE_ENDPOINT, {"input": {"tenantUuid": tenant["uuid"], "parentUuids": flat + chain}}, before=before
    )

    # then the list is refused as a whole
    assert error["extensions"]["field"] == "input.parentUuids"
    assert "20" in error["message"]

    # when the top of the chain is given a parent, which would push its descendants one level deeper
    error = await rejected(gql, UPDATE_TEMPLATE, {"uuid": chain[0], "input": {"parentUuids": flat[:1]}}, before=before)

    # then that is refused too
    assert error["extensions"]["field"] == "input.parentUuids"


# --- names -------------------------------------------------------------------


async def test_endpoint_names_are_unique_per_engine_and_template_names_per_tenant(gql: GraphQLClient) -> None:
    # given two tenants on the same engine: `alice` and template `office` in the first, `bob` in the second
    first = await new_tenant(gql, "First")
    second = await new_tenant(gql, "Second")
    await new_endpoint(gql, first["uuid"], "alice")
    office = await new_template(gql, first["uuid"], "office")
    bob = await new_endpoint(gql, second["uuid"], "bob")
    before = await snapshot(gql)

    # when the second tenant creates `alice`, or renames `bob` to `alice`
    created = await refused(gql, CREATE_ENDPOINT, {"input": {"tenantUuid": second["uuid"], "name": "alice"}})
    renamed = await refused(gql, UPDATE_ENDPOINT, {"uuid": bob["uuid"], "input": {"name": "alice"}})

    # then both are rejected on the name
    assert created["extensions"]["field"] == "input.name"
    assert renamed["extensions"]["field"] == "input.name"

    # when the first tenant creates `office` or `general` again, renames `office` to `sip`, or uses bad names
    template_errors = [
        await refused(gql, CREATE_TEMPLATE, {"input": {"tenantUuid": first["uuid"], "name": name}})
        for name in ("office", "general", "my office", "office\n", "system")
    ]
    template_errors.append(await refused(gql, UPDATE_TEMPLATE, {"uuid": office, "input": {"name": "sip"}}))

    # then each is rejected on the name, and none of these wrote anything
    assert [e["extensions"]["field"] for e in template_errors] == ["input.name"] * 6
    assert await snapshot(gql) == before

    # when the second tenant creates its own `office`
    other = await new_template(gql, second["uuid"], "office")

    # then that is fine: template names are scoped to their tenant
    assert other != office


INVALID_ENDPOINT_NAMES = [
    "transport-udp",  # a transport of the engine
    "global",
    "system",
    "GLOBAL",
    "",
    "a b",
    "a" * 80,
    "ali/ce",
    "alice]",
    "élodie",
    "al;ice",
    "alice\n",  # `$` must not accept a trailing newline
    "outbound_auth_alice",  # would collide with an endpoint's outbound auth object
    "auth_reg_alice",
]


async def test_invalid_endpoint_names_are_rejected(gql: GraphQLClient) -> None:
    # given a tenant with an endpoint
    tenant = await new_tenant(gql, "Names", defaults=False)
    alice = await new_endpoint(gql, tenant["uuid"], "alice")
    before = await snapshot(gql)

    for name in INVALID_ENDPOINT_NAMES:
        # when an endpoint is created, or renamed, with the name
        created = await refused(gql, CREATE_ENDPOINT, {"input": {"tenantUuid": tenant["uuid"], "name": name}})
        renamed = await refused(gql, UPDATE_ENDPOINT, {"uuid": alice["uuid"], "input": {"name": name}})

        # then the name is rejected and nothing is written
        assert created["extensions"]["field"] == "input.name", name
        assert renamed["extensions"]["field"] == "input.name", name
        assert await snapshot(gql) == before, name

    # when a rename sends null
    null = await rejected(gql, UPDATE_ENDPOINT, {"uuid": alice["uuid"], "input": {"name": None}}, before=before)

    # then that is refused too (omitting the name keeps it)
    assert null["extensions"]["field"] == "input.name"

    # when a name has 79 characters of every allowed class
    longest = ("Az0-_." * 14)[:79]
    endpoint = await new_endpoint(gql, tenant["uuid"], longest)

    # then it is accepted as given
    assert endpoint["name"] == longest


# --- all-or-nothing ----------------------------------------------------------


async def test_a_mutation_with_any_problem_writes_nothing(gql: GraphQLClient) -> None:
    # given a tenant with an endpoint inheriting from `sip`
    tenant = await new_tenant(gql, "Mixed")
    alice = await new_endpoint(gql, tenant["uuid"], "alice", parentUuids=[tenant["sip"]])
    before = await snapshot(gql)

    # when an update changes label, parents and two sections but one aor option is bad
    error = await rejected(
        gql,
        UPDATE_ENDPOINT,
        {
            "uuid": alice["uuid"],
            "input": {
                "label": "Alice's phone",
                "parentUuids": [tenant["webrtc"]],
                "options": {
                    **options("endpoint", ("context", "sales"), ("allow", "opus")),
                    **options("aor", ("max_contacts", "2"), ("remove_existing", "perhaps")),
                },
            },
        },
        before=before,
    )
    # then only the bad value is reported (and `rejected` checked that nothing was written)
    assert error["extensions"]["field"] == "input.options.aor[1].value"
    assert len(error["extensions"]["issues"]) == 1

    # when a template update mixes a rename with a bad option
    error = await rejected(
        gql,
        UPDATE_TEMPLATE,
        {"uuid": tenant["general"], "input": {"name": "common", "options": options("endpoint", ("dtmf_mode", "x"))}},
        before=before,
    )
    # then the template and its descendants' objects are untouched
    assert error["extensions"]["field"] == "input.options.endpoint[0].value"

    # when one creation has a bad name and label, an unknown parent and transport, a typo, a bad boolean
    # and a managed key
    error = await rejected(
        gql,
        CREATE_ENDPOINT,
        {
            "input": {
                "tenantUuid": tenant["uuid"],
                "name": "bad name",
                "label": "two\nlines",
                "transportUuid": str(uuid.uuid4()),
                "parentUuids": [tenant["sip"], str(uuid.uuid4())],
                "options": {
                    **options("endpoint", ("context", "ok"), ("dtmfmode", "rfc4733"), ("direct_media", "maybe")),
                    **options("identify", ("endpoint", "x")),
                },
            }
        },
        before=before,
    )

    # then every problem is listed, the first one as `field`
    fields = {i["field"] for i in error["extensions"]["issues"]}
    assert fields == {
        "input.name",
        "input.label",
        "input.transportUuid",
        "input.parentUuids[1]",
        "input.options.endpoint[1].key",
        "input.options.endpoint[2].value",
        "input.options.identify[0].key",
    }
    assert error["extensions"]["field"] == error["extensions"]["issues"][0]["field"]
    assert all(i["message"] for i in error["extensions"]["issues"])


# --- revisions ---------------------------------------------------------------


async def test_expected_revision(gql: GraphQLClient) -> None:
    # given an endpoint at revision 1 and a template
    tenant = await new_tenant(gql, "Revisions")
    alice = await new_endpoint(gql, tenant["uuid"], "alice")
    assert alice["revision"] == 1
    change = {"options": options("endpoint", ("context", "sales"))}

    # when the update expects a stale revision
    error = await rejected(
        gql, UPDATE_ENDPOINT, {"uuid": alice["uuid"], "input": change, "expectedRevision": 0}, code="CONFLICT"
    )
    # then nothing is written and the current revision is named
    assert "1" in error["message"]

    # when it expects the current one
    data = await gql.ok(UPDATE_ENDPOINT, {"uuid": alice["uuid"], "input": change, "expectedRevision": 1})

    # then it succeeds and the revision moves on by one
    assert data["updateEndpoint"]["endpoint"]["revision"] == 2
    assert data["updateEndpoint"]["endpoint"]["own"]["endpoint"] == [{"key": "context", "value": "sales"}]

    # and the same holds for templates
    await rejected(
        gql,
        UPDATE_TEMPLATE,
        {"uuid": tenant["general"], "input": {"label": "x"}, "expectedRevision": 2},
        code="CONFLICT",
    )
    data = await gql.ok(UPDATE_TEMPLATE, {"uuid": tenant["general"], "input": {"label": "x"}, "expectedRevision": 1})
    assert data["updateTemplate"]["template"]["revision"] == 2


# --- dry runs ----------------------------------------------------------------


async def test_dry_runs_report_the_real_updates_and_store_nothing(gql: GraphQLClient) -> None:
    # given a tenant with an endpoint inheriting from `sip`
    tenant = await new_tenant(gql, "Dry")
    await new_endpoint(gql, tenant["uuid"], "alice", parentUuids=[tenant["sip"]])
    create = {
        "input": {
            "tenantUuid": tenant["uuid"],
            "name": "bob",
            "parentUuids": [tenant["sip"]],
            "options": {
                **options("auth", ("username", "bob"), ("password", "pw")),
                **options("aor", ("max_contacts", "1")),
            },
        }
    }

    # when bob's creation is tried first
    before = await snapshot(gql)
    dry = (await gql.ok(CREATE_ENDPOINT, {**create, "dryRun": True}))["createEndpoint"]
    # then nothing is stored
    assert await snapshot(gql) == before
    assert dry["changes"]["dryRun"] is True
    assert all(u["seq"] is None for u in dry["changes"]["sorceryUpdates"])
    # and the real call records the same updates
    real = (await gql.ok(CREATE_ENDPOINT, create))["createEndpoint"]
    assert real["changes"]["dryRun"] is False
    # (the dry run used up no sequence numbers)
    last_seq = max(u["seq"] for u in before["sorceryUpdates"])
    seqs = [u["seq"] for u in real["changes"]["sorceryUpdates"]]
    assert seqs == list(range(last_seq + 1, last_seq + 1 + len(seqs)))
    assert update_shape(dry["changes"]["sorceryUpdates"]) == update_shape(real["changes"]["sorceryUpdates"])
    assert {u["objectType"] for u in real["changes"]["sorceryUpdates"]} == {"auth", "aor", "endpoint"}
    bob = real["endpoint"]["uuid"]

    # when a change of `general` is tried first
    general = (await gql.ok(OWN_TEMPLATE_OPTIONS, {"uuid": tenant["general"]}))["template"]["own"]["endpoint"]
    assert {"key": "dtmf_mode", "value": "rfc4733"} in general
    changed = [{"key": o["key"], "value": "inband" if o["key"] == "dtmf_mode" else o["value"]} for o in general]
    template_change = {"uuid": tenant["general"], "input": {"options": {"endpoint": changed}}}
    before = await snapshot(gql)
    dry = (await gql.ok(UPDATE_TEMPLATE, {**template_change, "dryRun": True}))["updateTemplate"]
    # then nothing is stored
    assert await snapshot(gql) == before
    assert all(u["seq"] is None for u in dry["changes"]["sorceryUpdates"])
    # and the real call records the same updates: one endpoint update per descendant
    real = (await gql.ok(UPDATE_TEMPLATE, template_change))["updateTemplate"]
    assert update_shape(dry["changes"]["sorceryUpdates"]) == update_shape(real["changes"]["sorceryUpdates"])
    assert dry["changes"]["affectedEndpoints"] == real["changes"]["affectedEndpoints"] == 2
    assert sorted((u["objectType"], u["objectId"], u["changedKeys"]) for u in real["changes"]["sorceryUpdates"]) == [
        ("endpoint", "alice", ["dtmf_mode"]),
        ("endpoint", "bob", ["dtmf_mode"]),
    ]

    # when bob's deletion is tried first
    before = await snapshot(gql)
    dry = (await gql.ok(DELETE_ENDPOINT, {"uuid": bob, "dryRun": True}))["deleteEndpoint"]
    # then nothing is stored
    assert await snapshot(gql) == before
    assert all(u["seq"] is None for u in dry["changes"]["sorceryUpdates"])
    # and the real call records the same deletions
    real = (await gql.ok(DELETE_ENDPOINT, {"uuid": bob}))["deleteEndpoint"]
    assert update_shape(dry["changes"]["sorceryUpdates"]) == update_shape(real["changes"]["sorceryUpdates"])
    assert {u["action"] for u in real["changes"]["sorceryUpdates"]} == {"DELETE"}
    assert real["changes"]["sorceryUpdates"][0]["objectType"] == "endpoint"


# --- request limits ----------------------------------------------------------


TOO_LARGE_PAGES = [
    "{ endpoints(first: 501) { totalCount } }",
    "{ endpoints(first: -1) { totalCount } }",
    "{ templates(first: 501) { totalCount } }",
    "{ tenants(first: 501) { totalCount } }",
    "{ sorceryUpdates(first: 501) { seq } }",
]


def nested_query(levels: int) -> str:
    """endpoint -> parents -> children -> parents -> ... with ``levels`` fields below `endpoint`."""
    body = "uuid"
    for i in reversed(range(levels)):
        body = f"{'parents' if i % 2 == 0 else 'children'} {{ uuid {body} }}"
    return f'{{ endpoint(uuid: "{uuid.uuid4()}") {{ uuid {body} }} }}'


def aliased_query(count: int) -> str:
    return "{ " + " ".join(f"a{i}: tenants(first: 1) {{ totalCount }}" for i in range(count)) + " }"


async def test_request_limits(gql: GraphQLClient) -> None:
    for query in TOO_LARGE_PAGES:
        # when a page larger than 500 (or a negative one) is asked for
        error = await gql.error(query)

        # then it is the caller's mistake, on the `first` argument
        assert error["extensions"]["code"] == "BAD_USER_INPUT", query
        assert error["extensions"]["field"] == "first", query

    # when exactly 500 items are asked for, then the lists answer
    await gql.ok(ENDPOINT_PAGE, {"first": 500})
    await gql.ok("{ templates(first: 500) { totalCount } tenants(first: 500) { totalCount } }")
    await gql.ok("{ sorceryUpdates(first: 500) { seq } }")

    for query in (nested_query(15), aliased_query(40)):
        # when a query nests 15 levels, or has 40 aliases
        body = await gql.post(query)

        # then it is refused before execution
        assert body.get("errors"), body
        assert body.get("data") is None, body
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body

    # a query within the depth limit whose nested lists multiply past the cost budget is refused too
    costly = await gql.error(nested_query(6))
    assert costly["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    # while a reasonably nested query is executed (the endpoint does not exist: NOT_FOUND, not a limit)
    shallow = await gql.error(nested_query(2))
    assert shallow["extensions"]["code"] == "NOT_FOUND"
    # and a few aliases are fine
    assert len(await gql.ok(aliased_query(5))) == 5
