"""The first thing a new user does in GraphiQL: create a tenant and an endpoint."""

from tests.conftest import GraphQLClient

CREATE_TENANT = """
mutation($name: String!) {
  createTenant(input: {name: $name}) {
    tenant { uuid slug defaultTemplates { general { uuid } sip { uuid transport { name } } webrtc { uuid } trunk { uuid } } }
  }
}
"""

CREATE_ENDPOINT = """
mutation($input: CreateSipEndpointInput!) {
  createEndpoint(input: $input) {
    endpoint { name parents { name } sorceryObjects { type id } }
    changes { sorceryUpdates { seq action objectType objectId } }
  }
}
"""


async def test_new_tenant_gets_default_templates_and_an_endpoint_flattens(gql: GraphQLClient) -> None:
    # given a new tenant
    tenant = (await gql.ok(CREATE_TENANT, {"name": "Acme Telecom"}))["createTenant"]["tenant"]
    defaults = tenant["defaultTemplates"]
    assert tenant["slug"] == "acme-telecom"
    assert all(defaults[role] for role in ("general", "sip", "webrtc", "trunk"))
    assert defaults["sip"]["transport"]["name"] == "transport-udp"

    # when an endpoint inherits from `sip`
    result = await gql.ok(
        CREATE_ENDPOINT,
        {
            "input": {
                "tenantUuid": tenant["uuid"],
                "name": "alice",
                "parentUuids": [defaults["sip"]["uuid"]],
                "options": {"auth": [{"key": "username", "value": "alice"}, {"key": "password", "value": "pw"}]},
            }
        },
    )

    # then it flattens into auth, aor and endpoint objects, recorded in reference order
    payload = result["createEndpoint"]
    assert [(o["type"], o["id"]) for o in payload["endpoint"]["sorceryObjects"]] == [
        ("auth", "alice"),
        ("aor", "alice"),
        ("endpoint", "alice"),
    ]
    updates = payload["changes"]["sorceryUpdates"]
    assert [u["objectType"] for u in updates] == ["aor", "auth", "endpoint"]
    seqs = [u["seq"] for u in updates]
    assert seqs == list(range(seqs[0], seqs[0] + 3))
