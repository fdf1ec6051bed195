"""The safety net under the fast executor: pinned internals, a switch, counted fallbacks, a differential check.

The differential check itself runs on every query of the test suite (the
test settings turn `executor_check` on); the tests here show that it can fail,
that the switch really selects graphql-core's own executor, and that upgrades
of graphql-core or strawberry that move the internals it relies on fail here.
"""

from __future__ import annotations

import ast
import inspect
import logging
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest
from graphql import GraphQLSyntaxError, OperationDefinitionNode, OperationType, parse
from graphql.execution.executor import Executor as GraphQLCoreExecutor
from graphql.execution.middleware import MiddlewareManager
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE
from strawberry.types.field import StrawberryField

from app.api.app import create_app
from app.api.execution import PlainObjectExecutor
from app.api.schema import build_schema
from app.domain.sections import Section
from app.settings import Settings
from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, default_template, new_endpoint

# The fields of these updates are plain objects (no resolvers): the fast path completes them.
# Bootstrap recorded the transports' updates.
PAGE = '{ sorceryUpdates(engine: "default", first: 5) { seq objectType objectId fields { key value } } }'


def test_graphql_core_hooks_keep_the_signature_the_executor_overrides() -> None:
    expected = ["self", "return_type", "field_details_list", "info", "path", "result", "position_context"]
    for hook in ("complete_object_value", "complete_list_value"):
        assert list(inspect.signature(getattr(GraphQLCoreExecutor, hook)).parameters) == expected, hook
    assert issubclass(StrawberryGraphQLCoreExecutionContext, GraphQLCoreExecutor)
    assert issubclass(PlainObjectExecutor, StrawberryGraphQLCoreExecutionContext)


def test_the_private_attributes_the_executor_reads_still_exist() -> None:
    assert hasattr(MiddlewareManager(), "_middleware_resolvers")
    schema = build_schema(Settings())._schema
    field = schema.type_map["Tenant"].fields["name"]  # type: ignore[union-attr]
    assert getattr(field.resolve, "_is_default", False), "strawberry's default resolver is no longer marked"
    definition = field.extensions["strawberry-definition"]
    assert isinstance(definition, StrawberryField)
    assert definition.is_basic_field and definition.default_resolver is getattr
    assert definition.python_name == "name"


def test_what_plans_of_resolvers_and_interface_types_read_still_exists() -> None:
    schema = build_schema(Settings())._schema
    endpoint = schema.type_map["SipEndpoint"]
    own = endpoint.fields["own"].extensions["strawberry-definition"]  # type: ignore[union-attr]
    resolver = own.base_resolver
    assert getattr(resolver.wrapped_func, "__plain_resolver__", False)
    assert not resolver.is_async and resolver.self_parameter is not None and resolver.info_parameter is not None
    assert resolver.root_parameter is None and resolver.parent_parameter is None
    assert own.arguments == [] and own.permission_classes == [] and own.extensions == []
    # a type implementing an interface: strawberry generates its is_type_of from the class
    definition = endpoint.extensions["strawberry-definition"]  # type: ignore[union-attr]
    assert endpoint.is_type_of is not None and definition.is_type_of is None  # type: ignore[union-attr]
    assert definition.concrete_of is None and not definition.is_graphql_generic
    assert definition.origin.__name__ == "SipEndpoint"
    assert TYPE_CAST_ATTRIBUTE == "__as_strawberry_type__"


def test_a_setting_turns_the_fast_executor_off() -> None:
    assert build_schema(Settings()).execution_context_class is not StrawberryGraphQLCoreExecutionContext
    off = build_schema(Settings(fast_executor=False))
    assert off.execution_context_class is StrawberryGraphQLCoreExecutionContext


async def _client(world: World, **overrides: Any) -> tuple[httpx.AsyncClient, dict[str, str]]:
    app = create_app(world.settings.model_copy(update=overrides), db=world.db, migrate=False)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    return http, {"Authorization": f"Bearer {world.admin_token}"}


async def test_the_check_fails_a_request_when_the_fast_path_answers_differently(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    real = PlainObjectExecutor._try_plain

    def wrong(self: PlainObjectExecutor, return_type: Any, group: Any, value: Any) -> Any:
        answer = real(self, return_type, group, value)
        if isinstance(answer, list) and answer and isinstance(answer[0], dict) and "value" in answer[0]:
            return [{**item, "value": "not-what-graphql-core-says"} for item in answer]
        return answer

    http, headers = await _client(world)
    async with http:
        with mock.patch.object(PlainObjectExecutor, "_try_plain", wrong):
            body = (await http.post("/graphql", json={"query": PAGE}, headers=headers)).json()
        assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        assert any("executor mismatch" in r.getMessage() for r in caplog.records)
        # and an honest fast path passes the same check
        body = (await http.post("/graphql", json={"query": PAGE}, headers=headers)).json()
        assert "errors" not in body and body["data"]["sorceryUpdates"]


async def test_fallbacks_are_counted_by_reason_and_a_failure_is_logged_once(
    world: World, gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(value: Any) -> Any:
        raise RuntimeError("a bug in a plan")

    before = PlainObjectExecutor.fallbacks["error"]
    caplog.set_level(logging.WARNING, logger="app.api.execution")
    with mock.patch.object(PlainObjectExecutor, "_completer", lambda self, type_, group: broken):
        for _ in range(3):
            data = await gql.ok(PAGE)  # graphql-core completes what the plan could not
            assert data["sorceryUpdates"]
    assert PlainObjectExecutor.fallbacks["error"] >= before + 3
    failures = [r for r in caplog.records if "fast completion of" in r.getMessage()]
    shapes = {r.getMessage() for r in failures}
    assert len(failures) == len(shapes), "a failing selection shape was logged more than once"
    metrics = (await gql.http.get("/metrics")).text
    assert 'pjsip_graph_executor_fallbacks_total{reason="error"}' in metrics


def _bench_queries() -> list[str]:
    """Every query text the benchmarks send (module-level strings and dict values that parse as one)."""
    out: list[str] = []
    for path in sorted((Path(__file__).resolve().parents[2] / "bench").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
                text = node.value.replace("{n}", "5")
                try:
                    document = parse(text)
                except GraphQLSyntaxError:
                    continue
                operation = document.definitions[0]
                if isinstance(operation, OperationDefinitionNode) and operation.operation is OperationType.QUERY:
                    out.append(text)
    return out


BENCH_QUERIES = _bench_queries()


def test_the_benchmarks_queries_are_found() -> None:
    assert len(BENCH_QUERIES) >= 4


async def test_the_benchmarks_queries_answer_the_same_with_both_executors(world: World, gql: GraphQLClient) -> None:
    """The differential check (on in the tests) runs each of them, on a line with inherited options."""
    admin = await caller_for(world.db, world.admin_token)
    tenant = admin.tenant_uuid
    general = await default_template(world.db, tenant, "general")
    line = await new_endpoint(
        world.db, admin, tenant, "line-1", [general.uuid], {Section.ENDPOINT: (("callerid", "Line <100>"),)}
    )
    for query in BENCH_QUERIES:
        definition = parse(query).definitions[0]
        assert isinstance(definition, OperationDefinitionNode)
        target = line.uuid if "endpoint(uuid" in query else general.uuid if "template(uuid" in query else tenant
        variables = {v.variable.name.value: str(target) for v in definition.variable_definitions or ()}
        body = await gql.post(query, variables)
        codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
        assert "INTERNAL_SERVER_ERROR" not in codes, (query, body)
