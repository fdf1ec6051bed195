"""Secrets (docs/domain.md §6): `password` and `md5_cred` of auth-type sections are masked without secrets:read.

Masking covers every way a value leaves the server: `own`, `resolved` (with the values
a secret overrides), `sorceryObjects`, and the Sorcery updates of a mutation's `changes`.
A masked value sent back unchanged keeps the stored secret; the mask is never a new
secret. The `sorceryUpdates` stream carries secrets, so it needs the scope, and a
tenant's token only sees the updates of its own subtree.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from app.services.tokens import create_token
from tests.conftest import GraphQLClient, World

MASK = "********"
PLAIN_SCOPES = "tenants:read,sip:read,sip:write"
SECRET_SCOPES = "tenants:read,sip:read,sip:write,secrets:read"

CREATE_TENANT = """
mutation($name: String!, $parent: UUID) {
  createTenant(input: {name: $name, parentUuid: $parent, withDefaultTemplates: false}) { tenant { uuid } }
}
"""

# What a frontend shows of a configuration: every place a secret could appear.
VIEW = """
fragment Resolved on ResolvedSipOption { key value overrides { value } }
fragment Own on SipSections {
  auth { key value } outboundAuth { key value } registrationOutboundAuth { key value }
}
fragment AllResolved on ResolvedSipSections {
  auth { ...Resolved } outboundAuth { ...Resolved } registrationOutboundAuth { ...Resolved }
}
"""
CHANGES = """
fragment Changes on ChangeSummary {
  sorceryUpdates { seq action objectType objectId changedKeys fields { key value } }
}
"""

CREATE_TEMPLATE = (
    VIEW
    + CHANGES
    + """
mutation($input: CreateSipTemplateInput!) {
  createTemplate(input: $input) { template { uuid own { ...Own } resolved { ...AllResolved } } changes { ...Changes } }
}
"""
)

CREATE_ENDPOINT = (
    VIEW
    + CHANGES
    + """
mutation($input: CreateSipEndpointInput!) {
  createEndpoint(input: $input) {
    endpoint { uuid own { ...Own } resolved { ...AllResolved } sorceryObjects { type id fields { key value } } }
    changes { ...Changes }
  }
}
"""
)

UPDATE_ENDPOINT = (
    VIEW
    + CHANGES
    + """
mutation($uuid: UUID!, $input: UpdateSipConfigInput!) {
  updateEndpoint(uuid: $uuid, input: $input) {
    endpoint { revision own { ...Own } resolved { ...AllResolved } sorceryObjects { type id fields { key value } } }
    changes { ...Changes }
  }
}
"""
)

READ = (
    VIEW
    + """
