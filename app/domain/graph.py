"""Checks on the template graph: cycles and inheritance depth."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from uuid import UUID

from app.domain.validation import MAX_INHERITANCE_DEPTH
from app.errors import Issue

# Template applications one configuration may expand to, unless the caller says otherwise
# (the services pass the max_inheritance_expansion setting).
DEFAULT_MAX_EXPANSION = 1000


def check_parent_graph(
    child: UUID,
    parents: Sequence[UUID],
    parents_of: Mapping[UUID, Sequence[UUID]],
    children_of: Mapping[UUID, Sequence[UUID]],
    *,
    field: str,
    max_expansion: int = DEFAULT_MAX_EXPANSION,
) -> list[Issue]:
    """Would giving ``child`` these ``parents`` make a cycle or a chain deeper than 16?

    ``parents_of`` and ``children_of`` describe the graph as it is now (the
    child's current parents are ignored). Depth counts configurations on the
    longest chain from a root template down to the deepest descendant.
    """
    issues: list[Issue] = []
    for i, parent in enumerate(parents):
        if parent == child:
            issues.append(Issue(f"{field}[{i}]", "a template cannot be its own parent"))
        elif child in _ancestors(parent, parents_of, child):
            issues.append(Issue(f"{field}[{i}]", "this parent inherits from the configuration itself (cycle)"))
    if issues:
        return issues

    @cache
    def height(node: UUID) -> int:
        return 1 + max((height(p) for p in parents_of.get(node, ())), default=0)

    @cache
    def below(node: UUID) -> int:
        return max((1 + below(c) for c in children_of.get(node, ())), default=0)

    depth = 1 + max((height(p) for p in parents), default=0) + below(child)
    if depth > MAX_INHERITANCE_DEPTH:
        issues.append(Issue(field, f"inheritance would be {depth} levels deep; at most {MAX_INHERITANCE_DEPTH}"))
        return issues
    limit = max_expansion
    size = expansion_size(child, parents, parents_of, children_of)
    if size > limit:
        issues.append(
            Issue(
                field,
                f"inheritance would expand to {size} template applications for one configuration; "
                f"at most {limit} (setting max_inheritance_expansion)",
            )
        )
    return issues


def expansion_size(
    child: UUID,
    parents: Sequence[UUID],
    parents_of: Mapping[UUID, Sequence[UUID]],
    children_of: Mapping[UUID, Sequence[UUID]],
) -> int:
    """The longest application list of ``child`` or a descendant once ``child`` has ``parents``.

    A configuration's list is itself plus its parents' full lists (a diamond
    counts an ancestor twice, as Asterisk applies it twice), so the length is
    counted through the DAG, memoised, without building any list: the cost is
    one visit per configuration on the graph. A configuration with children
    counts one more, for an endpoint below it.
    """

    @cache
    def length(node: UUID) -> int:
        above = parents if node == child else parents_of.get(node, ())
        return 1 + sum(length(p) for p in above)

    return max(length(n) + (1 if children_of.get(n) else 0) for n in {child} | descendants([child], children_of))


def _ancestors(start: UUID, parents_of: Mapping[UUID, Sequence[UUID]], skip_parents_of: UUID) -> set[UUID]:
    seen: set[UUID] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node != skip_parents_of:
            stack.extend(parents_of.get(node, ()))
    return seen


def descendants(roots: Sequence[UUID], children_of: Mapping[UUID, Sequence[UUID]]) -> set[UUID]:
    """Every configuration that inherits, directly or not, from one of ``roots``."""
    seen: set[UUID] = set()
    stack = list(roots)
    while stack:
        for child in children_of.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen
