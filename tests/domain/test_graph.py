"""The template graph: no cycles, inheritance depth at most 16 (docs/domain.md §3)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from uuid import UUID

from app.domain.graph import check_parent_graph, descendants
from app.domain.validation import MAX_INHERITANCE_DEPTH
from app.errors import Issue

FIELD = "input.parents"


def uid(name: str) -> UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"pjsip-graph-test/{name}")


class Graph:
    """A template graph as the service layer would load it: parents and children of every node."""

    def __init__(self, edges: Iterable[tuple[str, Iterable[str]]] = ()) -> None:
        self.parents_of: dict[UUID, list[UUID]] = {}
        self.children_of: dict[UUID, list[UUID]] = {}
        for child, parents in edges:
            self.set_parents(child, *parents)

    def set_parents(self, child: str, *parents: str) -> None:
        for old in self.parents_of.get(uid(child), []):
            self.children_of[old].remove(uid(child))
        self.parents_of[uid(child)] = [uid(p) for p in parents]
        for p in parents:
            self.children_of.setdefault(uid(p), []).append(uid(child))

    def check(self, child: str, *parents: str) -> list[Issue]:
        return check_parent_graph(uid(child), [uid(p) for p in parents], self.parents_of, self.children_of, field=FIELD)


def chain(prefix: str, length: int, *, under: str | None = None) -> list[tuple[str, list[str]]]:
    """prefix1 <- prefix2 <- ... <- prefix<length>, the first one under ``under`` if given."""
    edges = []
    for i in range(1, length + 1):
        parent = f"{prefix}{i - 1}" if i > 1 else under
        edges.append((f"{prefix}{i}", [parent] if parent else []))
    return edges


def fields(issues: list[Issue]) -> list[str]:
    return [i.field for i in issues]


# --- cycles ---------------------------------------------------------------------------------------


def test_independent_parents_are_accepted() -> None:
    graph = Graph([("a", []), ("b", ["a"]), ("c", [])])
    assert graph.check("x", "b", "c") == []


def test_shared_ancestor_through_two_parents_is_not_a_cycle() -> None:
    # given b and c both inherit a, then d takes [b, c] (a diamond)
    graph = Graph([("a", []), ("b", ["a"]), ("c", ["a"])])
    assert graph.check("d", "b", "c") == []
    assert graph.check("d", "a", "b") == []


def test_self_parent_is_rejected_at_its_position() -> None:
    graph = Graph([("a", []), ("b", [])])
    issues = graph.check("b", "a", "b")
    assert fields(issues) == [f"{FIELD}[1]"]
    assert "own parent" in issues[0].message


def test_cycle_through_three_templates_is_rejected() -> None:
    # given a <- b <- c (b inherits a, c inherits b)
    graph = Graph([("a", []), ("b", ["a"]), ("c", ["b"])])
    # when a is given c as parent
    issues = graph.check("a", "c")
    # then the parent that closes the cycle is named
    assert fields(issues) == [f"{FIELD}[0]"]
    assert "cycle" in issues[0].message


def test_cycle_is_found_at_the_position_of_the_offending_parent_only() -> None:
    graph = Graph([("a", []), ("b", ["a"]), ("c", ["b"]), ("other", [])])
    assert fields(graph.check("a", "other", "c")) == [f"{FIELD}[1]"]


def test_direct_child_as_parent_is_a_cycle() -> None:
    graph = Graph([("a", []), ("b", ["a"])])
    assert fields(graph.check("a", "b")) == [f"{FIELD}[0]"]


def test_keeping_or_reordering_current_parents_is_not_a_cycle() -> None:
    # the child's current parents are ignored: re-saving b with the parents it has is fine
    graph = Graph([("a", []), ("x", []), ("b", ["a", "x"]), ("c", ["b"])])
    assert graph.check("b", "a", "x") == []
    assert graph.check("b", "x", "a") == []


# --- depth ----------------------------------------------------------------------------------------


def test_a_chain_of_16_is_accepted_and_17_rejected() -> None:
    assert MAX_INHERITANCE_DEPTH == 16
    # given t1 <- t2 <- ... <- t16 (16 levels)
    graph = Graph(chain("t", 16))
    # when a new template inherits t15 it is level 16; inheriting t16 would make it level 17
    assert graph.check("new", "t15") == []
    issues = graph.check("new", "t16")
    assert fields(issues) == [FIELD]
    assert "17" in issues[0].message


def test_depth_takes_the_deepest_parent() -> None:
    graph = Graph([*chain("deep", 16), *chain("shallow", 2)])
    assert graph.check("new", "shallow2", "deep15") == []
    assert fields(graph.check("new", "shallow2", "deep16")) == [FIELD]


def test_depth_counts_the_descendants_below_the_child() -> None:
    # given a chain of 10 templates and a child x that already has 5 levels below it
    graph = Graph([*chain("t", 10), ("x", []), *chain("d", 5, under="x")])
    # then x under t10 makes 10 + 1 + 5 = 16 levels
    assert graph.check("x", "t10") == []
    # and one more level below x makes 17
    graph.set_parents("d6", "d5")
    issues = graph.check("x", "t10")
    assert fields(issues) == [FIELD]
    assert "17" in issues[0].message


def test_depth_counts_the_longest_branch_below_the_child() -> None:
    # x has a short branch (1 level) and a long one (6 levels); x under a chain of 10 makes 17
    graph = Graph([*chain("t", 10), ("x", []), ("short", ["x"]), *chain("d", 6, under="x")])
    assert fields(graph.check("x", "t10")) == [FIELD]
    assert graph.check("x", "t9") == []


def test_depth_ignores_the_childs_current_parents() -> None:
    # given x currently sits under a chain of 16
    graph = Graph([*chain("t", 16), ("x", ["t16"]), ("root", [])])
    # when x is moved under a single root template, the old chain no longer counts
    assert graph.check("x", "root") == []


def test_no_parents_is_depth_one_plus_descendants() -> None:
    graph = Graph([("x", []), *chain("d", 15, under="x")])
    assert graph.check("x") == []
    graph.set_parents("d16", "d15")
    assert fields(graph.check("x")) == [FIELD]


# --- descendants ----------------------------------------------------------------------------------


def test_descendants_are_direct_and_indirect_children_without_the_roots() -> None:
    graph = Graph([("a", []), ("b", ["a"]), ("c", ["b"]), ("d", ["a"]), ("other", [])])
    assert descendants([uid("a")], graph.children_of) == {uid("b"), uid("c"), uid("d")}
    assert descendants([uid("b")], graph.children_of) == {uid("c")}
    assert descendants([uid("c")], graph.children_of) == set()


def test_descendants_of_a_diamond_are_listed_once() -> None:
    graph = Graph([("a", []), ("b", ["a"]), ("c", ["a"]), ("e", ["b", "c"])])
    assert descendants([uid("a")], graph.children_of) == {uid("b"), uid("c"), uid("e")}


def test_descendants_of_several_roots_are_their_union() -> None:
    graph = Graph([("a", []), ("b", ["a"]), ("x", []), ("y", ["x"]), ("z", [])])
    assert descendants([uid("a"), uid("x")], graph.children_of) == {uid("b"), uid("y")}
    assert descendants([], graph.children_of) == set()


def test_a_root_that_descends_from_another_root_is_included() -> None:
    graph = Graph([("a", []), ("b", ["a"]), ("c", ["b"])])
    assert descendants([uid("a"), uid("b")], graph.children_of) == {uid("b"), uid("c")}
