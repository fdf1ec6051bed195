"""Faster completion of plain objects during GraphQL execution.

graphql-core completes every field of every object through the same general
machinery (a resolve-info object, the resolver wrapper, awaitable checks, a
path entry, nullability checks), about 5 µs a field. Our answers are mostly
*plain* objects: types whose selected fields are attributes read straight
from a Python object (resolved options, their origins, Sorcery updates,
events). A page of 100 resolved endpoints is ~20,000 such fields.

For those, this executor turns the selection into a plan: a function per
object type that builds the answer as one dict literal (compiled once per
selection shape, bound per execution to its completers). Anything a plan
cannot decide exactly as graphql-core would (a null in a non-null position, a
value a scalar refuses, an unexpected shape) aborts it and the object is
completed again by the standard path, which then reports the error with its
location. Plans are never built for fields with arguments, field extensions,
a user-defined `is_type_of`, abstract types, `@defer`/`@stream`, or when a
schema extension wraps resolvers: those always take the standard path. A
field with a resolver is planned only when the resolver is marked
`plain_resolver` (synchronous, reads nothing of its info but the context);
an object type whose `is_type_of` Strawberry generated (it implements an
interface) is planned with that check made on the object's class (an instance
of the type's class or of a subclass; anything else takes the standard path).

Plans are kept across executions of the same document (the parser cache
hands back the same nodes for the same text), unless a directive of the
document reads a variable (`@skip(if: $x)`): building them cost more than
running them for a small query. What they need of one execution (its
context, the objects it shares) they read from the execution running them
(`_RUN`, set while a plan runs: a plan never yields to the event loop).

Two kinds of answers are shared rather than rebuilt: an object met again in
one answer (the origin most resolved options share), and, across requests,
the completed form of a tuple of items declared immutable (the resolved
options the cache serves again and again), kept by identity for the same
selection and variables.
"""

from __future__ import annotations

import functools
import inspect
import keyword
import logging
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import repeat
from types import CodeType
from typing import Any, ClassVar, TypeVar

