"""Engine and transport mutations: input objects, dry runs, and the changes they record."""

from __future__ import annotations

from typing import Any

from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, new_tenant, token_for

UPDATE_ENGINE = """
mutation($input: UpdateEngineInput!, $dry: Boolean) {
  updateEngine(input: $input, dryRun: $dry) {
    engine { globalOptions { key value } }
    changes { dryRun sorceryUpdates { seq action sorceryType objectId changedKeys } }
  }
}
"""
CREATE = """
mutation($input: CreateTransportInput!, $dry: Boolean) {
  createEngineTransport(input: $input, dryRun: $dry) {
    transport { uuid name options { key value } }
    changes { dryRun sorceryUpdates { seq action sorceryType objectId } }
  }
}
"""
UPDATE = """
mutation($uuid: UUID!, $input: UpdateTransportInput!, $dry: Boolean) {
  updateEngineTransport(uuid: $uuid, input: $input, dryRun: $dry) {
    transport { name }
    changes { dryRun sorceryUpdates { seq action sorceryType objectId changedKeys } }
  }
}
"""
DELETE = """
mutation($uuid: UUID!, $fallback: UUID, $dry: Boolean) {
  deleteTransport(uuid: $uuid, fallbackUuid: $fallback, dryRun: $dry) {
    changes { dryRun sorceryUpdates { seq action sorceryType objectId } }
  }
}
"""
STATE = """
{
  engine { globalOptions { key value } transports { uuid name options { key value } } }
  sorceryUpdates(first: 500) { seq }
}
"""
UDP = [{"key": "protocol", "value": "udp"}, {"key": "bind", "value": "127.0.0.1:5099"}]


def _without_seq(changes: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in u.items() if k != "seq"} for u in changes["sorceryUpdates"]]


async def _dry_then_real(gql: GraphQLClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run a mutation as a dry run (which must change nothing), then for real; the real answer."""
    before = await gql.ok(STATE)
    dry = next(iter((await gql.ok(document, {**variables, "dry": True})).values()))
    assert await gql.ok(STATE) == before
    real = next(iter((await gql.ok(document, variables)).values()))
    assert dry["changes"]["dryRun"] is True and real["changes"]["dryRun"] is False
    assert all(u["seq"] is None for u in dry["changes"]["sorceryUpdates"])
    assert _without_seq(dry["changes"]) == _without_seq(real["changes"])
    last = before["sorceryUpdates"][-1]["seq"] if before["sorceryUpdates"] else 0
    seqs = [u["seq"] for u in real["changes"]["sorceryUpdates"]]
    assert seqs == list(range(last + 1, last + 1 + len(seqs)))
    return real


async def test_engine_options_preview_then_record_their_update(gql: GraphQLClient) -> None:
    options = [{"key": "max_forwards", "value": "40"}, {"key": "user_agent", "value": "pbx"}]
    real = await _dry_then_real(gql, UPDATE_ENGINE, {"input": {"globalOptions": options}})
    assert real["engine"]["globalOptions"] == options
    (update,) = real["changes"]["sorceryUpdates"]
    assert (update["action"], update["sorceryType"], update["objectId"]) == ("UPSERT", "GLOBAL", "global")
    assert set(update["changedKeys"]) >= {"max_forwards", "user_agent"}


async def test_a_transport_is_created_renamed_and_deleted_with_previews(world: World, gql: GraphQLClient) -> None:
    created = await _dry_then_real(gql, CREATE, {"input": {"name": "udp-lab", "options": UDP}})
    transport = created["transport"]
    assert (transport["name"], transport["options"]) == ("udp-lab", UDP)
    assert [(u["action"], u["sorceryType"], u["objectId"]) for u in created["changes"]["sorceryUpdates"]] == [
        ("UPSERT", "TRANSPORT", "udp-lab")
    ]

    # a line uses it: a rename re-points the line, then removes the old object
    line = await gql.ok(
        'mutation($t: UUID!) { createEndpoint(input: {name: "lab-line", transportUuid: $t}) { endpoint { uuid } } }',
        {"t": transport["uuid"]},
    )
    assert line["createEndpoint"]["endpoint"]["uuid"]
    renamed = await _dry_then_real(gql, UPDATE, {"uuid": transport["uuid"], "input": {"name": "udp-lab2"}})
    assert renamed["transport"]["name"] == "udp-lab2"
    steps = [(u["action"], u["sorceryType"], u["objectId"]) for u in renamed["changes"]["sorceryUpdates"]]
    assert steps[0] == ("UPSERT", "TRANSPORT", "udp-lab2")
    assert ("UPSERT", "ENDPOINT", "lab-line") in steps
    assert steps[-1] == ("DELETE", "TRANSPORT", "udp-lab")

    # deleting it moves the line to another transport first
    other = (await gql.ok(STATE))["engine"]["transports"]
    fallback = next(t["uuid"] for t in other if t["uuid"] != transport["uuid"])
    deleted = await _dry_then_real(gql, DELETE, {"uuid": transport["uuid"], "fallback": fallback})
    steps = [(u["action"], u["sorceryType"], u["objectId"]) for u in deleted["changes"]["sorceryUpdates"]]
    assert steps[-1] == ("DELETE", "TRANSPORT", "udp-lab2")
    assert ("UPSERT", "ENDPOINT", "lab-line") in steps


async def test_errors_name_the_input_field_and_change_nothing(world: World, gql: GraphQLClient) -> None:
    before = await gql.ok(STATE)
    error = await gql.error(CREATE, {"input": {"name": "bad name!", "options": UDP}})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "input.name")
    error = await gql.error(CREATE, {"input": {"name": "ok", "options": [{"key": "protocl", "value": "udp"}]}})
    assert error["extensions"]["field"].startswith("input.options")
    assert "protocol" in error["message"]  # did you mean
    error = await gql.error(UPDATE_ENGINE, {"input": {"systemOptions": [{"key": "timer_t1", "value": "x"}]}})
    assert error["extensions"]["field"].startswith("input.systemOptions")
    assert await gql.ok(STATE) == before

    # and a tenant's token may not touch the engine
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Not operator")
    tenant_admin = gql.as_token(await token_for(world.db, tenant, "tenants:write,sip:write,sip:read"))
    error = await tenant_admin.error(CREATE, {"input": {"name": "mine", "options": UDP}})
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_the_deprecated_mutations_still_work(gql: GraphQLClient) -> None:
    created = await gql.ok(
        'mutation($o: [SipOptionInput!]!) { createTransport(name: "old-style", options: $o) { uuid name } }',
        {"o": UDP},
    )
    uuid = created["createTransport"]["uuid"]
    renamed = await gql.ok(
        'mutation($u: UUID!) { updateTransport(uuid: $u, name: "old-style2") { name } }', {"u": uuid}
    )
    assert renamed["updateTransport"]["name"] == "old-style2"
    engine = await gql.ok('mutation { setEngineOptions(globalOptions: [{key: "max_forwards", value: "50"}]) { name } }')
    assert engine["setEngineOptions"]["name"] == "default"
