"""The plain-object executor answers exactly what graphql-core's standard path answers, only faster."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from enum import Enum
from typing import Any
from unittest import mock
from uuid import UUID

import orjson
import pytest
import strawberry
from strawberry.extensions import ParserCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.api.execution import PlainObjectExecutor, plain_resolver
from app.api.mutation_gc import MutationsPauseCollector
from app.api.schema import build_schema


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Origin:
    uuid: UUID
    name: str
    label: str | None


@strawberry.type
class Item:
    key: str
    value: str
    inherited: bool
    colour: Colour
    origin: Origin
    tags: list[str]
    weight: int | None

    @strawberry.field
    def shout(self) -> str:
        return self.value.upper()


@dataclass
class RawItem:
    """A domain object served as an Item: the fields are attributes, as in the product's resolved options."""

    key: str
    value: Any
    inherited: bool
    colour: Any
    origin: Any
    tags: Any
    weight: Any = None

    def shout(self) -> str:
        return str(self.value).upper()


ORIGIN = Origin(uuid=UUID(int=7), name="general", label=None)


def items(n: int = 3, **overrides: Any) -> list[Any]:
    out = []
    for i in range(n):
        fields: dict[str, Any] = {
            "key": f"k{i}",
            "value": f"v{i}",
            "inherited": i % 2 == 0,
            "colour": Colour.RED if i % 2 else Colour.BLUE,
            "origin": ORIGIN,
            "tags": ["a", "b"],
            "weight": i if i else None,
        }
        fields.update(overrides if i == n - 1 else {})
        out.append(RawItem(**fields))
    return out


def schema_over(data: list[Any], executor: type[StrawberryGraphQLCoreExecutionContext] | None) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item]:
            return data  # type: ignore[return-value]

        @strawberry.field
        def maybe(self) -> list[Item] | None:
            return data  # type: ignore[return-value]

    return strawberry.Schema(query=Query, execution_context_class=executor)


QUERIES = [
    "{ items { key value inherited colour weight tags origin { uuid name label } } }",
    "{ items { k: key v: value __typename origin { __typename n: name } } }",
    "{ items { ...F } } fragment F on Item { key origin { name } }",
    "query($s: Boolean!) { items { key value @skip(if: $s) origin @include(if: $s) { name } } }",
    "{ items { key shout } maybe { key } }",
    "{ items { key key value } }",
]


async def answer(data: list[Any], query: str, executor: type[StrawberryGraphQLCoreExecutionContext] | None) -> Any:
    result = await schema_over(data, executor).execute(query, variable_values={"s": True})
    errors = [(e.message, e.path) for e in result.errors or ()]
    return result.data, errors


@pytest.mark.parametrize("query", QUERIES)
async def test_same_answers_as_the_standard_executor(query: str) -> None:
    data = items()
    assert await answer(data, query, PlainObjectExecutor) == await answer(data, query, None)
    assert (await answer(data, query, PlainObjectExecutor))[1] == []


@pytest.mark.parametrize(
    "bad",
    [
        {"value": None},  # null in a non-null position
        {"origin": None},
        {"colour": "green"},  # not a value of the enum
        {"tags": ["a", None]},
        {"tags": "not a list"},
        {"inherited": ValueError("boom")},
        {"origin": object()},
    ],
)
async def test_errors_are_those_of_the_standard_executor(bad: dict[str, Any]) -> None:
    data = items(**bad)
    query = "{ items { key value inherited colour tags origin { name } } maybe { key value origin { name } } }"
    plain = await answer(data, query, PlainObjectExecutor)
    assert plain == await answer(data, query, None)
    assert plain[1], "the broken item must produce an error with its path"


async def test_plain_objects_build_no_resolve_info_per_field() -> None:
    """Without the plain path, graphql-core builds one resolve-info per field (here 1 + 200 × 8)."""
    data = items(200)
    query = "{ items { key value inherited colour weight tags origin { name } } }"
    schema = schema_over(data, PlainObjectExecutor)
    with mock.patch.object(
        PlainObjectExecutor, "build_resolve_info", autospec=True, side_effect=PlainObjectExecutor.build_resolve_info
    ) as built:
        result = await schema.execute(query)
    assert result.errors is None
    assert len(result.data["items"]) == 200  # type: ignore[index]
    assert built.call_count == 1  # the root field only


