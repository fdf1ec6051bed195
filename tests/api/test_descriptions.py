"""The schema describes itself: every type, field, argument, input field and enum value."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema

from app.api.schema import build_schema
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def _schema() -> GraphQLSchema:
    return build_schema(Settings())._schema


def _described(schema: GraphQLSchema) -> dict[str, str | None]:
    """Every schema coordinate (Type, Type.field, Type.field(arg), Enum.VALUE) and its description."""
    out: dict[str, str | None] = {}
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        out[name] = kind.description
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                out[f"{name}.{field_name}"] = field.description
                for arg_name, arg in getattr(field, "args", {}).items():
                    out[f"{name}.{field_name}({arg_name})"] = arg.description
        if isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                out[f"{name}.{value_name}"] = value.description
    return out


def test_every_part_of_the_schema_has_a_description() -> None:
    described = _described(_schema())
    missing = sorted(coordinate for coordinate, text in described.items() if not (text or "").strip())
    assert missing == [], f"{len(missing)} parts of the schema have no description: {missing}"
    assert len(described) > 400  # the walk reached fields, arguments and values


def test_descriptions_point_only_to_documents_that_exist() -> None:
    texts = " ".join(text or "" for text in _described(_schema()).values())
    documents = set(re.findall(r"\b[\w/.-]+\.md\b", texts))
    assert documents, "descriptions refer to the rule documents"
    assert sorted(d for d in documents if not (ROOT / d).is_file()) == []


def test_deprecated_parts_name_their_replacement() -> None:
    schema = _schema()
    reasons = [
        field.deprecation_reason
        for kind in schema.type_map.values()
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType)
        for field in kind.fields.values()
        if field.deprecation_reason
    ]
    assert len(reasons) >= 8
    assert all(re.match(r"Use \w+", reason) for reason in reasons), reasons
