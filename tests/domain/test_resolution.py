"""Inheritance resolution (docs/domain.md §4): Asterisk's own `[x](a,b)` semantics."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.catalog import load_catalog
from app.domain.resolution import (
    ConfigKind,
    ConfigNode,
    CycleError,
    Overridden,
    ResolvedOption,
    Resolver,
)
from app.domain.sections import SECTIONS, Options, Section

CATALOG = load_catalog()


def uid(name: str) -> UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"pjsip-graph-test/{name}")


def template(
    name: str,
    *parents: str,
    transport: str | None = None,
    label: str | None = None,
    **sections: Options,
) -> ConfigNode:
    return ConfigNode(
        uuid=uid(name),
        kind=ConfigKind.TEMPLATE,
        name=name,
        label=label,
        parents=tuple(uid(p) for p in parents),
        transport_name=transport,
        sections={Section(s): opts for s, opts in sections.items()},
    )


def endpoint(name: str, *parents: str, transport: str | None = None, **sections: Options) -> ConfigNode:
    node = template(name, *parents, transport=transport, **sections)
    return ConfigNode(
        uuid=node.uuid,
        kind=ConfigKind.ENDPOINT,
        name=name,
        label=None,
        parents=node.parents,
        transport_name=transport,
        sections=node.sections,
    )


def resolve(*nodes: ConfigNode) -> dict[Section, tuple[ResolvedOption, ...]]:
    """Resolve the last node given, with every node in the graph."""
    graph = {n.uuid: n for n in nodes}
    return Resolver(graph, CATALOG).resolve(nodes[-1].uuid)


def kvo(options: tuple[ResolvedOption, ...]) -> list[tuple[str, str, str]]:
    """(key, value, origin name) of every resolved option, in order."""
    return [(o.key, o.value, o.origin.name) for o in options]


def only(options: tuple[ResolvedOption, ...], key: str) -> ResolvedOption:
    found = [o for o in options if o.key == key]
    assert len(found) == 1, found
    return found[0]


# --- single-valued keys: the last occurrence wins --------------------------------------------------


def test_own_value_beats_every_parent() -> None:
    # given two parents that both set dtmf_mode, and an endpoint that sets it too
    a = template("a", endpoint=(("dtmf_mode", "info"),))
    b = template("b", endpoint=(("dtmf_mode", "inband"),))
    e = endpoint("e", "a", "b", endpoint=(("dtmf_mode", "rfc4733"),))
    # when it is resolved
    resolved = resolve(a, b, e)[Section.ENDPOINT]
    # then only the endpoint's own value remains
    assert kvo(resolved) == [("dtmf_mode", "rfc4733", "e")]


def test_later_parent_beats_earlier_parent() -> None:
    # given parents [a, b] that both set dtmf_mode
    a = template("a", endpoint=(("dtmf_mode", "info"),))
    b = template("b", endpoint=(("dtmf_mode", "inband"),))
    e = endpoint("e", "a", "b")
    # then b (listed later) wins; swapping the list makes a win
    assert kvo(resolve(a, b, e)[Section.ENDPOINT]) == [("dtmf_mode", "inband", "b")]
    e_swapped = endpoint("e", "b", "a")
    assert kvo(resolve(a, b, e_swapped)[Section.ENDPOINT]) == [("dtmf_mode", "info", "a")]


def test_nearer_ancestor_beats_farther_ancestor() -> None:
    # given a grandparent and a parent that both set context
    grand = template("grand", endpoint=(("context", "from-grand"),))
    parent = template("parent", "grand", endpoint=(("context", "from-parent"),))
    e = endpoint("e", "parent")
    # then the parent's value wins
    assert kvo(resolve(grand, parent, e)[Section.ENDPOINT]) == [("context", "from-parent", "parent")]


def test_later_parent_beats_nearer_value_of_earlier_parent() -> None:
    # given parents [p1, p2] where p1 sets context itself and p2 only inherits it from its own parent
    root = template("root", endpoint=(("context", "from-root"),))
    p1 = template("p1", endpoint=(("context", "from-p1"),))
    p2 = template("p2", "root")
    e = endpoint("e", "p1", "p2")
    # then the application list p1, root (via p2), e makes root's value the last one
    assert kvo(resolve(root, p1, p2, e)[Section.ENDPOINT]) == [("context", "from-root", "root")]


def test_winning_single_value_sits_at_its_last_occurrence() -> None:
    # given a parent with dtmf_mode then allow, and an endpoint overriding dtmf_mode
    a = template("a", endpoint=(("dtmf_mode", "info"), ("allow", "ulaw")))
    e = endpoint("e", "a", endpoint=(("dtmf_mode", "inband"),))
    # then the resolved order is the application order of the kept occurrences
    assert kvo(resolve(a, e)[Section.ENDPOINT]) == [("allow", "ulaw", "a"), ("dtmf_mode", "inband", "e")]


def test_sections_resolve_independently() -> None:
    # given a parent with aor and auth options and an endpoint overriding only the aor
    a = template("a", aor=(("max_contacts", "1"),), auth=(("username", "u"),))
    e = endpoint("e", "a", aor=(("max_contacts", "5"),))
    resolved = resolve(a, e)
    assert kvo(resolved[Section.AOR]) == [("max_contacts", "5", "e")]
    assert kvo(resolved[Section.AUTH]) == [("username", "u", "a")]
    assert resolved[Section.IDENTIFY] == ()
    assert set(resolved) == set(SECTIONS)


# --- accumulating keys: every occurrence, in application order --------------------------------------

ACCUMULATING = [
    (Section.ENDPOINT, "allow", ("ulaw", "alaw", "opus")),
    (Section.ENDPOINT, "disallow", ("all", "g729", "gsm")),
    (Section.ENDPOINT, "set_var", ("A=1", "B=2", "C=3")),
    (Section.ENDPOINT, "permit", ("10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12")),
    (Section.ENDPOINT, "deny", ("0.0.0.0/0", "10.1.0.0/16", "10.2.0.0/16")),
    (Section.AOR, "contact", ("sip:a@10.0.0.1", "sip:b@10.0.0.2", "sip:c@10.0.0.3")),
    (Section.IDENTIFY, "match", ("10.0.0.1", "10.0.0.2", "10.0.0.3")),
]


@pytest.mark.parametrize(("section", "key", "values"), ACCUMULATING, ids=[f"{s}.{k}" for s, k, _ in ACCUMULATING])
def test_accumulating_key_keeps_every_occurrence_in_application_order(
    section: Section, key: str, values: tuple[str, str, str]
) -> None:
    # given the key is one Asterisk accumulates
    assert CATALOG.is_multiple(section.object_type, key)
    # and a grandparent, a parent and the endpoint each set it once
    grand = template("grand", **{section.value: ((key, values[0]),)})
    parent = template("parent", "grand", **{section.value: ((key, values[1]),)})
    e = endpoint("e", "parent", **{section.value: ((key, values[2]),)})
    # when resolved
    resolved = resolve(grand, parent, e)[section]
    # then all three remain, farthest first, each with its own origin and no overrides
    assert kvo(resolved) == [(key, values[0], "grand"), (key, values[1], "parent"), (key, values[2], "e")]
    assert all(o.overrides == () for o in resolved)


def test_set_var_keeps_one_value_per_variable_at_its_first_position() -> None:
    # given a grandparent and a parent setting A, B then A again, and the endpoint setting B
    grand = template("grand", endpoint=(("set_var", "A=1"), ("set_var", "B=2")))
    parent = template("parent", "grand", endpoint=(("set_var", "A=3"),))
    e = endpoint("e", "parent", endpoint=(("set_var", "B = 4"), ("set_var", "C=5")))
    # when resolved
    resolved = resolve(grand, parent, e)[Section.ENDPOINT]
    # then, like Asterisk, each variable keeps its first position and its last value
    assert kvo(resolved) == [("set_var", "A=3", "parent"), ("set_var", "B = 4", "e"), ("set_var", "C=5", "e")]
    # and the last value overrides the earlier ones
    assert [(o.value, o.origin.name) for o in resolved[0].overrides] == [("A=1", "grand")]
    assert [(o.value, o.origin.name) for o in resolved[1].overrides] == [("B=2", "grand")]
    assert resolved[2].overrides == ()


def test_disallow_all_then_allow_keeps_its_order() -> None:
    # given a template that disallows all and allows ulaw, and an endpoint that adds alaw after disallowing again
    general = template("general", endpoint=(("disallow", "all"), ("allow", "ulaw")))
    e = endpoint("e", "general", endpoint=(("disallow", "all"), ("allow", "alaw")))
    # then Asterisk sees each line in turn, exactly as applied
    assert kvo(resolve(general, e)[Section.ENDPOINT]) == [
        ("disallow", "all", "general"),
        ("allow", "ulaw", "general"),
        ("disallow", "all", "e"),
        ("allow", "alaw", "e"),
    ]


def test_repeated_accumulating_key_within_one_section_is_kept_in_given_order() -> None:
    e = endpoint("e", endpoint=(("set_var", "B=2"), ("dtmf_mode", "info"), ("set_var", "A=1")))
    assert kvo(resolve(e)[Section.ENDPOINT]) == [
        ("set_var", "B=2", "e"),
        ("dtmf_mode", "info", "e"),
        ("set_var", "A=1", "e"),
    ]


def test_repeated_single_valued_key_within_one_section_keeps_the_last() -> None:
    e = endpoint("e", endpoint=(("dtmf_mode", "info"), ("context", "c"), ("dtmf_mode", "inband")))
    resolved = resolve(e)[Section.ENDPOINT]
    assert kvo(resolved) == [("context", "c", "e"), ("dtmf_mode", "inband", "e")]
    assert only(resolved, "dtmf_mode").overrides == (Overridden("info", e.origin),)


# --- diamonds -------------------------------------------------------------------------------------


def diamond() -> tuple[ConfigNode, ...]:
    """A; B(A); C(A); E(B, C)."""
    a = template("a", endpoint=(("allow", "ulaw"), ("dtmf_mode", "info")), identify=(("match", "10.0.0.1"),))
    b = template("b", "a", endpoint=(("context", "from-b"),))
    c = template("c", "a", endpoint=(("context", "from-c"),))
    e = endpoint("e", "b", "c")
    return a, b, c, e


def test_diamond_application_list_visits_the_shared_ancestor_through_each_parent() -> None:
    nodes = diamond()
    graph = {n.uuid: n for n in nodes}
    applied = Resolver(graph, CATALOG).application_list(uid("e"), Section.ENDPOINT)
    assert [(k, v, o.name) for k, v, o in applied] == [
        ("allow", "ulaw", "a"),
        ("dtmf_mode", "info", "a"),
        ("context", "from-b", "b"),
        ("allow", "ulaw", "a"),
        ("dtmf_mode", "info", "a"),
        ("context", "from-c", "c"),
    ]


def test_diamond_repeats_the_shared_ancestors_accumulating_values() -> None:
    # when E(B, C) is resolved and both B and C inherit A
    resolved = resolve(*diamond())
    # then A's accumulating values appear twice, as Asterisk would apply them twice
    assert kvo(resolved[Section.ENDPOINT]) == [
        ("allow", "ulaw", "a"),
        ("allow", "ulaw", "a"),
        ("dtmf_mode", "info", "a"),
        ("context", "from-c", "c"),
    ]
    assert kvo(resolved[Section.IDENTIFY]) == [("match", "10.0.0.1", "a"), ("match", "10.0.0.1", "a")]


def test_diamond_overrides_list_a_shared_ancestors_value_once() -> None:
    # given A sets dtmf_mode and E(B, C) overrides it, with A reached through B and C
    a = template("a", endpoint=(("dtmf_mode", "info"),))
    b = template("b", "a")
    c = template("c", "a")
    e = endpoint("e", "b", "c", endpoint=(("dtmf_mode", "inband"),))
    option = only(resolve(a, b, c, e)[Section.ENDPOINT], "dtmf_mode")
    # then A's (value, origin) is listed once among the overridden values
    assert option.value == "inband"
    assert option.overrides == (Overridden("info", a.origin),)


# --- transports -----------------------------------------------------------------------------------


def test_template_transport_is_appended_after_its_own_endpoint_options_and_inherited() -> None:
    # given a template with a transport and endpoint options, and an endpoint with its own options
    sip = template("sip", transport="transport-udp", endpoint=(("dtmf_mode", "info"), ("allow", "ulaw")))
    e = endpoint("e", "sip", endpoint=(("context", "default"),))
    resolved = resolve(sip, e)
    # then transport=<name> comes at the end of the template's own options, before the endpoint's
    assert kvo(resolved[Section.ENDPOINT]) == [
        ("dtmf_mode", "info", "sip"),
        ("allow", "ulaw", "sip"),
        ("transport", "transport-udp", "sip"),
        ("context", "default", "e"),
    ]
    transport = only(resolved[Section.ENDPOINT], "transport")
    assert transport.inherited is True
    assert transport.origin == sip.origin
    # and only the endpoint section gets it
    assert all(resolved[s] == () for s in SECTIONS if s is not Section.ENDPOINT)


def test_child_transport_overrides_the_template_transport() -> None:
    sip = template("sip", transport="transport-udp")
    e = endpoint("e", "sip", transport="transport-wss", endpoint=(("context", "default"),))
    resolved = resolve(sip, e)[Section.ENDPOINT]
    assert kvo(resolved) == [("context", "default", "e"), ("transport", "transport-wss", "e")]
    transport = only(resolved, "transport")
    assert transport.inherited is False
    assert transport.overrides == (Overridden("transport-udp", sip.origin),)


def test_transport_of_a_later_parent_wins() -> None:
    udp = template("udp", transport="transport-udp")
    wss = template("wss", transport="transport-wss")
    e = endpoint("e", "udp", "wss")
    assert kvo(resolve(udp, wss, e)[Section.ENDPOINT]) == [("transport", "transport-wss", "wss")]


def test_transport_only_template_contributes_transport_even_with_no_endpoint_options() -> None:
    e = endpoint("e", transport="transport-tcp")
    resolved = resolve(e)[Section.ENDPOINT]
    assert kvo(resolved) == [("transport", "transport-tcp", "e")]
    assert resolved[0].inherited is False


# --- origins, inherited flags and overrides ---------------------------------------------------------


def test_origins_and_inherited_flags() -> None:
    # given a labelled template and an endpoint that each set one option
    general = template("general", label="General defaults", endpoint=(("language", "en_US"),))
    e = endpoint("e", "general", endpoint=(("context", "default"),))
    language, context = resolve(general, e)[Section.ENDPOINT]
    # then the inherited value points at the template, the own value at the endpoint
    assert language.inherited is True
    assert language.origin.uuid == uid("general")
    assert language.origin.kind is ConfigKind.TEMPLATE
    assert language.origin.name == "general"
    assert language.origin.label == "General defaults"
    assert context.inherited is False
    assert context.origin.uuid == uid("e")
    assert context.origin.kind is ConfigKind.ENDPOINT


def test_resolving_a_template_marks_its_own_values_not_inherited() -> None:
    general = template("general", endpoint=(("language", "en_US"),))
    sip = template("sip", "general", endpoint=(("context", "default"),))
    resolved = resolve(general, sip)[Section.ENDPOINT]
    assert [(o.key, o.inherited) for o in resolved] == [("language", True), ("context", False)]


def test_overrides_are_listed_nearest_first() -> None:
    # given a chain where every level sets dtmf_mode
    a = template("a", endpoint=(("dtmf_mode", "info"),))
    b = template("b", "a", endpoint=(("dtmf_mode", "inband"),))
    c = template("c", "b", endpoint=(("dtmf_mode", "auto"),))
    e = endpoint("e", "c", endpoint=(("dtmf_mode", "rfc4733"),))
    option = only(resolve(a, b, c, e)[Section.ENDPOINT], "dtmf_mode")
    # then the endpoint's value overrides c's, b's and a's, in that order
    assert option.value == "rfc4733"
    assert option.overrides == (
        Overridden("auto", c.origin),
        Overridden("inband", b.origin),
        Overridden("info", a.origin),
    )


def test_same_value_from_different_origins_is_listed_for_each_origin() -> None:
    a = template("a", endpoint=(("dtmf_mode", "info"),))
    b = template("b", "a", endpoint=(("dtmf_mode", "info"),))
    e = endpoint("e", "b", endpoint=(("dtmf_mode", "inband"),))
    option = only(resolve(a, b, e)[Section.ENDPOINT], "dtmf_mode")
    assert option.overrides == (Overridden("info", b.origin), Overridden("info", a.origin))


def test_a_value_set_once_overrides_nothing() -> None:
    a = template("a", endpoint=(("dtmf_mode", "info"),))
    e = endpoint("e", "a", endpoint=(("context", "default"),))
    assert all(o.overrides == () for o in resolve(a, e)[Section.ENDPOINT])


# --- cycles ---------------------------------------------------------------------------------------


def test_cycle_in_stored_data_raises_cycle_error() -> None:
    # given stored data where a and b are each other's parent (validation would have refused it)
    a = template("a", "b", endpoint=(("context", "a"),))
    b = template("b", "a")
    e = endpoint("e", "a")
    # then resolution refuses instead of recursing forever
    with pytest.raises(CycleError):
        resolve(a, b, e)


def test_self_parent_in_stored_data_raises_cycle_error() -> None:
    a = template("a", "a")
    e = endpoint("e", "a")
    with pytest.raises(CycleError):
        resolve(a, e)


def test_resolver_reused_for_many_endpoints_gives_each_its_own_origin_flags() -> None:
    # given one resolver (sharing the template's lists) for two endpoints under the same template
    general = template("general", endpoint=(("dtmf_mode", "info"),))
    e1 = endpoint("e1", "general")
    e2 = endpoint("e2", "general", endpoint=(("dtmf_mode", "inband"),))
    resolver = Resolver({n.uuid: n for n in (general, e1, e2)}, CATALOG)
    first = resolver.resolve(e1.uuid)[Section.ENDPOINT]
    second = resolver.resolve(e2.uuid)[Section.ENDPOINT]
    again = resolver.resolve(e1.uuid)[Section.ENDPOINT]
    assert kvo(first) == kvo(again) == [("dtmf_mode", "info", "general")]
    assert first[0].inherited is True
    assert kvo(second) == [("dtmf_mode", "inband", "e2")]
    assert second[0].overrides == (Overridden("info", general.origin),)


# --- property: the resolver equals a literal reading of docs/domain.md §4 ---------------------------------

KEY_POOL: dict[Section, tuple[str, ...]] = {
    Section.ENDPOINT: ("allow", "disallow", "set_var", "permit", "dtmf_mode", "context", "callerid"),
    Section.AOR: ("contact", "max_contacts", "qualify_frequency"),
    Section.IDENTIFY: ("match", "srv_lookups"),
    Section.AUTH: ("username", "password"),
    Section.OUTBOUND_AUTH: ("username", "password"),
    Section.REGISTRATION: ("server_uri", "client_uri", "retry_interval"),
    Section.REGISTRATION_OUTBOUND_AUTH: ("username",),
}
VALUES = ("x", "y", "z")
# Strategies built once: drawing a few large choices is much faster than many small ones.
OPTIONS = st.lists(
    st.sampled_from([(s, k, v) for s, keys in KEY_POOL.items() for k in keys for v in VALUES]), max_size=12
)
PARENT_PICKS = st.lists(st.integers(0, 63), max_size=4)
TRANSPORTS = st.none() | st.sampled_from(("udp", "wss", "tcp"))


def draw_node(draw: st.DrawFn, index: int, kind: ConfigKind, earlier: list[UUID]) -> ConfigNode:
    """One configuration whose ordered parents are distinct earlier templates (so there is no cycle)."""
    picks = draw(PARENT_PICKS) if earlier else []
    sections: dict[Section, list[tuple[str, str]]] = {}
    for section, key, value in draw(OPTIONS):
        sections.setdefault(section, []).append((key, value))
    return ConfigNode(
        uuid=UUID(int=index + 1),
        kind=kind,
        name=f"{kind.value}{index}",
        label=None,
        parents=tuple(dict.fromkeys(earlier[p % len(earlier)] for p in picks)),
        transport_name=draw(TRANSPORTS),
        sections={s: tuple(pairs) for s, pairs in sections.items()},
    )


@st.composite
def graphs(draw: st.DrawFn) -> tuple[dict[UUID, ConfigNode], UUID]:
    """Up to 8 templates, each with ordered parents among earlier ones, plus one endpoint with parents."""
    templates: list[UUID] = []
    nodes: dict[UUID, ConfigNode] = {}
    for i in range(draw(st.integers(0, 8))):
        node = draw_node(draw, i, ConfigKind.TEMPLATE, templates)
        nodes[node.uuid] = node
        templates.append(node.uuid)
    e = draw_node(draw, 100, ConfigKind.ENDPOINT, templates)
    nodes[e.uuid] = e
    return nodes, e.uuid


def literal_application_list(
    nodes: Mapping[UUID, ConfigNode], at: UUID, section: Section
) -> list[tuple[str, str, UUID]]:
    """docs/domain.md §4.1-2, by direct recursion: parents in order, then own options, then the transport."""
    node = nodes[at]
    applied: list[tuple[str, str, UUID]] = []
    for parent in node.parents:
        applied += literal_application_list(nodes, parent, section)
    applied += [(k, v, node.uuid) for k, v in node.sections.get(section, ())]
    if section is Section.ENDPOINT and node.transport_name is not None:
        applied.append(("transport", node.transport_name, node.uuid))
    return applied


def literal_resolution(
    applied: list[tuple[str, str, UUID]], object_type: str
) -> list[tuple[str, str, UUID, tuple[tuple[str, UUID], ...]]]:
    """docs/domain.md §4.3-4: all accumulating occurrences, the last of any other key, with what it overrides."""

    def identity(key: str, value: str) -> str:
        # set_var is keyed by its variable name; its first position holds its last value.
        return f"set_var:{value.partition('=')[0].strip()}" if key == "set_var" else key

    last_index = {identity(k, v): index for index, (k, v, _) in enumerate(applied)}
    first_index: dict[str, int] = {}
    for index, (k, v, _) in enumerate(applied):
        first_index.setdefault(identity(k, v), index)
    earlier: dict[str, list[tuple[str, UUID]]] = {}
    result = []
    for index, (key, value, origin) in enumerate(applied):
        ident = identity(key, value)
        if key == "set_var":
            if first_index[ident] == index:
                occurrences = [(v, o) for k, v, o in applied if identity(k, v) == ident]
                *before, (last_value, last_origin) = occurrences
                result.append((key, last_value, last_origin, tuple(dict.fromkeys(reversed(before)))))
        elif CATALOG.is_multiple(object_type, key):
            result.append((key, value, origin, ()))
        elif last_index[ident] == index:
            nearest_first = reversed(earlier.get(ident, []))
            result.append((key, value, origin, tuple(dict.fromkeys(nearest_first))))
        earlier.setdefault(ident, []).append((value, origin))
    return result


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_resolver_matches_a_literal_reading_of_the_rules(graph: tuple[dict[UUID, ConfigNode], UUID]) -> None:
    nodes, e = graph
    resolved = Resolver(nodes, CATALOG).resolve(e)
    for section in SECTIONS:
        expected = literal_resolution(literal_application_list(nodes, e, section), section.object_type)
        actual = [
            (o.key, o.value, o.origin.uuid, tuple((ov.value, ov.origin.uuid) for ov in o.overrides))
            for o in resolved[section]
        ]
        assert actual == expected, section
        assert [o.inherited for o in resolved[section]] == [origin != e for _, _, origin, _ in expected]
        for option in resolved[section]:
            assert option.origin == nodes[option.origin.uuid].origin


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_resolved_fields_are_the_resolved_views_pairs(graph: tuple[dict[UUID, ConfigNode], UUID]) -> None:
    # what a change's objects are made of, resolved without origins, is exactly what the views hold
    nodes, e = graph
    resolver = Resolver(nodes, CATALOG)
    views = Resolver(nodes, CATALOG).resolve(e)
    for sections in (SECTIONS, (Section.ENDPOINT,), (Section.AOR, Section.REGISTRATION)):
        fields = resolver.resolve_fields(e, sections)
        assert fields == {s: tuple((o.key, o.value) for o in views[s]) for s in sections}
    assert resolver.holding_options(e, SECTIONS) == [s for s in SECTIONS if views[s]]