from graphql import (
    BREAK,
    DirectiveNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    Undefined,
    VariableNode,
    Visitor,
    is_leaf_type,
    visit,
)
from graphql import (
    OperationType as OperationKind,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE
from strawberry.types.field import StrawberryField

log = logging.getLogger(__name__)

Completer = Callable[[Any], Any]
# graphql-core's field groups (lists of FieldDetails); only their identity matters here.
FieldGroup = Sequence[Any]

_INCREMENTAL_DIRECTIVES = frozenset({"defer", "stream"})
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


class _NotPlain(Exception):
    """A value the plan cannot complete exactly as graphql-core would: use the standard path."""


_PLAIN_RESOLVER = "__plain_resolver__"
F = TypeVar("F", bound=Callable[..., Any])


def plain_resolver(func: F) -> F:
    """Let the fast path call this Strawberry resolver itself (put it below `@strawberry.field`).

    The promise: the resolver is a method taking only ``self`` and optionally ``info``, is
    synchronous in the cases worth planning (an awaitable answer makes the object take the
    standard path, which calls it again), has no effect, and reads nothing of ``info`` but
    ``info.context``. It then costs a call instead of graphql-core's resolve-info object,
    Strawberry's wrapper and argument conversion for every object of a page.
    """
    setattr(func, _PLAIN_RESOLVER, True)
    return func


@dataclass(frozen=True, slots=True)
class _ContextInfo:
    """What a plain resolver's ``info`` offers: the request's context."""

    context: Any


@dataclass(slots=True)
class _Run:
    """What plans read of the execution running them."""

    info: _ContextInfo
    # The variables when they can change a selection (part of what is remembered), else None.
    variables: Any
    # Objects completed once per execution (`_shared`): completer -> id(value) -> (value, answer).
    shared: dict[Any, dict[int, tuple[Any, Any]]]


_RUN: ContextVar[_Run] = ContextVar("plain_object_execution")
# Plans kept across executions, per (executor class, whether objects are shared); at most this many each.
PLANS_KEPT = 5_000
_plans: dict[tuple[type, bool], dict[tuple[Any, ...], tuple[FieldGroup, Completer | None]]] = {}


class PlainObjectExecutor(StrawberryGraphQLCoreExecutionContext):
    # Item classes whose instances never change (immutable all the way down).
    # A tuple of them completes to the same answer for the same selection, so
    # that answer is kept across executions, by the tuple's identity: cached
    # resolved views are such tuples, served again and again.
    immutable_items: ClassVar[tuple[type, ...]] = ()
    # Classes whose instances never change either (shared between requests, their fields
    # tuples): an object of one completes to the same answer for the same selection.
    immutable_objects: ClassVar[frozenset[type]] = frozenset()
    remembered_lists: ClassVar[int] = 2_000
    _remembered: ClassVar[OrderedDict[tuple[Any, ...], tuple[Any, FieldGroup, Any]]] = OrderedDict()
    # Objects handed back to graphql-core's own completion, by reason (exported on /metrics):
    # "not_plain" is expected (a null or a value a scalar refuses: graphql-core reports it),
    # "error" means the fast path itself failed, and is logged once per selection shape.
    fallbacks: ClassVar[Counter[str]] = Counter()
    _logged_failures: ClassVar[set[tuple[str, ...]]] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # A schema extension with a `resolve` hook must see every field.
        self._plans_enabled = manager is None or not getattr(manager, "_middleware_resolvers", None)
        # Within one query or mutation, an object met again (the origin shared by
        # most resolved options) is completed once. Not across a subscription's
        # events: a payload object could be reused with other contents.
        self._share_objects = self.operation.operation is not OperationKind.SUBSCRIPTION
        # Variables can change a selection (@skip/@include): then plans are this execution's own,
        # and the variables are part of what is remembered.
        self._own_plans = _directives_read_variables(self.operation, self.fragments)
        remembers = self.immutable_items or self.immutable_objects
        variables = _frozen(self.variable_values.coerced) if remembers and self._own_plans else None
        # (type, ids of the field nodes) -> (field group keeping them alive, completer or None when not plain)
        self._completers = {} if self._own_plans else self._kept_plans()
        self._remembers = bool(remembers) and (variables is not None or not self._own_plans)
        self._run = _Run(_ContextInfo(self.context_value), variables, {})

    def _kept_plans(self) -> dict[tuple[Any, ...], tuple[FieldGroup, Completer | None]]:
        plans = _plans.setdefault((type(self), self._share_objects), {})
        if len(plans) > PLANS_KEPT:
            plans.clear()  # rare: thousands of distinct documents
        return plans

    # --- hooks into graphql-core ---------------------------------------------------------------------------

    def build_response(self, data: dict[str, Any] | None) -> Any:
        response = super().build_response(data)
        if self._share_objects:
            # The answer is complete: the objects this query or mutation shared are done with
            # (a big change's thousands of updates). The executor is part of reference cycles,
            # so without this they would wait for the cycle collector, whose pass over them
            # stalls every request at once.
            self._run.shared.clear()
            if self._own_plans:
                self._completers.clear()
        return response

    # graphql-core calls both with (return type, field group, info, path, result, position context).

    def complete_object_value(self, *args: Any) -> Any:
        completed = self._try_plain(args[0], args[1], args[4])
        return completed if completed is not Undefined else super().complete_object_value(*args)

    def complete_list_value(self, *args: Any) -> Any:
        # (an async iterable or any other non-list makes the plan give way)
        completed = self._try_plain(args[0], args[1], args[4])
        return completed if completed is not Undefined else super().complete_list_value(*args)

    def _try_plain(self, return_type: GraphQLOutputType, group: FieldGroup, value: Any) -> Any:
        if not self._plans_enabled:
            return Undefined
        complete = self._completer(return_type, group)
        if complete is None:
            return Undefined
        running = _RUN.set(self._run)
        try:
            return complete(value)
        except _NotPlain:  # the standard path redoes it and reports errors properly
            self.fallbacks["not_plain"] += 1
            return Undefined
        except Exception:
            self.fallbacks["error"] += 1
            self._log_failure(return_type, group)
            return Undefined
        finally:
            _RUN.reset(running)

    def _log_failure(self, return_type: GraphQLOutputType, group: FieldGroup) -> None:
        shape = (str(return_type), *(details.node.name.value for details in group))
        if shape not in self._logged_failures and len(self._logged_failures) < 1000:
            self._logged_failures.add(shape)
            log.warning("fast completion of %s failed; graphql-core completed it", " ".join(shape), exc_info=True)

    # --- plans ---------------------------------------------------------------------------------------------

    def _completer(self, type_: GraphQLOutputType, group: FieldGroup) -> Completer | None:
        # Keyed by the field nodes, which belong to the (cached) document: the
        # per-event executors of a subscription share this dict and collect
        # new field groups for every event, but select the same nodes.
        key = (type_, *[id(details.node) for details in group])
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
            if core is not None and self._remembers:
                core = self._remembering(core, (type_, *[id(details.node) for details in group]), group)
        elif is_leaf_type(named):
            core = _string() if named is GraphQLString else _leaf(named.coerce_output_value)  # type: ignore[union-attr]
        elif isinstance(named, GraphQLObjectType):
            core = self._object_plan(named, group)
            if core is not None and self._remembers and self._may_be_kept(named):
                key = (type_, *[id(details.node) for details in group])
                core = self._remembering(core, key, group, kept_as_object=True)
        else:
            return None  # interfaces and unions: the standard path resolves their runtime type
        if core is None:
            return None
        return _or_null(core) if nullable else core

    def _may_be_kept(self, object_type: GraphQLObjectType) -> bool:
        """Whether some immutable class is served as this type (a subclass of the type's class)."""
        definition = object_type.extensions.get("strawberry-definition")
        origin = getattr(definition, "origin", None)
        return origin is not None and any(issubclass(kind, origin) for kind in self.immutable_objects)

    def _remembering(
        self, complete: Completer, key: tuple[Any, ...], group: FieldGroup, *, kept_as_object: bool = False
    ) -> Completer:
        """Values that never change, completed once and kept across executions by identity: tuples
        of immutable items (`immutable_items`), or objects of the immutable classes (``kept_as_object``)."""
        kept = _Kept(self._remembered, self.remembered_lists)
        items, objects = self.immutable_items, self.immutable_objects

        def complete_remembered(value: Any) -> Any:
            if (value.__class__ not in objects) if kept_as_object else (value.__class__ is not tuple):
                return complete(value)
            entry_key = (*key, _RUN.get().variables, id(value))
            completed = kept.get(entry_key, value)
            if completed is not None:
                return completed  # the same value: the same immutable contents
            completed = complete(value)
            if not kept_as_object and (not value or not all(map(isinstance, value, repeat(items)))):
                return completed  # a tuple of other things: not known to stay the same
            return kept.put(entry_key, value, group, completed)

        return complete_remembered

    def _object_plan(self, object_type: GraphQLObjectType, group: FieldGroup) -> Completer | None:
        checked_class = None
        if object_type.is_type_of is not None:
            checked_class = _generated_type_check(object_type)
            if checked_class is None:
                return None
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, group)  # type: ignore[arg-type]
        if new_defer_usages:
            return None
        steps: list[_Step] = []
        for response_name, field_group in grouped_field_set.items():
            node = field_group[0].node
            name = node.name.value
            if name == "__typename":
                steps.append(_Step(response_name, None, None, object_type.name))
                continue
            field = object_type.fields.get(name)
            if field is None or field.args or node.arguments:
                return None
            if any(details.defer_usage is not None for details in field_group):
                return None
            attribute = _attribute_name(field)
            resolver = None if attribute is not None else _plain_resolver_of(field)
            if attribute is None and resolver is None:
                return None
            complete = self._completer(field.type, field_group)
            if complete is None:
                return None
            if self._share_objects and isinstance(_named(field.type), GraphQLObjectType):
                complete = _shared(complete)
            if resolver is not None:
                steps.append(_Step(response_name, None, complete, _calling(resolver)))
            else:
                steps.append(_Step(response_name, attribute, complete, _fast_leaf(field.type)))
        return _compile_plan(object_type.name, steps, checked_class)


