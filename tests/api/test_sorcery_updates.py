"""Mutations turn into the minimal set of per-object Sorcery updates (docs/domain.md §5)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.domain.sections import Section
from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant

UPDATE_TEMPLATE = """
mutation($uuid: UUID!, $input: UpdateSipConfigInput!, $dryRun: Boolean) {
  updateTemplate(uuid: $uuid, input: $input, dryRun: $dryRun) {
    template { revision own { endpoint { key value } } }
    changes {
      dryRun affectedEndpoints
      sorceryUpdates { seq action objectType objectId changedKeys requiresRecreate requiresReload fields { key value } }
    }
  }
}
"""

UPDATE_ENDPOINT = """
mutation($uuid: UUID!, $input: UpdateSipConfigInput!) {
  updateEndpoint(uuid: $uuid, input: $input) {
    endpoint { name revision }
    changes { sorceryUpdates { seq action objectType objectId changedKeys requiresRecreate requiresReload } }
  }
}
"""

TEMPLATE_OWN = "query($uuid: UUID!) { template(uuid: $uuid) { revision own { endpoint { key value } } } }"

SORCERY_UPDATES = """
query($after: Int, $first: Int) { sorceryUpdates(after: $after, first: $first) { seq action objectType objectId } }
"""


def _options(pairs: list[dict[str, str]], **changes: str) -> list[dict[str, str]]:
    return [{"key": p["key"], "value": changes.get(p["key"], p["value"])} for p in pairs]


async def _last_seq(gql: GraphQLClient) -> int:
    updates = (await gql.ok(SORCERY_UPDATES, {"after": 0, "first": 500}))["sorceryUpdates"]
    return int(updates[-1]["seq"]) if updates else 0


async def test_general_dtmf_change_updates_only_endpoints_that_do_not_override_it(
    world: World, gql: GraphQLClient
) -> None:
    # given a tenant with 50 endpoints under `sip`, 5 of which set their own dtmf_mode
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Fifty")
    sip = await default_template(world.db, tenant, "sip")
    general = await default_template(world.db, tenant, "general")
    for i in range(50):
        own = {Section.ENDPOINT: (("dtmf_mode", "info"),)} if i < 5 else {}
        await new_endpoint(world.db, caller, tenant, f"fifty-{i:02d}", [sip.uuid], own)
    before = await _last_seq(gql)
    current = (await gql.ok(TEMPLATE_OWN, {"uuid": str(general.uuid)}))["template"]["own"]["endpoint"]

    # when general's dtmf_mode changes
    data = await gql.ok(
        UPDATE_TEMPLATE,
        {"uuid": str(general.uuid), "input": {"options": {"endpoint": _options(current, dtmf_mode="inband")}}},
    )

    # then exactly 45 endpoint UPSERTs are recorded, each changing dtmf_mode only, in sequence
    changes = data["updateTemplate"]["changes"]
    updates = changes["sorceryUpdates"]
    assert changes["affectedEndpoints"] == 50
    assert len(updates) == 45
    assert {(u["action"], u["objectType"]) for u in updates} == {("UPSERT", "endpoint")}
    assert all(u["changedKeys"] == ["dtmf_mode"] for u in updates)
    assert all(not u["requiresRecreate"] and not u["requiresReload"] for u in updates)
    assert sorted(u["objectId"] for u in updates) == [f"fifty-{i:02d}" for i in range(5, 50)]
    assert [u["seq"] for u in updates] == list(range(before + 1, before + 46))
    assert await _last_seq(gql) == before + 45
    assert all({"key": "dtmf_mode", "value": "inband"} in u["fields"] for u in updates)


async def test_a_change_that_affects_no_resolution_records_nothing(world: World, gql: GraphQLClient) -> None:
    # given an endpoint under `sip`
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Quiet")
    sip = await default_template(world.db, tenant, "sip")
    await new_endpoint(world.db, caller, tenant, "quiet-1", [sip.uuid])
    before = await _last_seq(gql)

    # when only the template's label changes
    data = await gql.ok(UPDATE_TEMPLATE, {"uuid": str(sip.uuid), "input": {"label": "Desk phones"}})

    # then the template has a new revision but no Sorcery update is recorded
    assert data["updateTemplate"]["template"]["revision"] == sip.revision + 1
    assert data["updateTemplate"]["changes"]["sorceryUpdates"] == []
    assert await _last_seq(gql) == before


async def test_dry_run_answers_the_same_and_stores_nothing(world: World, gql: GraphQLClient) -> None:
    # given an endpoint under `sip`
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Dry")
    general = await default_template(world.db, tenant, "general")
    sip = await default_template(world.db, tenant, "sip")
    await new_endpoint(world.db, caller, tenant, "dry-1", [sip.uuid])
    current = (await gql.ok(TEMPLATE_OWN, {"uuid": str(general.uuid)}))["template"]
    variables: dict[str, Any] = {
        "uuid": str(general.uuid),
        "input": {"options": {"endpoint": _options(current["own"]["endpoint"], language="fr_FR")}},
    }
    before = await _last_seq(gql)

    # when the update is tried, then done
    dry = (await gql.ok(UPDATE_TEMPLATE, {**variables, "dryRun": True}))["updateTemplate"]
    after_dry = await gql.ok(TEMPLATE_OWN, {"uuid": str(general.uuid)})
    real = (await gql.ok(UPDATE_TEMPLATE, variables))["updateTemplate"]

    # then the dry run showed the same updates without sequence numbers, and stored nothing
    def strip(updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in u.items() if k != "seq"} for u in updates]

    assert dry["changes"]["dryRun"] is True
    assert all(u["seq"] is None for u in dry["changes"]["sorceryUpdates"])
    assert strip(dry["changes"]["sorceryUpdates"]) == strip(real["changes"]["sorceryUpdates"])
    assert dry["template"] == real["template"]
    assert after_dry["template"] == current
    assert [u["seq"] for u in real["changes"]["sorceryUpdates"]] == [before + 1]


async def test_removing_a_match_requires_recreating_the_identify(world: World, gql: GraphQLClient) -> None:
    # given a trunk identified by two addresses
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Trunks")
    trunk = await default_template(world.db, tenant, "trunk")
    registration = (("server_uri", "sip:carrier.example.com"), ("client_uri", "sip:acme@carrier.example.com"))
    endpoint = await new_endpoint(
        world.db,
        caller,
        tenant,
        "carrier",
        [trunk.uuid],
        {Section.IDENTIFY: (("match", "192.0.2.10"), ("match", "192.0.2.11")), Section.REGISTRATION: registration},
    )

    # when one match is removed
    data = await gql.ok(
        UPDATE_ENDPOINT,
        {"uuid": str(endpoint.uuid), "input": {"options": {"identify": [{"key": "match", "value": "192.0.2.10"}]}}},
    )

    # then the identify update says it cannot be merged into the existing object
    (update,) = data["updateEndpoint"]["changes"]["sorceryUpdates"]
    assert (update["objectType"], update["objectId"], update["changedKeys"]) == ("identify", "carrier", ["match"])
    assert update["requiresRecreate"] is True


async def test_renaming_an_endpoint_deletes_the_old_ids_and_creates_the_new(world: World, gql: GraphQLClient) -> None:
    # given an endpoint with an auth and an aor
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Renames")
    sip = await default_template(world.db, tenant, "sip")
    endpoint = await new_endpoint(
        world.db, caller, tenant, "old-name", [sip.uuid], {Section.AUTH: (("username", "u"), ("password", "p"))}
    )

    # when it is renamed
    data = await gql.ok(UPDATE_ENDPOINT, {"uuid": str(endpoint.uuid), "input": {"name": "new-name"}})

    # then new objects are created before the old ones are deleted, references first
    updates = [
        (u["action"], u["objectType"], u["objectId"]) for u in data["updateEndpoint"]["changes"]["sorceryUpdates"]
    ]
    assert updates == [
        ("UPSERT", "aor", "new-name"),
        ("UPSERT", "auth", "new-name"),
        ("UPSERT", "endpoint", "new-name"),
        ("DELETE", "endpoint", "old-name"),
        ("DELETE", "aor", "old-name"),
        ("DELETE", "auth", "old-name"),
    ]


DELETE_TEMPLATE = """
mutation($uuid: UUID!) { deleteTemplate(uuid: $uuid) { uuid changes { affectedEndpoints sorceryUpdates { objectId changedKeys } } } }
"""
ENDPOINT_PARENTS = "query($uuid: UUID!) { endpoint(uuid: $uuid) { revision parents { name } } }"


async def test_deleting_a_template_removes_it_from_children_and_recomputes_them(
    world: World, gql: GraphQLClient
) -> None:
    # given an endpoint with parents [sip, webrtc]
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Deletions")
    sip = await default_template(world.db, tenant, "sip")
    webrtc = await default_template(world.db, tenant, "webrtc")
    endpoint = await new_endpoint(world.db, caller, tenant, "both", [sip.uuid, webrtc.uuid])

    # when webrtc is deleted
    data = await gql.ok(DELETE_TEMPLATE, {"uuid": str(webrtc.uuid)})

    # then the endpoint keeps only sip, its revision moved, and its objects lost webrtc's options
    after = (await gql.ok(ENDPOINT_PARENTS, {"uuid": str(endpoint.uuid)}))["endpoint"]
    assert after["parents"] == [{"name": "sip"}]
    assert after["revision"] == endpoint.revision + 1
    changes = data["deleteTemplate"]["changes"]
    assert changes["affectedEndpoints"] == 1
    changed = {u["objectId"]: u["changedKeys"] for u in changes["sorceryUpdates"]}
    assert "webrtc" in changed["both"] and "transport" in changed["both"]


DELETE_TENANT = """
mutation($uuid: UUID!, $dryRun: Boolean) {
  deleteTenant(uuid: $uuid, dryRun: $dryRun) { uuid changes { sorceryUpdates { seq action objectType objectId } } }
}
"""
TENANT = "query($uuid: UUID!) { tenant(uuid: $uuid) { name } }"


async def test_deleting_a_tenant_deletes_sub_tenants_and_records_deletes(world: World, gql: GraphQLClient) -> None:
    # given a tenant with a sub-tenant, each with one endpoint
    caller = await caller_for(world.db, world.admin_token)
    parent = await new_tenant(world.db, caller, "Parent")
    child = await new_tenant(world.db, caller, "Child", parent=parent)
    for tenant, name in ((parent, "p-phone"), (child, "c-phone")):
        sip = await default_template(world.db, tenant, "sip")
        await new_endpoint(world.db, caller, tenant, name, [sip.uuid])

    # when the parent is deleted (first as a dry run)
    dry = (await gql.ok(DELETE_TENANT, {"uuid": str(parent), "dryRun": True}))["deleteTenant"]
    assert (await gql.ok(TENANT, {"uuid": str(child)}))["tenant"]["name"] == "Child"
    data = (await gql.ok(DELETE_TENANT, {"uuid": str(parent)}))["deleteTenant"]

    # then both tenants are gone and every object of both endpoints got a DELETE, endpoints first
    updates = [(u["action"], u["objectType"], u["objectId"]) for u in data["changes"]["sorceryUpdates"]]
    assert [(u["action"], u["objectType"], u["objectId"]) for u in dry["changes"]["sorceryUpdates"]] == updates
    assert sorted(updates) == sorted(("DELETE", t, n) for n in ("p-phone", "c-phone") for t in ("endpoint", "aor"))
    assert [t for _, t, _ in updates][:2] == ["endpoint", "endpoint"]
    error = await gql.error(TENANT, {"uuid": str(child)})
    assert error["extensions"]["code"] == "NOT_FOUND"


CREATE_TRANSPORT = """
mutation($name: String!, $options: [SipOptionInput!]!) { createTransport(name: $name, options: $options) { uuid name } }
"""
UPDATE_TRANSPORT = """
mutation($uuid: UUID!, $name: String, $options: [SipOptionInput!]) {
  updateTransport(uuid: $uuid, name: $name, options: $options) { uuid name options { key value } }
}
"""
DELETE_TRANSPORT = """
mutation($uuid: UUID!, $fallback: UUID) {
  deleteTransport(uuid: $uuid, fallbackUuid: $fallback) { changes { sorceryUpdates { action objectType objectId changedKeys } } }
}
"""
CREATE_TEMPLATE = """
mutation($input: CreateSipTemplateInput!) { createTemplate(input: $input) { template { uuid } } }
"""
ALL_UPDATES = """
query($after: Int) {
  sorceryUpdates(after: $after, first: 500) { seq action objectType objectId changedKeys requiresReload fields { key value } }
}
"""


async def test_transport_changes_reach_endpoints_and_flag_reloads(world: World, gql: GraphQLClient) -> None:
    # given a transport used by a template that an endpoint inherits from
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Transports")
    options = [{"key": "protocol", "value": "tcp"}, {"key": "bind", "value": "0.0.0.0:5070"}]
    transport = (await gql.ok(CREATE_TRANSPORT, {"name": "transport-tcp", "options": options}))["createTransport"]
    template = (
        await gql.ok(
            CREATE_TEMPLATE,
            {"input": {"tenantUuid": str(tenant), "name": "tcp-lines", "transportUuid": transport["uuid"]}},
        )
    )["createTemplate"]["template"]
    await new_endpoint(world.db, caller, tenant, "tcp-phone", [UUID(template["uuid"])])
    before = await _last_seq(gql)

    # when the bind changes, then the transport is renamed
    bind = [{"key": "protocol", "value": "tcp"}, {"key": "bind", "value": "0.0.0.0:5080"}]
    await gql.ok(UPDATE_TRANSPORT, {"uuid": transport["uuid"], "options": bind})
    await gql.ok(UPDATE_TRANSPORT, {"uuid": transport["uuid"], "name": "transport-tcp2"})

    # then the bind change needs a reload, and the rename moves the endpoint before the old transport goes
    updates = (await gql.ok(ALL_UPDATES, {"after": before}))["sorceryUpdates"]
    summary = [(u["action"], u["objectType"], u["objectId"], u["requiresReload"]) for u in updates]
    assert summary == [
        ("UPSERT", "transport", "transport-tcp", True),
        ("UPSERT", "transport", "transport-tcp2", True),
        ("UPSERT", "endpoint", "tcp-phone", False),
        ("DELETE", "transport", "transport-tcp", True),
    ]
    assert updates[0]["changedKeys"] == ["bind"]
    assert {"key": "transport", "value": "transport-tcp2"} in updates[2]["fields"]


async def test_a_used_transport_is_deleted_only_with_a_fallback(world: World, gql: GraphQLClient) -> None:
    # given the `sip` template on transport-udp and an endpoint under it
    caller = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, caller, "Fallback")
    sip = await default_template(world.db, tenant, "sip")
    await new_endpoint(world.db, caller, tenant, "fb-phone", [sip.uuid])
    engine = await gql.ok("{ engine { transports { uuid name } } }")
    by_name = {t["name"]: t["uuid"] for t in engine["engine"]["transports"]}
    before = await _last_seq(gql)

    # when it is deleted without, then with a fallback
    error = await gql.error(DELETE_TRANSPORT, {"uuid": by_name["transport-udp"]})
    assert error["extensions"]["code"] == "CONFLICT"
    assert await _last_seq(gql) == before
    data = await gql.ok(DELETE_TRANSPORT, {"uuid": by_name["transport-udp"], "fallback": by_name["transport-wss"]})

    # then users moved to the fallback before the transport was deleted
    updates = data["deleteTransport"]["changes"]["sorceryUpdates"]
    assert [(u["action"], u["objectType"], u["objectId"]) for u in updates] == [
        ("UPSERT", "endpoint", "fb-phone"),
        ("DELETE", "transport", "transport-udp"),
    ]
    assert updates[0]["changedKeys"] == ["transport"]


SET_ENGINE = """
mutation($g: [SipOptionInput!], $s: [SipOptionInput!]) {
  setEngineOptions(globalOptions: $g, systemOptions: $s) { globalOptions { key value } systemOptions { key value } }
}
"""


async def test_engine_options_record_global_and_system_objects(world: World, gql: GraphQLClient) -> None:
    # given the default engine
    before = await _last_seq(gql)

    # when global and system options are set
    data = await gql.ok(
        SET_ENGINE,
        {"g": [{"key": "user_agent", "value": "PBX"}], "s": [{"key": "timer_t1", "value": "500"}]},
    )

    # then both objects are recorded; only system needs a reload
    assert data["setEngineOptions"]["globalOptions"] == [{"key": "user_agent", "value": "PBX"}]
    updates = (await gql.ok(ALL_UPDATES, {"after": before}))["sorceryUpdates"]
    assert [(u["objectType"], u["objectId"], u["requiresReload"]) for u in updates] == [
        ("global", "global", False),
        ("system", "system", True),
    ]
    # and a bad value is refused with nothing recorded
    error = await gql.error(SET_ENGINE, {"g": [{"key": "user_agnet", "value": "x"}]})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "user_agent" in error["message"]
    assert await _last_seq(gql) == before + 2
