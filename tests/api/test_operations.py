"""Operations endpoints as a load balancer and Prometheus use them."""

from __future__ import annotations

from tests.conftest import GraphQLClient


async def test_health_readiness_and_request_id(gql: GraphQLClient) -> None:
    health = await gql.http.get("/healthz")
    assert health.json() == {"status": "ok"}
    ready = await gql.http.get("/readyz", headers={"X-Request-ID": "abc123"})
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "up"
    assert ready.json()["checks"]["cache"] == "up"
    # the request id given by the caller comes back, and one is made up otherwise
    assert ready.headers["x-request-id"] == "abc123"
    assert len(health.headers["x-request-id"]) == 32


async def test_metrics_expose_latency_cache_and_stream_figures(gql: GraphQLClient) -> None:
    # given some traffic, including a resolved view read twice (a miss, then a hit)
    data = await gql.ok("{ templates(first: 1) { edges { node { uuid } } } }")
    uuid = data["templates"]["edges"][0]["node"]["uuid"]
    query = "query Resolved($u: UUID!) { template(uuid: $u) { resolved { endpoint { key } } } }"
    for _ in range(2):
        await gql.ok(query, {"u": uuid})

    # when Prometheus scrapes
    response = await gql.http.get("/metrics")

    # then the figures are there
    text = response.text
    assert response.status_code == 200
    assert 'pjsip_graph_operation_seconds_count{operation="Resolved",type="query"} 2.0' in text
    assert 'pjsip_graph_cache_hits_total{backend="memory"} 1.0' in text
    assert 'pjsip_graph_cache_misses_total{backend="memory"} 1.0' in text
    assert "pjsip_graph_subscribers 0.0" in text
    assert 'pjsip_graph_recorded_backlog{engine="default",stream="updates"} 2.0' in text


async def test_unknown_paths_are_not_graphql(gql: GraphQLClient) -> None:
    response = await gql.http.get("/nope")
    assert response.status_code == 404
