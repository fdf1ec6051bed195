"""Column types that behave the same on SQLite and PostgreSQL."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSON, JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine


class JSONDoc(sa.types.TypeDecorator[Any]):
    """JSON on SQLite, JSONB on PostgreSQL. Option lists are stored as JSON arrays,
    which both keep in order, so an option's position is its array index."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


class JSONText(sa.types.TypeDecorator[Any]):
    """JSON kept as the text it was written as: ``json`` (not ``jsonb``) on PostgreSQL.

    For Sorcery object states, written by the thousand and compared far more
    often than queried: the stored text is byte-for-byte what the application
    wrote (compact orjson), so an unchanged object is recognised by comparing
    text, without decoding it, and PostgreSQL does not re-encode each document
    into jsonb on write.
    """

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSON())
        return dialect.type_descriptor(sa.JSON())
