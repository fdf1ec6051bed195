"""A diagnostic: every query executed again by graphql-core's own executor, and the two answers compared.

The fast executor (`execution.py`) must answer exactly as graphql-core would.
With the setting `executor_check` on (the test suite turns it on for every
application it builds), each query operation is executed a second time with
graphql-core's standard completion, over the same document, variables and
request context, and any difference in data or errors fails the request
loudly. It doubles the cost of queries: it is not meant for production.
Mutations and subscriptions are not run twice (a mutation's effects must
happen once).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

log = logging.getLogger(__name__)


class ExecutorMismatch(AssertionError):
    """The fast executor and graphql-core answered the same query differently."""


def _errors(errors: Any) -> list[tuple[str, tuple[Any, ...] | None]]:
    return [(e.message, tuple(e.path) if e.path else None) for e in errors or ()]


class ExecutorCheck(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        # An answer given before execution (a limit's refusal) was not executed at all.
        answered_before = context.result is not None
        yield
        result = context.result
        if answered_before or result is None or context.graphql_document is None:
            return
        if context.operation_type is not OperationType.QUERY:
            return
        from strawberry.schema._graphql_core import execute  # strawberry's own entry to graphql-core

        reference = await await_maybe(
            execute(
                context.schema._schema,
                context.graphql_document,
                root_value=context.root_value,
                context_value=context.context,
                variable_values=context.variables,
                operation_name=context.operation_name,
                executor_class=StrawberryGraphQLCoreExecutionContext,
            )
        )
        fast = (getattr(result, "data", None), _errors(getattr(result, "errors", None)))
        standard = (reference.data, _errors(reference.errors))
        if fast != standard:
            log.error("executor mismatch for %s:\nfast: %r\nstandard: %r", context.query, fast, standard)
            raise ExecutorMismatch(f"the fast executor answered differently from graphql-core for {context.query!r}")
