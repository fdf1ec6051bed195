"""Fresh DataLoaders for each operation on a WebSocket.

A WebSocket's context lives as long as the socket; DataLoaders cache what they
loaded, so sharing them between operations would answer later queries with
data read before a change.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension


class FreshLoadersPerOperation(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        factory = getattr(context, "new_loaders", None)
        if factory is not None:
            context.loaders = factory()
        yield
