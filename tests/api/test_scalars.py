"""UUID and DateTime say which specification they follow, so code generators can type them."""

from graphql import GraphQLScalarType

from app.api.schema import build_schema
from app.settings import Settings


def test_uuid_and_datetime_are_specified_and_described() -> None:
    schema = build_schema(Settings())._schema
    for name in ("UUID", "DateTime"):
        scalar = schema.get_type(name)
        assert isinstance(scalar, GraphQLScalarType)
        assert scalar.specified_by_url and scalar.specified_by_url.startswith("https://"), name
        assert scalar.description, name
