"""The Strawberry schema: roots, limits, error mapping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from graphql import ASTValidationRule
from graphql.error import GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, SchemaExtension, ValidationCache
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext

from app.api.errors import ErrorCodes
from app.api.execution import PlainObjectExecutor
from app.api.executor_check import ExecutorCheck
from app.api.fresh_loaders import FreshLoadersPerOperation
from app.api.limits import limits_extension
from app.api.mutation_gc import MutationsPauseCollector
from app.api.mutations import Mutation
from app.api.queries import Query
from app.api.subscriptions import Subscription
from app.api.types.options import KeptResolvedSipSections, KeptSipSections, OwnOption
from app.api.types.scalars import SCALAR_OVERRIDES
from app.api.types.tenancy import SipEndpoint, SipTemplate
from app.domain.resolution import ResolvedOption
from app.settings import Settings, get_settings


class Executor(PlainObjectExecutor):
    # Resolved options (frozen dataclasses, as are their origins and overrides)
    # are served from the resolution cache as the same tuples again and again;
    # own options from the kept decoding of their stored text.
    immutable_items = (ResolvedOption, OwnOption)
    # The objects that show them, shared between requests as well.
    immutable_objects = frozenset({KeptSipSections, KeptResolvedSipSections})


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Expected errors are answers, not incidents; ErrorCodes logs the rest.
        return None


def build_schema(
    settings: Settings | None = None, *, extra_extensions: Sequence[type[SchemaExtension]] = ()
) -> strawberry.Schema:
    settings = settings or get_settings()
    # The rule classes are made once: ValidationCache keys on them, and a new
    # class per request (what the limiters' constructors make) never hits.
    rules: list[type[ASTValidationRule]] = [
        depth_validator(settings.max_query_depth, None, None),
        alias_validator(settings.max_aliases),
    ]
    extensions: list[Any] = [
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=5000),
        ParserCache,
        ValidationCache,
        lambda: ErrorCodes(),
        FreshLoadersPerOperation,
        limits_extension(settings),
        MutationsPauseCollector,
        *([ExecutorCheck] if settings.executor_check else []),
        *extra_extensions,
    ]
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[SipTemplate, SipEndpoint],
        extensions=extensions,
        execution_context_class=Executor if settings.fast_executor else StrawberryGraphQLCoreExecutionContext,
        scalar_overrides=SCALAR_OVERRIDES,  # type: ignore[arg-type]
    )