@dataclass(frozen=True, slots=True)
class _Step:
    """One selected field: response key, attribute read, completer; or a constant (__typename);
    or a plain resolver's call and its completer."""

    response_name: str
    attribute: str | None
    complete: Completer | None
    # For __typename: the type name. For a non-null String or Boolean: that
    # Python class, whose instances are already their own completed value.
    # For a plain resolver: the function reading the field's value of a source.
    extra: Any = None


def _compile_plan(type_name: str, steps: Sequence[_Step], checked_class: type | None = None) -> Completer:
    """A function completing one object: a dict literal with one entry per step.

    Like a compiled query: a page completes tens of thousands of fields, and a
    function call, a closure and a completer per field were most of the cost.
    The code depends only on the shape of the selection, so it is compiled
    once per shape (subscriptions execute the same selection for every event
    and subscriber); each execution binds its own completers to it.
    """
    namespace: dict[str, Any] = {"NotPlain": _NotPlain, "Exception": Exception, "K": checked_class}
    shape: list[tuple[str, str | None, str]] = []
    for i, step in enumerate(steps):
        if step.attribute is None and step.complete is not None:
            namespace[f"c{i}"] = step.complete
            namespace[f"r{i}"] = step.extra
            shape.append((step.response_name, None, "call"))
            continue
        if step.attribute is None:
            shape.append((step.response_name, None, repr(step.extra)))
            continue
        namespace[f"c{i}"] = step.complete
        namespace[f"a{i}"] = step.attribute
        if step.extra is None:
            shape.append((step.response_name, step.attribute, ""))
        else:
            namespace[f"t{i}"] = step.extra
            shape.append((step.response_name, step.attribute, "fast"))
    exec(_plan_code(type_name, tuple(shape), checked_class is not None), namespace)
    # Taken out of its own namespace (its globals): a function referring to itself through
    # them would make a reference cycle of the plan and of every object its completers keep.
    plan: Completer = namespace.pop("plan")
    return plan


