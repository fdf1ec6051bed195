"""GraphQL over HTTP: the ``application/graphql-response+json`` media type.

A client that accepts ``application/graphql-response+json`` gets its answer with
that content type and with the status codes of the GraphQL-over-HTTP
specification: a response without ``data`` (the request could not be parsed or
validated, so nothing ran) answers 400 and omits ``data``; a response with
``data``, even ``null`` after a field error, answers 200. Clients that accept ``application/json`` (or
send no ``Accept``) keep today's behaviour: 200 and ``application/json``.

Only answers that are GraphQL responses (``application/json`` bodies) are
rewritten; GraphiQL, plain-text protocol errors and WebSockets pass untouched.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHQL_RESPONSE = "application/graphql-response+json"


def accepted_media_types(accept: str) -> list[str]:
    """The media types of an ``Accept`` header, most preferred first (by ``q``, then order)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def wants_graphql_response(accept: str) -> bool:
    """Whether the client prefers the GraphQL response media type to plain JSON."""
    for media in accepted_media_types(accept):
        if media == GRAPHQL_RESPONSE:
            return True
        if media in ("application/json", "application/*", "*/*"):
            return False
    return False


def is_request_error(document: object) -> bool:
    """An answer to a request that failed before execution (parse, validation, variables).

    The executor answers those with ``data: null`` and errors without a ``path``;
    a field error always has the path of its field, even when it nulls ``data``.
    """
    if not isinstance(document, dict) or document.get("data") is not None:
        return False
    errors = document.get("errors")
    return isinstance(errors, list) and bool(errors) and all(isinstance(e, dict) and "path" not in e for e in errors)


class GraphQLResponseMediaType:
    """ASGI middleware for the ``/graphql`` HTTP answers of clients that ask for the new media type."""

    def __init__(self, app: ASGIApp, path: str = "/graphql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        accept = b", ".join(v for k, v in scope.get("headers") or [] if k == b"accept").decode("latin-1")
        if not wants_graphql_response(accept):
            await self.app(scope, receive, send)
            return

        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers") or []).get(b"content-type", b"")
                if not content_type.startswith(b"application/json"):
                    start = None  # not a GraphQL response: pass through as is
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await send_rewritten(start, b"".join(chunks))

        async def send_rewritten(start: Message, body: bytes) -> None:
            status = start["status"]
            try:
                document = orjson.loads(body)
            except orjson.JSONDecodeError:
                document = None
            if status == 200 and isinstance(document, dict) and is_request_error(document):
                status = 400
                document.pop("data", None)  # nothing was executed: the specification omits `data`
                body = orjson.dumps(document)
            headers = [(k, v) for k, v in start.get("headers") or [] if k not in (b"content-type", b"content-length")]
            headers += [
                (b"content-type", f"{GRAPHQL_RESPONSE}; charset=utf-8".encode()),
                (b"content-length", str(len(body)).encode()),
            ]
            await send({**start, "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, buffered)