query($template: UUID!, $endpoint: UUID!) {
  template(uuid: $template) { own { ...Own } resolved { ...AllResolved } }
  endpoint(uuid: $endpoint) {
    revision own { ...Own } resolved { ...AllResolved } sorceryObjects { type id fields { key value } }
  }
}
"""
)

SORCERY_UPDATES = """
query($after: Int) {
  sorceryUpdates(after: $after, first: 500) { seq objectType objectId tenantUuid fields { key value } }
}
"""

# The stored secrets; none of them may appear anywhere in a masked answer.
TEMPLATE_AUTH_PASSWORD = "tpl-auth-pw"
TEMPLATE_OUTBOUND_PASSWORD = "tpl-outbound-pw"
ALICE_PASSWORD = "alice-pw"
ALICE_MD5 = "0123456789abcdef0123456789abcdef"
ALICE_REG_MD5 = "fedcba9876543210fedcba9876543210"
SECRETS = (TEMPLATE_AUTH_PASSWORD, TEMPLATE_OUTBOUND_PASSWORD, ALICE_PASSWORD, ALICE_MD5, ALICE_REG_MD5)


def opts(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in pairs]


# A template with an auth secret (that alice overrides) and an outbound auth (that alice inherits).
TEMPLATE_OPTIONS = {
    "auth": opts(("realm", "example.com"), ("password", TEMPLATE_AUTH_PASSWORD)),
    "outboundAuth": opts(("username", "trunk"), ("password", TEMPLATE_OUTBOUND_PASSWORD)),
}
# Alice's own secrets in auth and in the outbound registration's auth.
ALICE_OPTIONS = {
    "auth": opts(("username", "alice"), ("password", ALICE_PASSWORD), ("md5_cred", ALICE_MD5)),
    "registration": opts(("server_uri", "sip:reg.example.com"), ("client_uri", "sip:alice@reg.example.com")),
    "registrationOutboundAuth": opts(("username", "alice-reg"), ("md5_cred", ALICE_REG_MD5)),
}


# --- helpers --------------------------------------------------------------------------------------


async def new_token(world: World, tenant_uuid: str, scopes: str) -> str:
    async with world.db.writing() as session:
        return await create_token(session, tenant_uuid=UUID(tenant_uuid), scopes=scopes)


async def new_tenant(admin: GraphQLClient, name: str, parent: str | None = None) -> str:
    uuid: str = (await admin.ok(CREATE_TENANT, {"name": name, "parent": parent}))["createTenant"]["tenant"]["uuid"]
    return uuid


def shown(value: str, visible: bool) -> str:
    return value if visible else MASK


def secrets_in(answer: Any) -> list[str]:
    """The stored secrets that appear anywhere in an answer."""
    text = json.dumps(answer)
    return [s for s in SECRETS if s in text]


def own_of(config: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {section: [(o["key"], o["value"]) for o in options] for section, options in config["own"].items()}


def resolved_of(config: dict[str, Any]) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(section, key) -> (value, the values it overrides)."""
    return {
        (section, o["key"]): (o["value"], [v["value"] for v in o["overrides"]])
        for section, options in config["resolved"].items()
        for o in options
    }


def objects_of(items: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, str]]:
    """Sorcery objects (or UPSERT updates) by (type, id): their fields as a dict."""
    return {
        (o.get("type") or o["objectType"], o.get("id") or o["objectId"]): {f["key"]: f["value"] for f in o["fields"]}
        for o in items
    }


def alice_objects(visible: bool) -> dict[tuple[str, str], dict[str, str]]:
    """Alice's auth objects as a caller sees them (the endpoint and registration objects hold no secret)."""
    return {
        ("auth", "alice"): {
            "realm": "example.com",
            "username": "alice",
            "password": shown(ALICE_PASSWORD, visible),
            "md5_cred": shown(ALICE_MD5, visible),
        },
        ("auth", "outbound_auth_alice"): {"username": "trunk", "password": shown(TEMPLATE_OUTBOUND_PASSWORD, visible)},
        ("auth", "auth_reg_alice"): {"username": "alice-reg", "md5_cred": shown(ALICE_REG_MD5, visible)},
    }


