"""Faster completion of plain objects during GraphQL execution.

graphql-core completes every field of every object through the same general
machinery (a resolve-info object, the resolver wrapper, awaitable checks, a
path entry, nullability checks), about 5 µs a field. Our answers are mostly
*plain* objects: types whose selected fields are attributes read straight
from a Python object (resolved options, their origins, Sorcery updates,
events). A page of 100 resolved endpoints is ~20,000 such fields.

For those, this executor compiles the selection once per execution into a
small plan (response name, attribute getter, completer) and completes an
object with a dict comprehension. Anything the plan cannot decide exactly as
graphql-core would (a null in a non-null position, a value a scalar refuses,
an unexpected shape) aborts the plan and the object is completed again by the
standard path, which then reports the error with its location. Plans are
never built for fields with resolvers, arguments, field extensions,
`is_type_of` checks, abstract types, `@defer`/`@stream`, or when a schema
extension wraps resolvers: those always take the standard path.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField
from strawberry.types.graphql import OperationType

from app.collector import collector_paused

Completer = Callable[[Any], Any]
# graphql-core's field groups (lists of FieldDetails); only their identity matters here.
FieldGroup = Sequence[Any]

_INCREMENTAL_DIRECTIVES = frozenset({"defer", "stream"})


class _NotPlain(Exception):
    """A value the plan cannot complete exactly as graphql-core would: use the standard path."""


class PlainObjectExecutor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # A schema extension with a `resolve` hook must see every field.
        self._plans_enabled = manager is None or not getattr(manager, "_middleware_resolvers", None)
        # (type, id(field group)) -> (field group kept alive, completer or None when not plain)
        self._completers: dict[tuple[Any, int], tuple[FieldGroup, Completer | None]] = {}

    # --- hooks into graphql-core ---------------------------------------------------------------------------

    def complete_object_value(  # type: ignore[override]
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldGroup,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        completed = self._try_plain(return_type, field_details_list, result)
        if completed is not Undefined:
            return completed
        return super().complete_object_value(
            return_type,
            field_details_list,  # type: ignore[arg-type]
            info,
            path,
            result,
            position_context,
        )

    def complete_list_value(  # type: ignore[override]
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldGroup,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if isinstance(result, list | tuple):
            completed = self._try_plain(return_type, field_details_list, result)
            if completed is not Undefined:
                return completed
        return super().complete_list_value(
            return_type,
            field_details_list,  # type: ignore[arg-type]
            info,
            path,
            result,
            position_context,
        )

    def _try_plain(self, return_type: GraphQLOutputType, group: FieldGroup, value: Any) -> Any:
        if not self._plans_enabled:
            return Undefined
        complete = self._completer(return_type, group)
        if complete is None:
            return Undefined
        try:
            return complete(value)
        except Exception:  # the standard path redoes it and reports errors properly
            return Undefined

    # --- plans ---------------------------------------------------------------------------------------------

    def _completer(self, type_: GraphQLOutputType, group: FieldGroup) -> Completer | None:
        key = (type_, id(group))
        hit = self._completers.get(key)
        if hit is not None:
            return hit[1]
        # Reserve the slot first: a self-referencing type must not recurse forever.
        self._completers[key] = (group, None)
        completer = self._build_completer(type_, group)
        self._completers[key] = (group, completer)
        return completer

    def _build_completer(self, type_: GraphQLOutputType, group: FieldGroup) -> Completer | None:
        nullable = not isinstance(type_, GraphQLNonNull)
        named = type_ if nullable else type_.of_type  # type: ignore[union-attr]
        # Each core completes a value that is not null and raises on null, so a
        # non-null position needs no wrapper; a nullable one maps null to None.
        core: Completer | None
        if isinstance(named, GraphQLList):
            if any(_has_incremental_directive(details.node) for details in group):
                return None
            item = self._completer(named.of_type, group)
            core = None if item is None else _list_of(item)
        elif is_leaf_type(named):
            core = _string() if named is GraphQLString else _leaf(named.coerce_output_value)  # type: ignore[union-attr]
        elif isinstance(named, GraphQLObjectType):
            core = self._object_plan(named, group)
        else:
            return None  # interfaces and unions: the standard path resolves their runtime type
        if core is None:
            return None
        return _or_null(core) if nullable else core

    def _object_plan(self, object_type: GraphQLObjectType, group: FieldGroup) -> Completer | None:
        if object_type.is_type_of is not None:
            return None
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, group)  # type: ignore[arg-type]
        if new_defer_usages:
            return None
        steps: list[tuple[str, Completer, Completer]] = []
        for response_name, field_group in grouped_field_set.items():
            node = field_group[0].node
            name = node.name.value
            if name == "__typename":
                steps.append((response_name, _constant(object_type.name), _identity))
                continue
            field = object_type.fields.get(name)
            if field is None or field.args or node.arguments:
                return None
            if any(details.defer_usage is not None for details in field_group):
                return None
            getter = _attribute_getter(field)
            if getter is None:
                return None
            complete = self._completer(field.type, field_group)
            if complete is None:
                return None
            steps.append((response_name, getter, complete))
        frozen = tuple(steps)

        def plan(source: Any) -> dict[str, Any]:
            if source is None or isinstance(source, Exception):
                raise _NotPlain
            return {name: complete(get(source)) for name, get, complete in frozen}

        return plan


def _attribute_getter(field: GraphQLField) -> Completer | None:
    """The attribute read of a Strawberry field without resolver, or None when the field does more."""
    resolve = field.resolve
    if resolve is None or not getattr(resolve, "_is_default", False):
        return None
    definition = field.extensions.get("strawberry-definition")
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if definition.default_resolver is not getattr:
        return None
    return operator.attrgetter(definition.python_name)


def _has_incremental_directive(node: Any) -> bool:
    return any(directive.name.value in _INCREMENTAL_DIRECTIVES for directive in node.directives or ())


def _identity(value: Any) -> Any:
    return value


def _constant(value: Any) -> Completer:
    return lambda _source: value


def _or_null(core: Completer) -> Completer:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        return core(value)

    return complete


def _list_of(item: Completer) -> Completer:
    def complete(value: Any) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise _NotPlain  # null, async iterables, generators, wrong types: graphql-core's business
        return [item(v) for v in value]

    return complete


def _string() -> Completer:
    coerce = GraphQLString.coerce_output_value

    def complete(value: Any) -> Any:
        if value.__class__ is str:
            return value
        if value is None or isinstance(value, Exception):
            raise _NotPlain
        return coerce(value)

    return complete


def _leaf(coerce: Callable[[Any], Any]) -> Completer:
    def complete(value: Any) -> Any:
        if value is None or isinstance(value, Exception):
            raise _NotPlain
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _NotPlain
        return coerced

    return complete


class MutationsPauseCollector(SchemaExtension):
    """Keep Python's cycle collector paused while a mutation executes.

    A template change of a large tenant loads, resolves, diffs and answers
    tens of thousands of long-lived objects; the collector's full scans of
    that heap cost ~0.6 s of a 10,000-endpoint change. Nothing there forms
    cycles that must be freed before the answer is sent.
    """

    def on_execute(self) -> Iterator[None]:
        if self.execution_context.operation_type is OperationType.MUTATION:
            with collector_paused():
                yield
        else:
            yield
