"""Hostile GraphQL operations, drawn from the schema itself.

Every argument of every root field, and of every field one level below a root
field, gets values a hostile tenant would send: text with control, line
separator, bidi and NUL characters, huge and negative numbers, JSON of the
wrong type, malformed and other tenants' UUIDs, unknown enum values, input
objects with missing or extra fields. The schema is walked at import time, so
a field added later is covered without touching this file.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    is_composite_type,
)
from hypothesis import strategies as st

from app.domain.catalog import load_catalog

# Characters that break naive handling: NUL and other controls, line and
# paragraph separators, next-line, bidi overrides and marks, a byte order
# mark, a lone surrogate's neighbours, and the syntax of pjsip.conf itself.
NASTY_PIECES = (
    "\x00",
    "\n",
    "\r\n",
    "\t",
    "\x1b[31m",
    "\x7f",
    "\u0085",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u200f",
    "\u2066",
    "\ufeff",
    "\U0001f4de",
    "é",
    "#include /etc/passwd",
    "#exec id",
    "[section](!)",
    "type=endpoint",
    "=",
    ";",
    ",",
    "../",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "${EXTEN}",
    "sip:alice@127.0.0.1:5060",
    "' OR 1=1 --",
    "alice",
    "general",
    "9" * 30,
    "-1",
)
HUGE_INTEGERS = (2**31 - 1, 2**31, -(2**31) - 1, 2**40, 2**63, -(2**63) - 1, 10**30, -1, 0)


def hostile_text(max_size: int = 40) -> st.SearchStrategy[str]:
    pieces = st.lists(st.sampled_from(NASTY_PIECES) | st.text(max_size=8), max_size=max_size // 4).map("".join)
    return st.one_of(
        pieces,
        st.text(max_size=max_size),
        st.sampled_from(NASTY_PIECES),
        st.integers(min_value=1_000, max_value=120_000).map(lambda n: "a" * n),
    )


def any_json() -> st.SearchStrategy[Any]:
    """A JSON value of any type, for arguments sent with the wrong one."""
    leaves = (
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | hostile_text(12)
    )
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text(8), inner, max_size=3),
        max_leaves=6,
    )


@dataclass(frozen=True)
class Pool:
    """Identifiers the attacker knows or guesses: its own, another tenant's, random ones."""

    own_uuids: Sequence[UUID]
    other_uuids: Sequence[UUID]
    names: Sequence[str]

    def uuids(self, typed: bool) -> st.SearchStrategy[Any]:
        own = st.sampled_from(self.own_uuids).map(str)
        other = st.sampled_from(self.other_uuids).map(str)
        valid = st.one_of(own, own, other, st.uuids().map(str), st.just("00000000-0000-0000-0000-000000000000"))
        return valid if typed else st.one_of(valid, valid, valid, hostile_text(40), st.integers())

    def ids(self, typed: bool) -> st.SearchStrategy[Any]:
        """Opaque ids (the ``ID`` scalar): base64 of guessed type names and known keys, or junk."""
        guessed = st.tuples(
            st.sampled_from(["Tenant", "SipTemplate", "SipEndpoint", "SorceryObject", "Engine", "ApiToken", "X"]),
            st.sampled_from([*map(str, self.own_uuids), *map(str, self.other_uuids), *self.names]),
        ).map(lambda t: base64.b64encode(f"{t[0]}:{t[1]}".encode()).decode())
        return (
            st.one_of(guessed, guessed, hostile_text(60))
            if typed
            else st.one_of(guessed, hostile_text(60), st.integers())
        )


# Values that pass validation often, so that well-typed requests get past it too.
PLAUSIBLE = ("yes", "no", "ulaw", "!all,ulaw", "10", "0", "udp", "rfc4733", "from-internal", "X=1", "sip:a@b")


