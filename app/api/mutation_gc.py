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
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from app.gc_pause import collector_paused
from app.switch_interval import release


@dataclass(slots=True)
class _AfterResponse:
    """What a request leaves for after its response: lists to free, then collector pauses to end."""

    frees: list[list[Any]] = field(default_factory=list)
    resumes: list[Callable[[], object]] = field(default_factory=list)


_after_response: ContextVar[_AfterResponse | None] = ContextVar("after_response", default=None)


def free_after_response(items: list[Any]) -> None:
    """Free these items (a big change's thousands of updates) once the response is sent, one by one
    in a worker thread, instead of all at once on the event loop when the answer is done with them.

    The list must serve nothing after the response. Outside an HTTP request (WebSockets, direct
    schema execution) nothing changes: the items go when the last reference to them does.
    """
    after = _after_response.get()
    if after is not None:
        after.frees.append(items)


class MutationsPauseCollector(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        if self.execution_context.operation_type is not OperationType.MUTATION:
            yield
            return
        pause = collector_paused()
        pause.__enter__()
        after = _after_response.get()
        if after is None:
            try:
                yield
            finally:
                pause.__exit__(None, None, None)
        else:
            after.resumes.append(lambda: pause.__exit__(None, None, None))
            yield


class CollectorResumesAfterResponse:
    """ASGI middleware: what mutations deferred runs once the response is sent (see `free_after_response`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        after = _AfterResponse()
        token = _after_response.set(after)
        try:
            await self.app(scope, receive, send)
        finally:
            _after_response.reset(token)
            try:
                # freed before the collector resumes, which would otherwise scan them first
                await release(bool(after.frees), *after.frees)
            finally:
                for resume in after.resumes:
                    resume()
