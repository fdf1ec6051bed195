"""A line created through GraphQL registers with Asterisk from the exported pjsip.conf; after a
password change (export + reload) only the new password works; a deleted line cannot register."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from app.services.exports import TemplateMode, pjsip_conf
from tests.asterisk.live.instance import AsteriskInstance, loopback_transport
from tests.asterisk.live.sip_client import register
from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for

pytestmark = pytest.mark.asterisk

CREATE_TENANT = """mutation { createTenant(input: {name: "Acme"}) {
  tenant { uuid defaultTemplates { sip { uuid } } } } }"""
CREATE = """mutation($tenant: UUID!, $sip: UUID!) {
  createEndpoint(input: {tenantUuid: $tenant, name: "alice", parentUuids: [$sip],
    options: {auth: [{key: "username", value: "alice"}, {key: "password", value: "first-secret"}]}}) {
    endpoint { uuid } } }"""
UPDATE = """mutation($uuid: UUID!) { updateEndpoint(uuid: $uuid, input: {options: {
  auth: [{key: "username", value: "alice"}, {key: "password", value: "second-secret"}]}}) { endpoint { uuid } } }"""
DELETE = """mutation($uuid: UUID!) { deleteEndpoint(uuid: $uuid) { __typename } }"""


def _without_transports(text: str) -> str:
    """The export without the engine's transports (and references to them): the tests listen on
    the fixture's loopback transport only."""
    sections = re.split(r"(?m)^(?=\[)", text)
    kept = "".join(s for s in sections if not re.search(r"(?m)^type\s*=\s*transport\s*$", s))
    return re.sub(r"(?m)^transport\s*=.*\n", "", kept)


async def _export(world: World) -> str:
    caller = await caller_for(world.db, world.admin_token)
    text = await pjsip_conf(world.db, caller, engine="default", tenant_uuid=None, mode=TemplateMode.FLAT)
    return _without_transports(text)


async def test_line_registers_password_change_and_delete(
    world: World, gql: GraphQLClient, asterisk_factory: Callable[..., AsteriskInstance]
) -> None:
    tenant = (await gql.ok(CREATE_TENANT))["createTenant"]["tenant"]
    created = await gql.ok(CREATE, {"tenant": tenant["uuid"], "sip": tenant["defaultTemplates"]["sip"]["uuid"]})
    uuid = created["createEndpoint"]["endpoint"]["uuid"]
    ast = asterisk_factory(pjsip_conf=await _export(world))
    assert register(server_port=ast.sip_port, username="alice", password="first-secret") == 200

    await gql.ok(UPDATE, {"uuid": uuid})
    ast.write_config("pjsip.conf", _loopback(ast) + await _export(world))
    ast.cli("module reload res_pjsip.so")
    assert register(server_port=ast.sip_port, username="alice", password="first-secret") == 401
    assert register(server_port=ast.sip_port, username="alice", password="second-secret") == 200

    await gql.ok(DELETE, {"uuid": uuid})
    ast.write_config("pjsip.conf", _loopback(ast) + await _export(world))
    ast.cli("module reload res_pjsip.so")
    assert register(server_port=ast.sip_port, username="alice", password="second-secret") != 200
    assert ast.warnings_and_errors() == []


def _loopback(ast: AsteriskInstance) -> str:
    return loopback_transport(ast.sip_port)