def test_the_product_schema_uses_the_plain_executor() -> None:
    executor = build_schema().execution_context_class
    assert executor is not None and issubclass(executor, PlainObjectExecutor)


async def test_schema_extension_with_resolve_hook_sees_every_field() -> None:
    seen: list[str] = []

    class Spy(strawberry.extensions.SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(info.field_name)
            return _next(root, info, *args, **kwargs)

    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item]:
            return items(2)  # type: ignore[return-value]

    schema = strawberry.Schema(query=Query, execution_context_class=PlainObjectExecutor, extensions=[Spy])
    result = await schema.execute("{ items { key origin { name } } }")
    assert result.errors is None
    assert seen.count("key") == 2 and seen.count("name") == 2


async def test_mutations_run_with_the_cycle_collector_paused() -> None:
    import gc

    seen: dict[str, bool] = {}

    @strawberry.type
    class Query:
        @strawberry.field
        def collecting(self) -> bool:
            seen["query"] = gc.isenabled()
            return True

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        async def change(self) -> bool:
            seen["mutation"] = gc.isenabled()
            return True

    schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[MutationsPauseCollector])
    assert gc.isenabled()
    assert (await schema.execute("mutation { change }")).errors is None
    assert (await schema.execute("{ collecting }")).errors is None
    assert seen == {"mutation": False, "query": True}
    assert gc.isenabled()  # and it runs again afterwards


async def test_a_subscription_plans_its_selection_once_not_per_event() -> None:
    @strawberry.type
    class Query:
        ping: bool = True

    @strawberry.type
    class Subscription:
        @strawberry.subscription
        async def items(self) -> AsyncGenerator[Item, None]:
            for item in items(20):
                yield item

    schema = strawberry.Schema(query=Query, subscription=Subscription, execution_context_class=PlainObjectExecutor)
    with mock.patch.object(
        PlainObjectExecutor, "_object_plan", autospec=True, side_effect=PlainObjectExecutor._object_plan
    ) as planned:
        stream = await schema.subscribe("subscription { items { key origin { name } } }")
        results = [r async for r in stream]  # type: ignore[union-attr]
    assert [r.data["items"]["key"] for r in results] == [f"k{i}" for i in range(20)]  # type: ignore[index]
    assert all(r.data["items"]["origin"] == {"name": "general"} for r in results)  # type: ignore[index]
    assert planned.call_count == 2  # Item and Origin, once each for the 20 events


async def test_the_collector_resumes_only_once_the_mutation_is_answered() -> None:
    import gc

    from strawberry.asgi import GraphQL

    from app.api.mutation_gc import CollectorResumesAfterResponse

    @strawberry.type
    class Query:
        ok: bool = True

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def change(self) -> bool:
            return True

    schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[MutationsPauseCollector])
    app = CollectorResumesAfterResponse(GraphQL(schema))
    body = b'{"query": "mutation { change }"}'
    received = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[tuple[str, bool]] = []

    async def receive() -> dict[str, Any]:
        return received.pop(0) if received else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append((message["type"], gc.isenabled()))

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("test", 80),
        "client": ("test", 1),
        "root_path": "",
    }
    assert gc.isenabled()
    await app(scope, receive, send)  # type: ignore[arg-type]
    assert ("http.response.body", False) in sent  # answered while still paused
    assert gc.isenabled()  # and resumed right after


@dataclass(frozen=True)
class FrozenItem:
    key: str
    value: str
    inherited: bool
    colour: Any
    origin: Any
    tags: Any
    weight: Any = None


class RememberingExecutor(PlainObjectExecutor):
    immutable_items = (FrozenItem,)


async def test_immutable_tuples_are_completed_once_for_a_selection() -> None:
    frozen = tuple(FrozenItem(f"k{i}", f"v{i}", False, Colour.RED, ORIGIN, ("a",)) for i in range(3))
    mutable = items(3)

    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item]:
            return frozen  # type: ignore[return-value]

        @strawberry.field
        def others(self) -> list[Item]:
            return mutable  # type: ignore[return-value]

    # As in the product: a parsed document is shared by the requests that send the same text.
    schema = strawberry.Schema(query=Query, execution_context_class=RememberingExecutor, extensions=[ParserCache])
    query = "query($s: Boolean!) { items { key value @skip(if: $s) } others { key } }"
    first = await schema.execute(query, variable_values={"s": False})
    second = await schema.execute(query, variable_values={"s": False})
    skipped = await schema.execute(query, variable_values={"s": True})
    assert first.errors is None and first.data == second.data
    assert first.data["items"][0] == {"key": "k0", "value": "v0"}  # type: ignore[index]
    # the frozen tuple's completed form is the one from the first answer; the mutable list is completed anew
    assert second.data["items"] is first.data["items"]  # type: ignore[index]
    assert second.data["others"] is not first.data["others"]  # type: ignore[index]
    # other variables, another selection: completed anew, not taken from the first answer
    assert skipped.data["items"][0] == {"key": "k0"}  # type: ignore[index]