@functools.lru_cache(maxsize=1024)
def _plan_code(type_name: str, shape: tuple[tuple[str, str | None, str], ...], check_class: bool = False) -> CodeType:
    """Compile the plan function of one selection shape.

    Keys are GraphQL response names and attributes Python identifiers (both
    checked) inserted via repr(); completers and classes come from the
    namespace the code runs in, never as text. ``check_class``: the source must
    be an instance of ``K``, carrying no Strawberry cast (what the type's
    generated `is_type_of` would accept).
    """
    entries: list[str] = []
    for i, (response_name, attribute, how) in enumerate(shape):
        if not _GRAPHQL_NAME.fullmatch(response_name):
            raise ValueError(f"not a GraphQL name: {response_name!r}")
        key = repr(response_name)
        if how == "call":
            entries.append(f"{key}: c{i}(r{i}(source))")
            continue
        if attribute is None:
            entries.append(f"{key}: {how}")  # __typename: the repr of the type name
            continue
        if attribute.isidentifier() and not keyword.iskeyword(attribute):
            read = f"source.{attribute}"
        else:
            read = f"getattr(source, a{i})"
        if how == "fast":
            entries.append(f"{key}: (v{i} if (v{i} := {read}).__class__ is t{i} else c{i}(v{i}))")
        else:
            entries.append(f"{key}: c{i}({read})")
    guard = (
        f"    if not isinstance(source, K) or hasattr(source, {TYPE_CAST_ATTRIBUTE!r}):\n"
        if check_class
        else "    if source is None or isinstance(source, Exception):\n"
    )
    source = f"def plan(source):\n{guard}        raise NotPlain\n    return {{{', '.join(entries)}}}\n"
    return compile(source, f"<plan of {type_name}>", "exec")


class _Kept:
    """The completed forms kept across executions (least recently used dropped first).

    Each entry keeps its source value and field nodes alive, so that their ids, part of
    the key, stay theirs; a hit must be the very same value."""

    __slots__ = ("entries", "limit")

    def __init__(self, entries: OrderedDict[tuple[Any, ...], tuple[Any, FieldGroup, Any]], limit: int) -> None:
        self.entries, self.limit = entries, limit

    def get(self, key: tuple[Any, ...], value: Any) -> Any:
        entry = self.entries.get(key)
        if entry is None or entry[0] is not value:
            return None
        self.entries.move_to_end(key)
        return entry[2]

    def put(self, key: tuple[Any, ...], value: Any, group: FieldGroup, completed: Any) -> Any:
        # Shared by every later request: frozen, so that nothing one request does to
        # its answer can show up in another's.
        completed = frozen_answer(completed)
        self.entries[key] = (value, group, completed)
        if len(self.entries) > self.limit:
            self.entries.popitem(last=False)
        return completed


class FrozenList(list[Any]):
    """A completed list shared across requests: reads like a list, refuses every change."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a remembered answer is shared between requests and cannot be changed")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse


class FrozenDict(dict[str, Any]):
    """A completed object shared across requests: reads like a dict, refuses every change."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a remembered answer is shared between requests and cannot be changed")

    __setitem__ = __delitem__ = __ior__ = _refuse
    update = pop = popitem = clear = setdefault = _refuse


def frozen_answer(value: Any) -> Any:
    """``value`` with every list and dict in it frozen (JSON encoders see plain lists and dicts)."""
    if isinstance(value, dict) and not isinstance(value, FrozenDict):
        return FrozenDict({k: frozen_answer(v) for k, v in value.items()})
    if isinstance(value, list) and not isinstance(value, FrozenList):
        return FrozenList(frozen_answer(v) for v in value)
    return value


def _frozen(variables: Any) -> Any:
    """The variables as a hashable value, or None when they cannot be (nothing is remembered then)."""
    try:
        frozen = tuple(sorted((name, repr(value)) for name, value in (variables or {}).items()))
        hash(frozen)
    except TypeError:
        return None
    return frozen


def _named(type_: GraphQLOutputType) -> GraphQLOutputType:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_  # type: ignore[no-any-return]


