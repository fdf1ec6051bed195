"""HTTP guards in front of GraphQL: bounded request bodies and browser security headers.

Bodies are read chunk by chunk, so a client that sends no Content-Length
(chunked) cannot make the server buffer more than the limit either.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# GraphiQL's scripts and styles are served by the server itself (app/api/graphiql.py);
# its page has one inline script and inline styles.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
IMPORT_FIELDS = (b"importPjsipConf", b"importSipConf")


def graphql_error(status: int, message: str, code: str, **extensions: object) -> tuple[int, bytes]:
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return status, orjson.dumps({"data": None, "errors": [error]})


class RequestGuards:
    """Limits a GraphQL request's body (an import may be larger), refuses bodies
    that are not a JSON object or list, and adds security headers to answers."""

    def __init__(self, app: ASGIApp, *, max_request_bytes: int, max_import_bytes: int, path: str = "/graphql") -> None:
        self.app = app
        self.max_request_bytes = max_request_bytes
        self.max_import_bytes = max(max_import_bytes, max_request_bytes)
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(send)
        if scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_import_bytes:
            await self._refuse(send, *self._too_large())
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_import_bytes:
                await self._refuse(send, *self._too_large())
                return
        if len(body) > self.max_request_bytes and not any(name in body for name in IMPORT_FIELDS):
            await self._refuse(send, *self._too_large())
            return
        content_type = headers.get(b"content-type", b"")
        if b"json" in content_type and bytes(body).lstrip()[:1] not in (b"{", b"["):
            await self._refuse(
                send, *graphql_error(400, "the request body must be a JSON object with a 'query'", "BAD_REQUEST")
            )
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    def _too_large(self) -> tuple[int, bytes]:
        return graphql_error(
            413,
            f"request body too large: at most {self.max_request_bytes} bytes ({self.max_import_bytes} for an import)",
            "PAYLOAD_TOO_LARGE",
            maxBytes=self.max_request_bytes,
        )

    @staticmethod
    async def _refuse(send: Send, status: int, body: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _with_security_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers += [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY")]
            if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                headers.append((b"content-security-policy", GRAPHIQL_CSP.encode()))
            message = {**message, "headers": headers}
        await send(message)

    return sending
