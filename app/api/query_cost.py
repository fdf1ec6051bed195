"""Cost of a GraphQL operation, computed before it runs.

Every field costs 1 (one that reads or writes a whole pjsip.conf more: `WHOLE_ENGINE_FIELDS`),
times the number of items its parent list can hold. A
list counts by its ``first`` or ``last`` argument (a variable counts as the
largest page, ``max_page_size``, unless its value is given); a connection
without either by the default page size, and its ``edges`` and ``nodes`` as
the page they belong to; ``parents`` by the most parents a configuration may
have; a list that grows with the data and is not paginated by its bound
(``max_list_items``); and a list whose length is fixed by the option catalog
(options, resolved options, sorcery objects) as one. Fragments are counted
where they are spread; introspection fields count 1 each.

The analysis is cached per (document, operation name), like validation, so a
repeated query costs one dictionary look-up.
"""

from __future__ import annotations

from collections import OrderedDict

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.type.definition import GraphQLOutputType

from app.domain.validation import MAX_PARENTS
from app.services.listing import DEFAULT_PAGE_SIZE

CACHED_DOCUMENTS = 2048
# Fields that read or write a whole engine or tenant however few fields they select: a
# pjsip.conf file out or in. Each costs `whole_engine_cost`, which makes it an expensive
# operation (one at a time per token, like the download of the same file).
WHOLE_ENGINE_FIELDS = frozenset({"pjsipConf", "importPjsipConf", "importSipConf"})
# Lists whose length the option catalog bounds, not the data.
FIXED_LENGTH_ITEMS = frozenset(
    {
        "SipOption",
        "ResolvedSipOption",
        "OverriddenSipOption",
        "SorceryObject",
        "PjsipObject",
        "CatalogOption",
        "String",
    }
)


class CostModel:
    def __init__(
        self, schema: GraphQLSchema, *, max_page_size: int, max_list_items: int, whole_engine_cost: int = 1
    ) -> None:
        self.schema = schema
        self.max_page_size = max_page_size
        self.max_list_items = max_list_items
        self.whole_engine_cost = whole_engine_cost
        # Keyed by the query text (its hash is cached by Python), not the parsed
        # document, whose hash walks the whole tree.
        self._cache: OrderedDict[tuple[str, str | None, tuple[tuple[str, int | None], ...]], tuple[int, bool]] = (
            OrderedDict()
        )

    def cost(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, object] | None,
        text: str | None = None,
    ) -> tuple[int, bool]:
        """(cost, whether introspection is used) of the operation to run."""
        # Only integer and null variables can change the cost (a variable `first`).
        numbers = tuple(sorted((k, v) for k, v in (variables or {}).items() if type(v) is int or v is None))
        if text is None:
            return self._cost(document, operation_name, numbers)
        key = (text, operation_name, numbers)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._cost(document, operation_name, numbers)
            if len(self._cache) > CACHED_DOCUMENTS:
                self._cache.popitem(last=False)
        return found

    def _cost(
        self, document: DocumentNode, operation_name: str | None, numbers: tuple[tuple[str, int | None], ...]
    ) -> tuple[int, bool]:
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = next(
            (o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)), None
        )
        if chosen is None:
            return 0, False
        root = self.schema.get_root_type(chosen.operation)
        if root is None:
            return 0, False
        given: dict[str, int | None] = {
            d.variable.name.value: int(d.default_value.value)
            for d in chosen.variable_definitions or ()
            if isinstance(d.default_value, IntValueNode)
        }
        given.update(numbers)
        walk = _Walk(self, fragments, given)
        return walk.selections(chosen.selection_set, root, frozenset()), walk.introspection

    def _size(self, value: object, numbers: dict[str, int | None]) -> int | None:
        """The page size an argument asks for; None when it is null or not given."""
        if isinstance(value, IntValueNode):
            return min(max(int(value.value), 1), self.max_page_size)
        if isinstance(value, VariableNode):
            name = value.name.value
            if name not in numbers:
                # Given but not an integer (refused by validation), or absent: the argument is not given.
                return None
            number = numbers[name]
            return None if number is None else min(max(number, 1), self.max_page_size)
        if isinstance(value, NullValueNode):
            return None
        return self.max_page_size

    def factor(
        self, field: FieldNode, return_type: GraphQLOutputType, numbers: dict[str, int | None], parent: str
    ) -> int:
        inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        item = get_named_type(inner).name
        sizes = [
            size
            for argument in field.arguments or ()
            if argument.name.value in ("first", "last") and (size := self._size(argument.value, numbers)) is not None
        ]
        if sizes:
            return max(sizes)
        if item.endswith("Connection"):
            return DEFAULT_PAGE_SIZE
        if field.name.value == "parents":
            return MAX_PARENTS
        if not isinstance(inner, GraphQLList):
            return 1
        # A connection's edges and nodes were counted by the connection's page size.
        if item in FIXED_LENGTH_ITEMS or parent.endswith("Connection"):
            return 1
        return self.max_list_items


class _Walk:
    def __init__(
        self, model: CostModel, fragments: dict[str, FragmentDefinitionNode], numbers: dict[str, int | None]
    ) -> None:
        self.model = model
        self.numbers = numbers
        self.fragments = fragments
        self.introspection = False

    def selections(self, selection_set: SelectionSetNode | None, parent: object, seen: frozenset[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.model.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, target, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:  # cycles are refused by validation
                    continue
                target = self.model.schema.get_type(fragment.type_condition.name.value)
                total += self.selections(fragment.selection_set, target, seen | {name})
        return total

    def field(self, node: FieldNode, parent: object, seen: frozenset[str]) -> int:
        name = node.name.value
        if name.startswith("__"):
            self.introspection = self.introspection or name in ("__schema", "__type")
            return 1
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 1
        definition = parent.fields.get(name)
        if definition is None:
            return 1
        below = self.selections(node.selection_set, get_named_type(definition.type), seen)
        own = self.model.whole_engine_cost if name in WHOLE_ENGINE_FIELDS else 1
        return self.model.factor(node, definition.type, self.numbers, parent.name) * (own + below)