def _shared(complete: Completer) -> Completer:
    """``complete`` once per distinct object of one execution (many options share one origin)."""

    def complete_shared(value: Any) -> Any:
        done = _RUN.get().shared.setdefault(complete_shared, {})
        entry = done.get(id(value))
        if entry is None:
            # The entry keeps the value alive, so its id cannot be reused meanwhile.
            entry = done[id(value)] = (value, complete(value))
        return entry[1]

    return complete_shared


def _fast_leaf(type_: GraphQLOutputType) -> type | None:
    """str for a non-null String, bool for a non-null Boolean: values of that class complete to themselves."""
    if isinstance(type_, GraphQLNonNull):
        if type_.of_type is GraphQLString:
            return str
        if type_.of_type is GraphQLBoolean:
            return bool
    return None


def _attribute_name(field: GraphQLField) -> str | None:
    """The attribute a Strawberry field without resolver reads, or None when the field does more."""
    resolve = field.resolve
    if resolve is None or not getattr(resolve, "_is_default", False):
        return None
    definition = field.extensions.get("strawberry-definition")
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if definition.default_resolver is not getattr:
        return None
    return definition.python_name


def _plain_resolver_of(field: GraphQLField) -> Callable[..., Any] | None:
    """The function of a field whose resolver is marked `plain_resolver` and that does nothing more
    (no arguments, permissions or field extensions); None otherwise."""
    definition = field.extensions.get("strawberry-definition")
    if not isinstance(definition, StrawberryField) or definition.base_resolver is None:
        return None
    resolver = definition.base_resolver
    func = resolver.wrapped_func
    if not callable(func) or not getattr(func, _PLAIN_RESOLVER, False) or resolver.is_async:
        return None
    if definition.arguments or definition.permission_classes or definition.extensions:
        return None
    if resolver.self_parameter is None or resolver.root_parameter or resolver.parent_parameter:
        return None
    parameters = list(inspect.signature(func).parameters.values())
    info = resolver.info_parameter
    if parameters[1:] != ([info] if info is not None else []):
        return None
    return func


def _calling(func: Callable[..., Any]) -> Completer:
    """Read a field's value of a source through its plain resolver (given the running execution's info)."""
    takes_info = len(inspect.signature(func).parameters) == 2

    def read(source: Any) -> Any:
        try:
            value = func(source, _RUN.get().info) if takes_info else func(source)
        except Exception as exc:
            # The resolver's own error (say, a refusal): graphql-core calls it again and reports it.
            raise _NotPlain from exc
        if inspect.isawaitable(value):
            close = getattr(value, "close", None)
            if close is not None:
                close()  # not run: the standard path calls the resolver again and awaits that
            raise _NotPlain
        return value

    return read


def _generated_type_check(object_type: GraphQLObjectType) -> type | None:
    """The class whose instances pass the type's `is_type_of`, when Strawberry generated that
    check (for a type implementing an interface); None for a check of the application's own."""
    definition = object_type.extensions.get("strawberry-definition")
    if not isinstance(definition, StrawberryObjectDefinition) or definition.is_type_of is not None:
        return None
    if definition.concrete_of is not None or definition.is_graphql_generic:
        return None
    return definition.origin


def _directives_read_variables(operation: OperationDefinitionNode, fragments: Mapping[str, Any]) -> bool:
    """Whether a directive of the operation or its fragments takes a variable (``@skip(if: $x)``):
    then what a selection collects depends on the execution's variables."""
    key = id(operation)
    known = _variable_directives.get(key)
    if known is not None and known[0] is operation:
        return known[1]
    found = any(_reads_variable(node) for node in (operation, *(f.definition for f in fragments.values())))
    if len(_variable_directives) > PLANS_KEPT:
        _variable_directives.clear()
    _variable_directives[key] = (operation, found)  # the entry keeps the node alive: its id stays its own
    return found


_variable_directives: dict[int, tuple[Any, bool]] = {}


def _reads_variable(node: Any) -> bool:
    found = False

    class Finder(Visitor):
        def enter_directive(self, directive: DirectiveNode, *_: Any) -> Any:
            nonlocal found
            if any(_has_variable(argument.value) for argument in directive.arguments or ()):
                found = True
                return BREAK
            return None

    visit(node, Finder())
    return found


def _has_variable(value: Any) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(v) for v in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(f.value) for f in value.fields)
    return False


def _has_incremental_directive(node: Any) -> bool:
    return any(directive.name.value in _INCREMENTAL_DIRECTIVES for directive in node.directives or ())


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