async def test_an_answer_shared_across_requests_cannot_be_changed_by_one_of_them() -> None:
    frozen = tuple(FrozenItem(f"k{i}", f"v{i}", False, Colour.RED, ORIGIN, ("a",)) for i in range(2))

    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item]:
            return frozen  # type: ignore[return-value]

    schema = strawberry.Schema(query=Query, execution_context_class=RememberingExecutor, extensions=[ParserCache])
    query = "{ items { key origin { name } } }"
    first = await schema.execute(query)
    assert first.data is not None
    shared = first.data["items"]
    with pytest.raises(TypeError):
        shared[0]["key"] = "changed by one request"
    with pytest.raises(TypeError):
        shared[0]["origin"]["name"] = "changed"
    with pytest.raises(TypeError):
        shared.append({"key": "more"})
    second = await schema.execute(query)
    assert second.data is not None and second.data["items"] is shared
    assert second.data == {
        "items": [{"key": "k0", "origin": {"name": "general"}}, {"key": "k1", "origin": {"name": "general"}}]
    }
    assert orjson.loads(orjson.dumps(second.data)) == second.data


async def test_a_document_is_planned_once_for_every_request_that_sends_it() -> None:
    data = items(5)
    schema = schema_over(data, PlainObjectExecutor)
    schema.extensions = [ParserCache]  # as in the product: the same text gives the same document
    query = "{ items { key origin { name } } }"
    with mock.patch.object(
        PlainObjectExecutor, "_object_plan", autospec=True, side_effect=PlainObjectExecutor._object_plan
    ) as planned:
        answers = [await schema.execute(query) for _ in range(4)]
    assert all(a.errors is None and a.data == answers[0].data for a in answers)
    assert answers[0].data["items"][4] == {"key": "k4", "origin": {"name": "general"}}  # type: ignore[index]
    assert planned.call_count == 2  # Item and Origin, for the first request only


async def test_a_directive_reading_a_variable_plans_each_request_for_its_variables() -> None:
    data = items(2)
    schema = schema_over(data, PlainObjectExecutor)
    schema.extensions = [ParserCache]
    query = "query($s: Boolean!) { items { key value @skip(if: $s) origin @include(if: $s) { name } } }"
    shown = await schema.execute(query, variable_values={"s": False})
    skipped = await schema.execute(query, variable_values={"s": True})
    again = await schema.execute(query, variable_values={"s": False})
    assert shown.data == again.data == {"items": [{"key": "k0", "value": "v0"}, {"key": "k1", "value": "v1"}]}
    assert skipped.data == {
        "items": [{"key": "k0", "origin": {"name": "general"}}, {"key": "k1", "origin": {"name": "general"}}]
    }


calls: list[str] = []


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Box(Named):
    """A type implementing an interface (Strawberry checks the class of what is returned) with plain
    resolvers: completed by a plan, without a resolve-info per field."""

    size: int

    @strawberry.field
    @plain_resolver
    def double(self) -> int:
        return self.size * 2

    @strawberry.field
    @plain_resolver
    def owner(self, info: strawberry.Info) -> str:
        calls.append("owner")
        return str(info.context["owner"])

    @strawberry.field
    @plain_resolver
    def refused(self) -> str:  # an error of the resolver's own: graphql-core reports it
        raise PermissionError(f"not for box {self.name}")

    @strawberry.field
    @plain_resolver
    def later(self) -> str:  # an awaitable answer: the standard path takes over
        async def value() -> str:
            return f"later {self.size}"

        return value()  # type: ignore[return-value]


def box_schema(boxes: list[Any]) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def boxes(self) -> list[Box]:
            return boxes

    return strawberry.Schema(query=Query, execution_context_class=PlainObjectExecutor, extensions=[ParserCache])