def auth_only(objects: dict[tuple[str, str], dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    return {key: fields for key, fields in objects.items() if key[0] == "auth"}


async def setup_alice(world: World, admin: GraphQLClient) -> tuple[dict[str, GraphQLClient], dict[str, Any]]:
    """A tenant with a token without and one with secrets:read; the template `creds` and its endpoint `alice`,
    both created with the token without secrets:read. Returns the clients and the two create payloads."""
    tenant = await new_tenant(admin, "Customer")
    clients = {
        "without secrets:read": admin.as_token(await new_token(world, tenant, PLAIN_SCOPES)),
        "with secrets:read": admin.as_token(await new_token(world, tenant, SECRET_SCOPES)),
        "root admin": admin,
    }
    plain = clients["without secrets:read"]
    template = (
        await plain.ok(CREATE_TEMPLATE, {"input": {"tenantUuid": tenant, "name": "creds", "options": TEMPLATE_OPTIONS}})
    )["createTemplate"]
    endpoint = (
        await plain.ok(
            CREATE_ENDPOINT,
            {"input": {"name": "alice", "parentUuids": [template["template"]["uuid"]], "options": ALICE_OPTIONS}},
        )
    )["createEndpoint"]
    return clients, {"template": template, "endpoint": endpoint}


# --- masking --------------------------------------------------------------------------------------


async def test_secrets_are_masked_everywhere_without_the_secrets_scope(world: World, gql: GraphQLClient) -> None:
    # when a token without secrets:read creates a template and an endpoint with secrets
    clients, created = await setup_alice(world, gql)
    ids = {"template": created["template"]["template"]["uuid"], "endpoint": created["endpoint"]["endpoint"]["uuid"]}

    # then its create payloads (own, resolved, sorceryObjects, changes.sorceryUpdates) show only masks
    assert secrets_in(created) == []
    assert auth_only(objects_of(created["endpoint"]["endpoint"]["sorceryObjects"])) == alice_objects(False)
    updates = created["endpoint"]["changes"]["sorceryUpdates"]
    assert auth_only(objects_of(updates)) == alice_objects(False)

    for who, client in clients.items():
        visible = who != "without secrets:read"

        # when each token reads the template and the endpoint
        data = await client.ok(READ, ids)

        # then secrets are shown with secrets:read (the root admin has "*") and masked without, everywhere
        assert (secrets_in(data) != []) is visible, who
        endpoint, template = data["endpoint"], data["template"]
        assert own_of(endpoint) == {
            "auth": [
                ("username", "alice"),
                ("password", shown(ALICE_PASSWORD, visible)),
                ("md5_cred", shown(ALICE_MD5, visible)),
            ],
            "outboundAuth": [],
            "registrationOutboundAuth": [("username", "alice-reg"), ("md5_cred", shown(ALICE_REG_MD5, visible))],
        }, who
        assert own_of(template)["outboundAuth"] == [
            ("username", "trunk"),
            ("password", shown(TEMPLATE_OUTBOUND_PASSWORD, visible)),
        ], who
        resolved = resolved_of(endpoint)
        # an overridden secret is a secret too: masked, and its overridden values are not listed
        overridden = [TEMPLATE_AUTH_PASSWORD] if visible else []
        assert resolved[("auth", "password")] == (shown(ALICE_PASSWORD, visible), overridden), who
        assert resolved[("auth", "md5_cred")] == (shown(ALICE_MD5, visible), []), who
        assert resolved[("auth", "username")] == ("alice", []), who
        assert resolved[("outboundAuth", "password")] == (shown(TEMPLATE_OUTBOUND_PASSWORD, visible), []), who
        assert resolved[("registrationOutboundAuth", "md5_cred")] == (shown(ALICE_REG_MD5, visible), []), who
        assert auth_only(objects_of(endpoint["sorceryObjects"])) == alice_objects(visible), who


async def test_a_secret_written_without_the_scope_is_not_echoed_in_the_changes(
    world: World, gql: GraphQLClient
) -> None:
    # given alice, and the token without secrets:read
    clients, created = await setup_alice(world, gql)
    plain, endpoint = clients["without secrets:read"], created["endpoint"]["endpoint"]["uuid"]
    new_auth = opts(("username", "alice"), ("password", "brand-new-pw"), ("md5_cred", MASK))

    # when it sets a new password (and sends the md5_cred back masked)
    payload = (await plain.ok(UPDATE_ENDPOINT, {"uuid": endpoint, "input": {"options": {"auth": new_auth}}}))[
        "updateEndpoint"
    ]

    # then the auth update is recorded, but the answer masks both the new and the kept secret
    assert "brand-new-pw" not in json.dumps(payload)
    assert secrets_in(payload) == []
    assert objects_of(payload["changes"]["sorceryUpdates"]) == {
        ("auth", "alice"): {"realm": "example.com", "username": "alice", "password": MASK, "md5_cred": MASK}
    }
    assert [u["changedKeys"] for u in payload["changes"]["sorceryUpdates"]] == [["password"]]

    # and the root admin sees the new password and the md5_cred that was kept
    stored = await gql.ok(READ, {"template": created["template"]["template"]["uuid"], "endpoint": endpoint})
    assert own_of(stored["endpoint"])["auth"] == [
        ("username", "alice"),
        ("password", "brand-new-pw"),
        ("md5_cred", ALICE_MD5),
    ]


async def test_a_masked_secret_sent_back_unchanged_keeps_the_stored_secret(world: World, gql: GraphQLClient) -> None:
    # given alice, as the token without secrets:read reads her (masked)
    clients, created = await setup_alice(world, gql)
    plain = clients["without secrets:read"]
    ids = {"template": created["template"]["template"]["uuid"], "endpoint": created["endpoint"]["endpoint"]["uuid"]}
    masked = (await plain.ok(READ, ids))["endpoint"]
    last_seq = max(u["seq"] for u in (await gql.ok(SORCERY_UPDATES))["sorceryUpdates"])

    # when it saves every auth section back as it read it, with a new label
    sections = {name: masked["own"][name] for name in ("auth", "outboundAuth", "registrationOutboundAuth")}
    payload = (
        await plain.ok(UPDATE_ENDPOINT, {"uuid": ids["endpoint"], "input": {"label": "Alice", "options": sections}})
    )["updateEndpoint"]

    # then no auth object changed: no auth update in the answer nor in the recorded stream
    assert [u for u in payload["changes"]["sorceryUpdates"] if u["objectType"] == "auth"] == []
    recorded = (await gql.ok(SORCERY_UPDATES, {"after": last_seq}))["sorceryUpdates"]
    assert [u for u in recorded if u["objectType"] == "auth"] == []
    # and the root admin still sees the stored secrets
    stored = await gql.ok(READ, ids)
    assert stored["endpoint"]["own"] == created["endpoint"]["endpoint"]["own"] | {
        "auth": opts(("username", "alice"), ("password", ALICE_PASSWORD), ("md5_cred", ALICE_MD5)),
        "registrationOutboundAuth": opts(("username", "alice-reg"), ("md5_cred", ALICE_REG_MD5)),
    }
    assert auth_only(objects_of(stored["endpoint"]["sorceryObjects"])) == alice_objects(True)

    # when it sends the masks back with a changed username
    sections["auth"] = opts(("username", "alice2"), ("password", MASK), ("md5_cred", MASK))
    payload = (await plain.ok(UPDATE_ENDPOINT, {"uuid": ids["endpoint"], "input": {"options": sections}}))[
        "updateEndpoint"
    ]

    # then only the username changed, and the recorded update carries the stored secrets
    assert [(u["objectId"], u["changedKeys"]) for u in payload["changes"]["sorceryUpdates"]] == [
        ("alice", ["username"])
    ]
    seq = payload["changes"]["sorceryUpdates"][0]["seq"]
    recorded = [u for u in (await gql.ok(SORCERY_UPDATES, {"after": seq - 1}))["sorceryUpdates"] if u["seq"] == seq]
    assert objects_of(recorded)[("auth", "alice")] == alice_objects(True)[("auth", "alice")] | {"username": "alice2"}


async def test_the_mask_is_never_a_new_secret(world: World, gql: GraphQLClient) -> None:
    # given alice, the token without secrets:read, and the recorded state
    clients, created = await setup_alice(world, gql)
    plain = clients["without secrets:read"]
    ids = {"template": created["template"]["template"]["uuid"], "endpoint": created["endpoint"]["endpoint"]["uuid"]}
    before = await gql.ok(READ, ids), await gql.ok(SORCERY_UPDATES)
    attempts = {
        "new endpoint with a masked password": (
            CREATE_ENDPOINT,
            {"input": {"name": "bob", "options": {"auth": opts(("username", "bob"), ("password", MASK))}}},
            "input.options.auth[1].value",
        ),
        "new template with a masked md5_cred": (
            CREATE_TEMPLATE,
            {"input": {"name": "t2", "options": {"outboundAuth": opts(("md5_cred", MASK))}}},
            "input.options.outboundAuth[0].value",
        ),
        "update adding a masked password where none is stored": (
            UPDATE_ENDPOINT,
            {
                "uuid": ids["endpoint"],
                "input": {"options": {"registrationOutboundAuth": opts(("username", "alice-reg"), ("password", MASK))}},
            },
            "input.options.registrationOutboundAuth[1].value",
        ),
        "update moving a masked secret to another section": (
            UPDATE_ENDPOINT,
            {"uuid": ids["endpoint"], "input": {"options": {"outboundAuth": opts(("md5_cred", MASK))}}},
            "input.options.outboundAuth[0].value",
        ),
    }

    # when it sends the mask as the value of a secret that is not stored there
    answers = {name: await plain.error(document, variables) for name, (document, variables, _) in attempts.items()}

    # then each is bad input naming the value, and nothing was written
    assert {name: (e["extensions"]["code"], e["extensions"]["field"]) for name, e in answers.items()} == {
        name: ("BAD_USER_INPUT", field) for name, (_, _, field) in attempts.items()
    }
    assert (await gql.ok(READ, ids), await gql.ok(SORCERY_UPDATES)) == before


# --- the Sorcery update stream --------------------------------------------------------------------


async def test_sorcery_updates_need_the_secrets_scope_and_cover_the_callers_subtree(
    world: World, gql: GraphQLClient
) -> None:
    # given tenant T with a sub-tenant T1, a sibling U, and in each an endpoint with a password
    t = await new_tenant(gql, "T")
    t1 = await new_tenant(gql, "T1", t)
    u = await new_tenant(gql, "U")
    for tenant, name in ((t, "ep-t"), (t1, "ep-t1"), (u, "ep-u")):
        options = {"auth": opts(("username", name), ("password", f"secret-of-{name}"))}
        await gql.ok(CREATE_ENDPOINT, {"input": {"tenantUuid": tenant, "name": name, "options": options}})
    clients = {
        "T": gql.as_token(await new_token(world, t, SECRET_SCOPES)),
        "T1": gql.as_token(await new_token(world, t1, SECRET_SCOPES)),
    }

    # when a token without secrets:read asks for the stream
    error = await gql.as_token(await new_token(world, t, PLAIN_SCOPES)).error(SORCERY_UPDATES)

    # then it is forbidden
    assert error["extensions"]["code"] == "FORBIDDEN"

    # when T, T1 and the root admin read the stream
    streams = {who: (await c.ok(SORCERY_UPDATES))["sorceryUpdates"] for who, c in clients.items()}
    everything = (await gql.ok(SORCERY_UPDATES))["sorceryUpdates"]

    # then each tenant sees the updates of its own subtree only, in order and with secrets shown
    assert {x["tenantUuid"] for x in streams["T"]} == {t, t1}
    assert {x["tenantUuid"] for x in streams["T1"]} == {t1}
    assert {x["objectId"] for x in streams["T"]} == {"ep-t", "ep-t1"}
    assert objects_of(streams["T1"])[("auth", "ep-t1")] == {"username": "ep-t1", "password": "secret-of-ep-t1"}
    for stream in streams.values():
        assert [x["seq"] for x in stream] == sorted(x["seq"] for x in stream)
    # and the root admin sees every update of the engine, the engine's own objects included
    assert {x["tenantUuid"] for x in everything} == {t, t1, u, None}
    assert {x["seq"] for x in everything} >= {x["seq"] for s in streams.values() for x in s}
