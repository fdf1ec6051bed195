"""pjsip.conf export through GraphQL, as an operator and as a tenant."""

from __future__ import annotations

from app.domain.sections import Section
from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant, token_for

EXPORT = "query($t: UUID, $m: PjsipTemplates) { pjsipConf(tenantUuid: $t, templates: $m) }"


async def _setup(world: World) -> tuple[object, object]:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Exported")
    sip = await default_template(world.db, tenant, "sip")
    await new_endpoint(
        world.db, admin, tenant, "alice", [sip.uuid], {Section.AUTH: (("username", "alice"), ("password", "a;b"))}
    )
    return admin, tenant


async def test_operator_flat_export_has_engine_objects_and_every_object(world: World, gql: GraphQLClient) -> None:
    await _setup(world)
    text = (await gql.ok(EXPORT, {"m": "FLAT"}))["pjsipConf"]
    # engine objects first, then alice's objects in reference order, secrets escaped for Asterisk
    assert text.index("[transport-udp]") < text.index("[alice]")
    assert "type = auth" in text and "type = aor" in text and "type = endpoint" in text
    assert "password = a\\;b" in text
    assert text.index("type = auth") < text.index("type = endpoint")


async def test_native_export_keeps_templates(world: World, gql: GraphQLClient) -> None:
    _, tenant = await _setup(world)
    text = (await gql.ok(EXPORT, {"t": str(tenant), "m": "NATIVE"}))["pjsipConf"]
    assert "[tpl:exported:general:endpoint](!)" in text
    assert "[alice](tpl:exported:sip:endpoint)" in text


async def test_a_tenant_exports_only_its_own_objects_and_needs_the_secrets_scope(
    world: World, gql: GraphQLClient
) -> None:
    admin, tenant = await _setup(world)
    other = await new_tenant(world.db, admin, "Elsewhere")  # type: ignore[arg-type]
    await new_endpoint(world.db, admin, other, "bob", [])  # type: ignore[arg-type]
    reader = await token_for(world.db, tenant, "sip:read,secrets:read")  # type: ignore[arg-type]
    text = (await gql.as_token(reader).ok(EXPORT, {"m": "FLAT"}))["pjsipConf"]
    assert "[alice]" in text and "[bob]" not in text
    assert "[transport-udp]" not in text and "[global]" not in text
    blind = await token_for(world.db, tenant, "sip:read")  # type: ignore[arg-type]
    error = await gql.as_token(blind).error(EXPORT, {"m": "FLAT"})
    assert error["extensions"]["code"] == "FORBIDDEN"