async def test_plain_resolvers_and_interface_types_are_completed_by_the_plan() -> None:
    boxes = [Box(name=f"b{i}", size=i) for i in range(50)]
    schema = box_schema(boxes)
    calls.clear()
    query = "{ boxes { name size double owner } }"
    with mock.patch.object(
        PlainObjectExecutor, "build_resolve_info", autospec=True, side_effect=PlainObjectExecutor.build_resolve_info
    ) as built:
        result = await schema.execute(query, context_value={"owner": "ops"})
    assert result.errors is None
    assert result.data["boxes"][3] == {"name": "b3", "size": 3, "double": 6, "owner": "ops"}  # type: ignore[index]
    assert built.call_count == 1  # the root field only
    assert calls.count("owner") == 50
    # each request's resolvers see that request's context, though the plan is kept
    again = await schema.execute(query, context_value={"owner": "other"})
    assert again.data["boxes"][0]["owner"] == "other"  # type: ignore[index]
    standard = strawberry.Schema(query=schema.query, execution_context_class=StrawberryGraphQLCoreExecutionContext)  # type: ignore[arg-type]
    assert (await standard.execute(query, context_value={"owner": "other"})).data == again.data


async def test_a_plain_resolver_answering_an_awaitable_gives_way_to_the_standard_path(
    recwarn: pytest.WarningsRecorder,
) -> None:
    schema = box_schema([Box(name="b", size=2)])
    before = PlainObjectExecutor.fallbacks["not_plain"]
    result = await schema.execute("{ boxes { name later } }", context_value={})
    assert result.errors is None and result.data == {"boxes": [{"name": "b", "later": "later 2"}]}
    assert PlainObjectExecutor.fallbacks["not_plain"] > before  # the list, then its item, gave way
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


async def test_an_object_of_another_class_is_refused_as_graphql_core_refuses_it() -> None:
    @dataclass
    class NotABox:
        name: str
        size: int

    query = "{ boxes { name size } }"
    plain = await box_schema([NotABox("x", 1)]).execute(query)  # type: ignore[list-item]
    assert plain.errors and "Expected value of type 'Box'" in plain.errors[0].message
    assert plain.data is None


class KeptBox(Box):
    """A Box whose instances never change: its completed form is kept across requests."""


class KeepingExecutor(PlainObjectExecutor):
    immutable_objects = frozenset({KeptBox})


async def test_immutable_objects_are_completed_once_for_a_selection() -> None:
    kept = KeptBox(name="k", size=1)
    fresh = Box(name="f", size=2)

    @strawberry.type
    class Query:
        @strawberry.field
        def boxes(self) -> list[Box]:
            return [kept, fresh]

    schema = strawberry.Schema(query=Query, execution_context_class=KeepingExecutor, extensions=[ParserCache])
    query = "{ boxes { name double } }"
    first, second = await schema.execute(query), await schema.execute(query)
    assert first.errors is None and first.data == second.data
    assert first.data == {"boxes": [{"name": "k", "double": 2}, {"name": "f", "double": 4}]}
    assert second.data["boxes"][0] is first.data["boxes"][0]  # type: ignore[index]
    assert second.data["boxes"][1] is not first.data["boxes"][1]  # type: ignore[index]
    with pytest.raises(TypeError):
        first.data["boxes"][0]["name"] = "changed"  # type: ignore[index]


async def test_a_plain_resolver_refusing_is_reported_as_graphql_core_reports_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = box_schema([Box(name="b0", size=1), Box(name="b1", size=2)])
    before = PlainObjectExecutor.fallbacks["error"]
    query = "{ boxes { name refused } }"
    plain = await schema.execute(query, context_value={})
    standard = strawberry.Schema(query=schema.query, execution_context_class=StrawberryGraphQLCoreExecutionContext)  # type: ignore[arg-type]
    reference = await standard.execute(query, context_value={})
    assert plain.data == reference.data is None
    assert [(e.message, e.path) for e in plain.errors or ()] == [(e.message, e.path) for e in reference.errors or ()]
    assert plain.errors and plain.errors[0].message == "not for box b0"
    # the resolver's refusal is not a failure of the fast path: nothing counted or logged as one
    assert PlainObjectExecutor.fallbacks["error"] == before
    assert "fast completion" not in caplog.text
