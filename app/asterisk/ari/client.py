"""A small client for ARI push configuration of PJSIP Sorcery objects (asterisk-notes §2.1).

``PUT``, ``DELETE`` and ``GET`` on ``/ari/asterisk/config/dynamic/res_pjsip/{type}/{id}``.
Every failure becomes an `AriError` subclass that says what the caller should do about it:

* `AriTransient` (5xx, connection refused or dropped, timeout): nothing is known to be wrong
  with the request; try it again later.
* `AriRejected` (4xx about this object: 400 bad attribute or value, 403 from a read-only
  wizard, 404): sending the same request again gives the same answer; never retry it.
* `AriFatal` (401, 403 "Write access denied", unknown ``res_pjsip`` class, unexpected status):
  the connection itself is misconfigured, so every request would fail the same way; stop
  rather than skip objects.

Each error carries the HTTP status (None when no response came) and Asterisk's own message.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import quote

import aiohttp
import orjson

CONFIG_CLASS = "res_pjsip"
# An endpoint id no configuration uses: the target of the write-access check.
WRITE_CHECK_ID = "pjsip-graph-write-check"
DEFAULT_TIMEOUT = 10.0
# Requests in flight at once; the agent never sends more than this many.
DEFAULT_CONNECTIONS = 8

Field = tuple[str, str]


class AriError(Exception):
    """An ARI request that did not succeed."""

    def __init__(self, method: str, path: str, status: int | None, message: str) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        return f"{self.method} {self.path}: {status}: {self.message}"


class AriTransient(AriError):
    """Asterisk could not answer now (5xx or transport failure); the same request may succeed later."""


class AriRejected(AriError):
    """Asterisk refused this request (4xx); repeating it unchanged cannot succeed."""


class AriNotFound(AriRejected):
    """404: the object (or, for PUT, the object type) does not exist."""


class AriFatal(AriError):
    """The ARI connection is unusable as configured (credentials, read-only user, wrong URL)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer read whole: its status, reason phrase and body."""

    status: int
    reason: str
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            return None


class AriClient:
    """ARI push-configuration calls over a pool of keep-alive connections with basic auth.

    aiohttp rather than a heavier client: a template change reaching every endpoint sends two
    requests per endpoint, and the client's own CPU per request decides how fast that goes
    (measured in docs/performance.md). Proxy variables of the environment are ignored: ARI is
    an internal endpoint, and an egress proxy set for other traffic would only misroute it.
    The session is opened at the first request, inside the event loop that uses it.
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        connections: int = DEFAULT_CONNECTIONS,
    ) -> None:
        self._base = _normalise_base(base_url)
        self._headers = {"Authorization": aiohttp.encode_basic_auth(username, password)}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> AriClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def info(self) -> dict[str, Any]:
        """``GET /ari/asterisk/info``: a cheap call that proves URL and credentials work."""
        path = "/ari/asterisk/info"
        answer = await self._request("GET", path)
        body = answer.json()
        if not isinstance(body, dict):
            raise AriFatal("GET", path, answer.status, "the answer is not ARI's JSON; check the URL")
        return body

    async def check_write_access(self) -> None:
        """Prove the user may write, without changing anything: DELETE an object nobody has.

        ARI answers a read-only user 403 "Write access denied" before looking for the object
        (`AriFatal`); a user that may write gets 404 (or 204 should the object exist, which
        deletes only this probe's own name).
        """
        with contextlib.suppress(AriNotFound):
            await self.delete("endpoint", WRITE_CHECK_ID)

    async def get(self, object_type: str, object_id: str) -> list[Field]:
        """The object's fields as Asterisk serialises them (defaults included)."""
        return _tuples(await self._request("GET", object_path(object_type, object_id)))

    async def put(self, object_type: str, object_id: str, fields: Iterable[Field]) -> None:
        """Create the object from ``fields``, or merge ``fields`` into the existing one.

        ``fields`` is always sent, even empty: without it Asterisk refuses to update an
        existing object. Values are sent as JSON strings, the only type Asterisk reads.
        Asterisk answers with the whole stored object; it is not decoded (a template change
        sends thousands of PUTs, and nothing needs the answer: `get` reads an object).
        """
        body = {"fields": [{"attribute": str(k), "value": str(v)} for k, v in fields]}
        await self._request("PUT", object_path(object_type, object_id), body)

    async def delete(self, object_type: str, object_id: str) -> None:
        """Delete the object; `AriNotFound` if Asterisk does not have it."""
        await self._request("DELETE", object_path(object_type, object_id))

    async def endpoint_listed(self, endpoint_id: str) -> bool:
        """Does Asterisk list this PJSIP endpoint's live state (``GET /ari/endpoints/PJSIP/{id}``)?"""
        try:
            await self._request("GET", f"/ari/endpoints/PJSIP/{quote(endpoint_id, safe='')}")
        except AriNotFound:
            return False
        return True

    async def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Answer:
        data = orjson.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else None
        try:
            async with self._open().request(method, self._base + path, data=data, headers=headers) as response:
                answer = Answer(response.status, response.reason or "", await response.read())
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise AriTransient(method, path, None, f"{type(exc).__name__}: {exc}") from exc
        if 200 <= answer.status < 300:
            return answer
        raise classify(method, path, answer.status, asterisk_message(answer))

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=self._connections),
                trust_env=False,
            )
        return self._session


def object_path(object_type: str, object_id: str) -> str:
    """The dynamic-configuration path of one object; ids are percent-encoded whole."""
    return f"/ari/asterisk/config/dynamic/{CONFIG_CLASS}/{quote(object_type, safe='')}/{quote(object_id, safe='')}"


def classify(method: str, path: str, status: int, message: str) -> AriError:
    """Turn an unsuccessful status into the error that tells the caller what to do next."""
    if status >= 500:
        return AriTransient(method, path, status, message)
    if status == 401 or (status == 403 and "write access denied" in message.lower()):
        return AriFatal(method, path, status, message)
    if status == 404 and "configclass" in message.lower():
        return AriFatal(method, path, status, message)
    if status == 404:
        return AriNotFound(method, path, status, message)
    if 400 <= status < 500:
        return AriRejected(method, path, status, message)
    return AriFatal(method, path, status, f"unexpected answer: {message}")


def asterisk_message(answer: Answer) -> str:
    """ARI errors are ``{"message": "..."}``; anything else is shown as text, shortened."""
    body = answer.json()
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    text = answer.body.decode("utf-8", "replace").strip()
    return text[:300] if text else answer.reason


def _tuples(answer: Answer) -> list[Field]:
    """The ``[{"attribute", "value"}, ...]`` answer of GET and PUT; empty if it is not one."""
    body = answer.json()
    if not isinstance(body, list):
        return []
    return [(str(t.get("attribute")), str(t.get("value"))) for t in body if isinstance(t, dict)]


def _normalise_base(url: str) -> str:
    """Accept ``http://host:8088`` as well as ``http://host:8088/ari``."""
    url = url.rstrip("/")
    return url[: -len("/ari")] if url.endswith("/ari") else url
