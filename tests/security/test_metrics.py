"""/metrics has a bounded label set and shows no tenant's operation names."""

from __future__ import annotations

from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, new_tenant, token_for
from tests.security.conftest import ClientWith


async def test_operation_names_do_not_grow_the_metrics(gql: GraphQLClient, world: World) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Secretive")
    tenant_client = gql.as_token(await token_for(world.db, tenant, "sip:read"))
    before = (await gql.http.get("/metrics")).text

    # when unauthenticated clients and a tenant send operations with made-up names
    for i in range(30):
        await gql.as_token(None).post(f"query Random{i} {{ templates(first: 1) {{ totalCount }} }}")
        await tenant_client.post(f"query AcmeBillingSecret{i} {{ templates(first: 1) {{ totalCount }} }}")

    # then no name appears, and the series count stays bounded
    text = (await gql.http.get("/metrics")).text
    assert "Random" not in text
    assert "AcmeBillingSecret" not in text
    assert 'operation="other"' in text
    assert len(text) < len(before) + 5_000


async def test_known_names_are_bounded(client_with: ClientWith) -> None:
    async with client_with(metrics_max_operation_names=3) as client:
        for i in range(10):
            await client.ok(f"query Op{i} {{ templates(first: 1) {{ totalCount }} }}")
        text = (await client.http.get("/metrics")).text
        assert {f"Op{i}" for i in range(10) if f'operation="Op{i}"' in text} == {"Op0", "Op1", "Op2"}


async def test_metrics_can_require_a_token(client_with: ClientWith) -> None:
    async with client_with(metrics_token="scrape-secret") as client:
        assert (await client.http.get("/metrics")).status_code == 401
        wrong = await client.http.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = await client.http.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert right.status_code == 200
