"""Files over plain HTTP: the pjsip.conf export as a download of any size.

``GET /export/pjsip.conf?engine=default&tenant=<uuid>&templates=flat|native``
with the same bearer token as ``/graphql``, the same checks and the same text
as the ``pjsipConf`` field. That field answers one JSON string, which holds
the whole file in memory (several times over while it is encoded); this
route writes the file a part at a time into a spooled temporary file (in
memory up to `SPOOL_IN_MEMORY`, then an unlinked file only this process can
open) and streams it from there. The database connection is given back
before the first byte is sent, so a slow reader holds a file, not a
connection, and the token's expensive-operation slot is held until the last
byte, so one token cannot pile up exports.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import IO
from uuid import UUID

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from app.api.arguments import text_argument
from app.api.context import bearer_token, why_unauthenticated
from app.api.errors import UNAVAILABLE_MESSAGE, is_unavailable
from app.api.limits import TokenLimits, TooMany, token_key
from app.db.database import Database
from app.errors import AppError, Forbidden, InvalidInput, NotFound
from app.services import exports
from app.services.access import Caller

SPOOL_IN_MEMORY = 4 * 1024 * 1024
READ_SIZE = 256 * 1024
_STATUS = {
    InvalidInput.code: 400,
    "UNAUTHENTICATED": 401,
    Forbidden.code: 403,
    NotFound.code: 404,
    TooMany.code: 429,
    "SERVICE_UNAVAILABLE": 503,
}


def _refusal(code: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if code == "UNAUTHENTICATED" else None
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=_STATUS[code], headers=headers)


class PjsipConfDownload:
    """The route (`answer`); tokens are checked, and their last use written, as for GraphQL."""

    def __init__(
        self,
        db: Database,
        limits: TokenLimits,
        authenticate: Callable[[str], Awaitable[Caller | None]],
        flush_last_used: Callable[[], Awaitable[None]],
    ) -> None:
        self.db = db
        self.limits = limits
        self.authenticate = authenticate
        self.flush_last_used = flush_last_used

    async def answer(self, request: Request) -> Response:
        try:
            return await self._answer(request)
        finally:
            await self.flush_last_used()

    async def _answer(self, request: Request) -> Response:
        header = request.headers.get("authorization")
        token = bearer_token(request.headers)
        try:
            caller = await self.authenticate(token) if token else None
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            return _refusal("SERVICE_UNAVAILABLE", UNAVAILABLE_MESSAGE)
        if caller is None:
            return _refusal("UNAUTHENTICATED", why_unauthenticated(header, token))
        try:
            arguments = _arguments(request)
        except InvalidInput as exc:
            return _refusal(exc.code, exc.message)
        slot = self.limits.expensive_slot(token_key(token))
        try:
            slot.__enter__()
        except TooMany as exc:
            return _refusal(exc.code, exc.message)
        try:
            spool = await self._spooled(caller, *arguments)
        except BaseException as exc:
            slot.__exit__(None, None, None)
            if isinstance(exc, AppError) and exc.code in _STATUS:
                return _refusal(exc.code, exc.message)
            if isinstance(exc, Exception) and is_unavailable(exc):
                return _refusal("SERVICE_UNAVAILABLE", UNAVAILABLE_MESSAGE)
            raise
        held = _Held(spool, slot)
        return StreamingResponse(
            held.chunks(),
            background=BackgroundTask(held.release),
            media_type="text/plain; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="pjsip.conf"',
                "Content-Length": str(spool.tell()),
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    async def _spooled(
        self, caller: Caller, engine: str, tenant_uuid: UUID | None, mode: exports.TemplateMode
    ) -> IO[bytes]:
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (closed by _Held)
        try:
            await exports.write_pjsip_conf(
                self.db,
                caller,
                lambda text: spool.write(text.encode()),
                engine=engine,
                tenant_uuid=tenant_uuid,
                mode=mode,
            )
        except BaseException:
            spool.close()
            raise
        return spool  # type: ignore[return-value]


class _Held:
    """The spool and the token's slot of one download, given back once: after the last byte, or
    when the client went away (the response's background task runs then too)."""

    def __init__(self, spool: IO[bytes], slot: contextlib.AbstractContextManager[None]) -> None:
        self.spool = spool
        self.slot: contextlib.AbstractContextManager[None] | None = slot

    def release(self) -> None:
        if self.slot is not None:
            slot, self.slot = self.slot, None
            self.spool.close()
            slot.__exit__(None, None, None)

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            size = self.spool.tell()
            self.spool.seek(0)
            sent = 0
            while sent < size:
                chunk = self.spool.read(READ_SIZE)
                if not chunk:
                    break
                sent += len(chunk)
                yield chunk
        finally:
            self.release()


def _arguments(request: Request) -> tuple[str, UUID | None, exports.TemplateMode]:
    params = request.query_params
    unknown = sorted(set(params) - {"engine", "tenant", "templates"})
    if unknown:
        raise InvalidInput.at(unknown[0], "unknown parameter: use engine, tenant and templates")
    engine = text_argument("engine", params.get("engine")) or "default"
    tenant: UUID | None = None
    if params.get("tenant"):
        try:
            tenant = UUID(params["tenant"])
        except ValueError:
            raise InvalidInput.at("tenant", "not a tenant uuid") from None
    templates = (params.get("templates") or "flat").lower()
    if templates not in ("flat", "native"):
        raise InvalidInput.at("templates", "flat or native")
    return engine, tenant, exports.TemplateMode(templates)