def value_for(type_: GraphQLInputType, pool: Pool, *, typed: bool, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for an argument of this type.

    ``typed``: always of the right shape (so the request reaches the
    resolvers; the content stays hostile). Otherwise sometimes of the wrong
    shape, null where null is not allowed, or with unknown input fields.
    """
    wrong = any_json() if depth < 3 else st.none()
    if isinstance(type_, GraphQLNonNull):
        inner = value_for(type_.of_type, pool, typed=typed, depth=depth)
        return inner if typed else st.one_of(inner, inner, inner, inner, st.none())
    if isinstance(type_, GraphQLList):
        item = value_for(type_.of_type, pool, typed=typed, depth=depth + 1)
        return st.lists(item, max_size=4) if typed else st.one_of(st.lists(item, max_size=4), item, st.none())
    if isinstance(type_, GraphQLEnumType):
        right: st.SearchStrategy[Any] = st.sampled_from(list(type_.values))
        if not typed:
            right |= hostile_text(20)
    elif isinstance(type_, GraphQLInputObjectType):
        right = _input_object(type_, pool, typed, depth)
    else:
        assert isinstance(type_, GraphQLScalarType), type_
        right = _scalar(type_.name, pool, typed)
    # Mostly the right shape, so that most requests reach the resolvers.
    return right if typed else st.one_of(right, right, right, right, wrong)


def _input_object(
    type_: GraphQLInputObjectType, pool: Pool, typed: bool, depth: int
) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: value_for(f.type, pool, typed=typed, depth=depth + 1) for name, f in type_.fields.items()}
    required = {name for name, f in type_.fields.items() if isinstance(f.type, GraphQLNonNull)}
    if type_.name == "SipOptionInput":
        catalog = load_catalog()
        keys = sorted({k for t in ("endpoint", "aor", "auth", "identify", "registration") for k in catalog.keys(t)})
        fields["key"] = st.sampled_from(keys) | hostile_text(20)
        fields["value"] = st.sampled_from(PLAUSIBLE) | hostile_text(30)
    optional = sorted(set(fields) - required)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        keep = (lambda: True) if typed else (lambda: draw(st.integers(0, 9)) > 0)
        out = {name: draw(fields[name]) for name in sorted(required) if keep()}
        for name in draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []:
            out[name] = draw(fields[name])
        if not typed and draw(st.integers(0, 9)) == 0:
            out[draw(hostile_text(10))] = draw(any_json())
        return out

    return build()


def _scalar(name: str, pool: Pool, typed: bool) -> st.SearchStrategy[Any]:
    if name == "String":
        simple = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
        return st.one_of(hostile_text(), st.sampled_from(pool.names), simple, st.sampled_from(PLAUSIBLE))
    if name == "ID":
        return pool.ids(typed)
    if name == "UUID":
        return pool.uuids(typed)
    if name == "Int":
        return st.one_of(st.sampled_from(HUGE_INTEGERS), st.integers(-5, 600), st.integers(-(2**31), 2**31 - 1))
    if name == "Float":
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e308, -1e308, 0.5]))
    if name == "Boolean":
        return st.booleans()
    if name == "DateTime":
        dates = st.one_of(
            st.sampled_from(["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00+14:00"]),
            st.datetimes().map(lambda d: d.isoformat() + "Z"),
        )
        if typed:
            return dates
        return dates | st.sampled_from(["2026-02-30T00:00:00Z", "2026-01-01T00:00:00+25:00", "now"]) | hostile_text(30)
    return hostile_text()


@dataclass(frozen=True)
class Operation:
    """One document: a root field, and possibly a field with arguments below it."""

    kind: str  # query, mutation or subscription
    path: tuple[str, ...]
    arguments: tuple[tuple[str, tuple[tuple[str, GraphQLArgument], ...]], ...]
    document: str

    @property
    def name(self) -> str:
        return f"{self.kind}.{'.'.join(self.path)}"

    def variables(self, pool: Pool) -> st.SearchStrategy[dict[str, Any]]:
        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            # Half the requests are well typed (they reach the resolvers), half not (coercion).
            typed = draw(st.booleans())
            out: dict[str, Any] = {}
            for level, (_, args) in enumerate(self.arguments):
                for arg_name, arg in args:
                    if isinstance(arg.type, GraphQLNonNull) or draw(st.booleans()):
                        out[f"{arg_name}_{level}"] = draw(value_for(arg.type, pool, typed=typed))
            return out

        return build()


def operations(schema: GraphQLSchema) -> list[Operation]:
    """Every root field with arguments, and every field with arguments one level below a root field."""
    roots = [
        ("query", schema.query_type),
        ("mutation", schema.mutation_type),
        ("subscription", schema.subscription_type),
    ]
    out: list[Operation] = []
    for kind, root in roots:
        if root is None:
            continue
        for name, field in sorted(root.fields.items()):
            if field.args:
                out.append(_operation(kind, [(name, field)]))
            target = get_named_type(field.type)
            if kind != "subscription" and isinstance(target, GraphQLObjectType):
                for sub_name, sub in sorted(target.fields.items()):
                    if sub.args:
                        out.append(_operation(kind, [(name, field), (sub_name, sub)]))
    return out


def _operation(kind: str, chain: list[tuple[str, GraphQLField]]) -> Operation:
    declared: list[str] = []
    selection = ""
    for level, (name, field) in reversed(list(enumerate(chain))):
        passed = ", ".join(f"{a}: ${a}_{level}" for a in field.args)
        declared = [f"${a}_{level}: {arg.type}" for a, arg in field.args.items()] + declared
        call = f"{name}({passed})" if passed else name
        if selection:
            selection = f"{call} {{ {selection} }}"
        else:
            selection = f"{call} {{ __typename }}" if is_composite_type(get_named_type(field.type)) else call
    variables = f"({', '.join(declared)})" if declared else ""
    document = f"{kind} Hostile{variables} {{ {selection} }}"
    arguments = tuple((name, tuple(field.args.items())) for name, field in chain)
    return Operation(kind, tuple(name for name, _ in chain), arguments, document)
