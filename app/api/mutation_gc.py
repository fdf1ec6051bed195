"""The cycle collector around mutations: paused while they run, resumed once answered.

A template change of a large tenant loads, resolves, diffs and answers tens of
thousands of objects, and leaves ten thousand new resolved views in the cache.
Collections during that work rescanned the growing heap again and again (~0.6 s
of a 10,000-endpoint change), so the collector is paused while a mutation
executes; nothing there forms cycles that must be freed before the answer.

When it resumes, its first collection scans everything the mutation left
alive (~0.4 s for such a change). Behind ``CollectorResumesAfterResponse`` the
resume waits until the HTTP answer has been sent, so that scan no longer
delays the client; without it (direct schema execution, WebSockets) the
collector resumes as soon as the mutation has executed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar

from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from app.gc_pause import collector_paused

_after_response: ContextVar[list[Callable[[], object]] | None] = ContextVar("after_response", default=None)


class MutationsPauseCollector(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        if self.execution_context.operation_type is not OperationType.MUTATION:
            yield
            return
        pause = collector_paused()
        pause.__enter__()
        deferred = _after_response.get()
        if deferred is None:
            try:
                yield
            finally:
                pause.__exit__(None, None, None)
        else:
            deferred.append(lambda: pause.__exit__(None, None, None))
            yield


class CollectorResumesAfterResponse:
    """ASGI middleware: what mutations deferred runs once the response is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deferred: list[Callable[[], object]] = []
        token = _after_response.set(deferred)
        try:
            await self.app(scope, receive, send)
        finally:
            _after_response.reset(token)
            for release in deferred:
                release()
