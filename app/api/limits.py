"""Per-operation and per-token limits: query cost, expensive operations at once,
open subscriptions, and introspection without a token (docs/security.md)."""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter
from collections.abc import Iterator

from graphql import ExecutionResult, GraphQLError
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from app.api.errors import UNAVAILABLE_MESSAGE
from app.api.query_cost import CostModel
from app.errors import AppError
from app.settings import Settings


def token_key(token: str | None) -> str | None:
    """What the limits count by: a digest, so the token itself is not kept."""
    return hashlib.sha256(token.encode()).hexdigest()[:32] if token else None


class TooMany(AppError):
    """A token is over one of its concurrency limits."""

    code = "TOO_MANY_REQUESTS"


class TokenLimits:
    """Counters shared by every request of one application (one process)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.expensive: Counter[str] = Counter()
        self.subscriptions: Counter[str] = Counter()

    @contextlib.contextmanager
    def _slot(self, counter: Counter[str], key: str | None, limit: int, what: str) -> Iterator[None]:
        if key is None:
            yield
            return
        if counter[key] >= limit:
            raise TooMany(f"too many {what} for this token (at most {limit} at once); wait for one to finish")
        counter[key] += 1
        try:
            yield
        finally:
            counter[key] -= 1
            if counter[key] <= 0:
                del counter[key]

    def expensive_slot(self, key: str | None) -> contextlib.AbstractContextManager[None]:
        return self._slot(self.expensive, key, self.settings.max_expensive_per_token, "expensive operations")

    def subscription_slot(self, key: str | None) -> contextlib.AbstractContextManager[None]:
        return self._slot(self.subscriptions, key, self.settings.max_subscriptions_per_token, "open subscriptions")


def _is_websocket(request: object) -> bool:
    return isinstance(getattr(request, "request", None), WebSocket)


def _refusal(message: str, code: str, **extensions: object) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code, **extensions})])


def limits_extension(settings: Settings) -> type[SchemaExtension]:
    models: dict[int, CostModel] = {}

    class QueryLimits(SchemaExtension):
        """Runs after validation, before execution: refuses over-budget
        operations, introspection without a token, and a token's excess of
        concurrent expensive operations."""

        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if document is None or context.result is not None:
                yield
                return
            schema = context.schema._schema
            model = models.get(id(schema))
            if model is None:
                model = models[id(schema)] = CostModel(
                    schema,
                    max_page_size=settings.max_page_size,
                    max_list_items=settings.max_list_items,
                    # over the expensive threshold, never over the budget
                    whole_engine_cost=min(settings.expensive_query_cost + 1, settings.max_query_cost),
                )
            cost, introspection = model.cost(document, context.operation_name, context.variables, context.query)
            request = context.context
            if getattr(request, "database_unavailable", False):
                context.result = _refusal(UNAVAILABLE_MESSAGE, "SERVICE_UNAVAILABLE")
                response = getattr(request, "response", None)
                if response is not None and hasattr(response, "status_code"):
                    response.status_code = 503
                yield
                return
            caller = getattr(request, "caller_or_none", None)
            if context.operation_type is OperationType.SUBSCRIPTION and not _is_websocket(request):
                context.result = _refusal(
                    "subscriptions need a WebSocket: use the graphql-transport-ws protocol on this path",
                    "BAD_REQUEST",
                )
                yield
                return
            if introspection and caller is None and settings.introspection_requires_token:
                context.result = _refusal("introspection needs 'Authorization: Bearer <token>'", "UNAUTHENTICATED")
                yield
                return
            if cost > settings.max_query_cost:
                context.result = _refusal(
                    f"query too complex: cost {cost}, budget {settings.max_query_cost}; ask for smaller pages "
                    "(first) or fewer nested lists",
                    "QUERY_TOO_COMPLEX",
                    cost=cost,
                    maxCost=settings.max_query_cost,
                )
                yield
                return
            limits: TokenLimits | None = getattr(request, "limits", None)
            if (
                cost <= settings.expensive_query_cost
                or limits is None
                or context.operation_type is OperationType.SUBSCRIPTION
            ):
                yield
                return
            try:
                slot = limits.expensive_slot(getattr(request, "token_key", None))
                slot.__enter__()
            except TooMany as exc:
                context.result = _refusal(exc.message, "TOO_MANY_REQUESTS", cost=cost)
                yield
                return
            try:
                yield
            finally:
                slot.__exit__(None, None, None)

    return QueryLimits
