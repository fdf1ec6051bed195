"""The Strawberry schema: roots, limits, error mapping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from app.api.errors import ErrorCodes
from app.api.mutations import Mutation
from app.api.queries import Query
from app.api.subscriptions import Subscription
from app.api.types.configs import SipEndpoint, SipTemplate
from app.settings import Settings, get_settings


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Expected errors are answers, not incidents; ErrorCodes logs the rest.
        return None


def build_schema(
    settings: Settings | None = None, *, extra_extensions: Sequence[type[SchemaExtension]] = ()
) -> strawberry.Schema:
    settings = settings or get_settings()
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=5000),
        ParserCache,
        ValidationCache,
        lambda: ErrorCodes(),
        *extra_extensions,
    ]
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[SipTemplate, SipEndpoint],
        extensions=extensions,
    )
