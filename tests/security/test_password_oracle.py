"""A caller without secrets:read learns nothing about a stored secret from any answer.

Without the scope, a secret sent in clear always counts as changed, whether or not it
equals the stored value (dry run or not): the answers to a right and to a wrong guess
are the same, apart from the masked values they never show.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest

from app.services.tokens import create_token
from tests.conftest import GraphQLClient, World

PLAIN_SCOPES = "tenants:read,sip:read,sip:write"
SECRET_SCOPES = "tenants:read,sip:read,sip:write,secrets:read"
TEMPLATE_PASSWORD = "tpl-secret"
ALICE_PASSWORD = "alice-secret"
WRONG = "not-the-password"

CREATE_TENANT = """
mutation($name: String!) {
  createTenant(input: {name: $name, withDefaultTemplates: false}) { tenant { uuid } }
}
"""
CREATE_TEMPLATE = """
mutation($input: CreateSipTemplateInput!) { createTemplate(input: $input) { template { uuid } } }
"""
CREATE_ENDPOINT = """
mutation($input: CreateSipEndpointInput!) { createEndpoint(input: $input) { endpoint { uuid } } }
"""
# Everything an answer can tell: revision, own and resolved options (with overrides), Sorcery objects,
# the recorded updates and their count.
SHAPE = """
  revision
  own { auth { key value } }
  resolved { auth { key value inherited overrides { value } } }
  sorceryObjects { type id fields { key value } }
"""
CHANGES = """
  changes { affectedEndpoints sorceryUpdates { action objectType objectId changedKeys fields { key value } } }
"""
UPDATE = {
    "endpoint": "mutation($uuid: UUID!, $input: UpdateSipConfigInput!, $dry: Boolean!) {"
    " updateEndpoint(uuid: $uuid, input: $input, dryRun: $dry) { endpoint {" + SHAPE + "}" + CHANGES + "} }",
    "template": "mutation($uuid: UUID!, $input: UpdateSipConfigInput!, $dry: Boolean!) {"
    " updateTemplate(uuid: $uuid, input: $input, dryRun: $dry) { template { revision own { auth { key value } } }"
    + CHANGES
    + "} }",
}
RECORDED = "query { sorceryUpdates(after: 0, first: 500) { seq } }"


def opts(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in pairs]


async def token(world: World, tenant: str, scopes: str) -> str:
    async with world.db.writing() as session:
        return await create_token(session, tenant_uuid=UUID(tenant), scopes=scopes)


async def setup(world: World, admin: GraphQLClient) -> tuple[GraphQLClient, GraphQLClient, dict[str, str]]:
    """A template with a password, alice (own password) and bob (inherits it), made by the root admin."""
    tenant = (await admin.ok(CREATE_TENANT, {"name": "Victim"}))["createTenant"]["tenant"]["uuid"]
    template = (
        await admin.ok(
            CREATE_TEMPLATE,
            {
                "input": {
                    "tenantUuid": tenant,
                    "name": "creds",
                    "options": {"auth": opts(("username", "u"), ("password", TEMPLATE_PASSWORD))},
                }
            },
        )
    )["createTemplate"]["template"]["uuid"]
    ids = {"template": template}
    for name, own in (("alice", opts(("password", ALICE_PASSWORD))), ("bob", [])):
        created = await admin.ok(
            CREATE_ENDPOINT,
            {"input": {"tenantUuid": tenant, "name": name, "parentUuids": [template], "options": {"auth": own}}},
        )
        ids[name] = created["createEndpoint"]["endpoint"]["uuid"]
    plain = admin.as_token(await token(world, tenant, PLAIN_SCOPES))
    secret = admin.as_token(await token(world, tenant, SECRET_SCOPES))
    return plain, secret, ids


async def guess(client: GraphQLClient, kind: str, uuid: str, auth: list[dict[str, str]], *, dry: bool) -> Any:
    answer = await client.ok(UPDATE[kind], {"uuid": uuid, "input": {"options": {"auth": auth}}, "dry": dry})
    return answer["updateEndpoint" if kind == "endpoint" else "updateTemplate"]


@pytest.mark.parametrize(
    ("kind", "who", "right", "sent"),
    [
        ("endpoint", "alice", ALICE_PASSWORD, lambda pw: opts(("password", pw))),
        ("template", "template", TEMPLATE_PASSWORD, lambda pw: opts(("username", "u"), ("password", pw))),
    ],
)
async def test_a_dry_run_guess_answers_the_same_right_or_wrong(
    world: World, gql: GraphQLClient, kind: str, who: str, right: str, sent: Any
) -> None:
    # given a caller with sip:write but without secrets:read
    plain, _, ids = await setup(world, gql)

    # when it tries the right and a wrong password in dry runs
    right_answer = await guess(plain, kind, ids[who], sent(right), dry=True)
    wrong_answer = await guess(plain, kind, ids[who], sent(WRONG), dry=True)

    # then both answers are the same, and neither shows a secret
    assert right_answer == wrong_answer
    assert right_answer["changes"]["sorceryUpdates"], "a secret sent in clear is always a change"
    for answer in (right_answer, wrong_answer):
        text = json.dumps(answer)
        assert right not in text and WRONG not in text


async def test_a_real_right_guess_is_recorded_like_a_change(world: World, gql: GraphQLClient) -> None:
    # given a caller without secrets:read
    plain, _, ids = await setup(world, gql)
    recorded_before = len((await gql.ok(RECORDED))["sorceryUpdates"])

    # when it sends alice's right password for real
    answer = await guess(plain, "endpoint", ids["alice"], opts(("password", ALICE_PASSWORD)), dry=False)

    # then it is answered and recorded as a change: new revision, an auth update with the password
    assert answer["endpoint"]["revision"] == 2
    updates = answer["changes"]["sorceryUpdates"]
    assert [(u["objectType"], u["objectId"], u["changedKeys"]) for u in updates] == [("auth", "alice", ["password"])]
    assert len((await gql.ok(RECORDED))["sorceryUpdates"]) == recorded_before + 1


async def test_a_template_guess_touches_every_inheritor_the_same_way(world: World, gql: GraphQLClient) -> None:
    # given a caller without secrets:read; alice overrides the template's password, bob inherits it
    plain, _, ids = await setup(world, gql)

    # when it sends the template's right password
    answer = await guess(
        plain, "template", ids["template"], opts(("username", "u"), ("password", TEMPLATE_PASSWORD)), dry=False
    )

    # then both endpoints' auth objects are reported changed: who inherits the secret does not show either
    updates = answer["changes"]["sorceryUpdates"]
    assert sorted((u["objectId"], tuple(u["changedKeys"])) for u in updates) == [
        ("alice", ("password",)),
        ("bob", ("password",)),
    ]


async def test_with_secrets_read_an_unchanged_secret_is_no_change(world: World, gql: GraphQLClient) -> None:
    # given a caller that may read secrets (it learns nothing it could not read)
    _, secret, ids = await setup(world, gql)

    # when it sends alice's stored password
    answer = await guess(secret, "endpoint", ids["alice"], opts(("password", ALICE_PASSWORD)), dry=False)

    # then nothing changed
    assert answer["endpoint"]["revision"] == 1
    assert answer["changes"]["sorceryUpdates"] == []
