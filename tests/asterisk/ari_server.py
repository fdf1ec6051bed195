"""An ARI-compatible test server for push configuration, following asterisk-notes §2.1.

It keeps PJSIP Sorcery objects in memory, per (type, id), as ordered field lists, and
answers the three dynamic-configuration calls the way ``res/ari/resource_asterisk.c`` does:

* PUT on a missing object creates it from the given fields (``fields`` may be omitted);
  on an existing object it copies it and applies the fields on top: a single-valued key
  is replaced in place, an accumulating key (catalog ``multiple``) is appended, an empty
  accumulating value is a no-op. PUT without ``fields`` on an existing object is 400.
* An attribute unknown to the catalog for that type (``@``-prefixed extended fields are
  accepted) or a value the catalog refuses gives 400 "Creation/Update of object 'x'
  failed field value validation", and nothing is stored.
* ``transport`` and ``system`` are not writable (403), as with Asterisk's read-only
  config wizard; unknown types and classes give 404.
* DELETE of a missing object is 404, of an existing one 204.

Unlike Asterisk, an object holds only the fields it was given (no defaults), so a test can
compare it with the recorded state directly. Values are checked with the project's own
``check_value``, so a value Asterisk would refuse but the project accepts goes unnoticed.
Every request is kept in ``requests`` (method, type, id, fields, status) for assertions.

Fault injection, counted over write requests (PUT and DELETE): every ``fail_every``-th
one fails with ``fault``:

* ``error``: 500, nothing applied;
* ``apply_then_error``: applied, then 500 (the response is lost, the effect is not);
* ``drop``: applied, then the connection is cut mid-response (a 204 becomes a 200 that
  promises a body, or the cut would go unnoticed). Needs a real server such as uvicorn;
  under ``httpx.ASGITransport`` the exception reaches the client as is;
* ``mixed``: the three above in turn.

``down = True`` makes every request fail with 503 until it is reset.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.catalog import Catalog, load_catalog
from app.domain.validation import check_value

CONFIG_CLASS = "res_pjsip"
PJSIP_TYPES = frozenset({"endpoint", "aor", "auth", "identify", "registration", "transport", "global", "system"})
READ_ONLY_TYPES = frozenset({"transport", "system"})
FAULTS = ("error", "apply_then_error", "drop")

Field = tuple[str, str]
ObjectKey = tuple[str, str]


class DroppedConnection(Exception):
    """Raised after the response started, so the server cuts the connection."""


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the server received it."""

    method: str
    object_type: str
    object_id: str
    fields: tuple[Field, ...] | None
    status: int


@dataclass
class AriState:
    """The objects and the knobs of one test server."""

    username: str | None = None
    password: str | None = None
    read_only_user: bool = False
    fail_every: int = 0
    fault: str = "error"
    down: bool = False
    catalog: Catalog = field(default_factory=load_catalog)
    objects: dict[ObjectKey, list[Field]] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    writes: int = 0
    faults_injected: int = 0
    # PUTs of ids starting with this are refused (400), as Asterisk refuses an invalid object.
    refused_prefix: str | None = None
    # Seconds each configuration request waits before it is handled, so requests overlap.
    latency: float = 0.0
    in_flight: int = 0
    most_in_flight: int = 0

    def snapshot(self) -> dict[ObjectKey, list[Field]]:
        """A copy of every stored object."""
        return {key: list(fields) for key, fields in self.objects.items()}

    def writes_seen(self) -> list[Seen]:
        return [r for r in self.requests if r.method in ("PUT", "DELETE")]

    def next_fault(self) -> str | None:
        """Count a write request and say which fault, if any, it gets."""
        self.writes += 1
        if not self.fail_every or self.writes % self.fail_every:
            return None
        self.faults_injected += 1
        if self.fault == "mixed":
            return FAULTS[(self.faults_injected - 1) % len(FAULTS)]
        return self.fault


def create_ari_app(state: AriState) -> Starlette:
    """The ASGI app serving ``state`` (the state stays reachable as ``app.state.ari``)."""

    async def info(request: Request) -> Response:
        return _guarded(request, state) or JSONResponse({"system": {"version": "ari-test-server", "entity_id": "t"}})

    async def dynamic(request: Request) -> Response:
        denied = _guarded(request, state)
        if denied is not None:
            return denied
        config_class = request.path_params["config_class"]
        object_type = request.path_params["object_type"]
        object_id = request.path_params["object_id"]
        if config_class != CONFIG_CLASS:
            return _error(404, f"configClass '{config_class}' not found")
        if object_type not in PJSIP_TYPES:
            return _error(404, f"objectType '{object_type}' not found")
        handler = {"GET": _get, "PUT": _put, "DELETE": _delete}[request.method]
        state.in_flight += 1
        state.most_in_flight = max(state.most_in_flight, state.in_flight)
        try:
            if state.latency:
                await asyncio.sleep(state.latency)
            return await handler(request, state, object_type, object_id)
        finally:
            state.in_flight -= 1

    async def live_endpoint(request: Request) -> Response:
        # Asterisk lists an endpoint's live state once its configuration exists; this server
        # deletes at once, where Asterisk finishes deleting later (app/asterisk/ari/settle.py).
        denied = _guarded(request, state)
        if denied is not None:
            return denied
        resource = request.path_params["resource"]
        if request.path_params["tech"] != "PJSIP" or ("endpoint", resource) not in state.objects:
            return _error(404, "Endpoint not found")
        return JSONResponse({"technology": "PJSIP", "resource": resource, "state": "unknown"})

    app = Starlette(
        routes=[
            Route("/ari/asterisk/info", info, methods=["GET"]),
            Route("/ari/endpoints/{tech}/{resource}", live_endpoint, methods=["GET"]),
            Route(
                "/ari/asterisk/config/dynamic/{config_class}/{object_type}/{object_id}",
                dynamic,
                methods=["GET", "PUT", "DELETE"],
            ),
        ],
        middleware=[Middleware(DropMiddleware)],
    )
    app.state.ari = state
    return app


class DropMiddleware:
    """Pure ASGI middleware that lets a ``drop`` fault start a response and then cut it.

    The handler marks the scope; the response then promises a body it never sends, and
    the exception makes the server close the connection.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started: list[bool] = []

        async def cutting_send(message: Message) -> None:
            if message["type"] == "http.response.start" and scope.get("ari.drop"):
                started.append(True)
                # A 204 has no body by definition: promise one, or the cut would go unnoticed.
                status = 200 if message["status"] == 204 else message["status"]
                await send({**message, "status": status, "headers": [(b"content-length", b"1000")]})
                return
            if started and message["type"] == "http.response.body":
                raise DroppedConnection("fault injected: connection dropped mid-response")
            await send(message)

        await self.app(scope, receive, cutting_send)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)


def _guarded(request: Request, state: AriState) -> Response | None:
    """Authentication, read-only users and the ``down`` switch, before anything else."""
    if state.down:
        return _error(503, "Service Unavailable")
    if state.username is not None and _credentials(request) != (state.username, state.password):
        return JSONResponse(
            {"message": "Authentication required"},
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="Asterisk REST Interface"'},
        )
    if state.read_only_user and request.method != "GET":
        return _error(403, "Write access denied")
    return None


def _credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def _tuples(fields: list[Field]) -> list[dict[str, str]]:
    return [{"attribute": k, "value": v} for k, v in fields]


def _record(request: Request, state: AriState, fields: tuple[Field, ...] | None, response: Response) -> Response:
    p = request.path_params
    state.requests.append(Seen(request.method, p["object_type"], p["object_id"], fields, response.status_code))
    return response


async def _get(request: Request, state: AriState, object_type: str, object_id: str) -> Response:
    stored = state.objects.get((object_type, object_id))
    if stored is None:
        return _record(request, state, None, _error(404, f"Object with id '{object_id}' not found"))
    return _record(request, state, None, JSONResponse(_tuples(stored)))


async def _put(request: Request, state: AriState, object_type: str, object_id: str) -> Response:
    try:
        fields = _put_fields(await request.body())
    except BadBody:
        return _record(request, state, None, _error(400, "Error parsing request body"))
    if state.refused_prefix is not None and object_id.startswith(state.refused_prefix):
        return _record(request, state, fields, _error(400, "Fields provided failed field value validation"))
    fault = state.next_fault()
    if fault == "error":
        return _record(request, state, fields, _error(500, "Internal Server Error"))
    response = _apply_put(state, object_type, object_id, fields)
    return _record(request, state, fields, _faulted(request, fault, response))


async def _delete(request: Request, state: AriState, object_type: str, object_id: str) -> Response:
    fault = state.next_fault()
    if fault == "error":
        return _record(request, state, None, _error(500, "Internal Server Error"))
    response = _apply_delete(state, object_type, object_id)
    return _record(request, state, None, _faulted(request, fault, response))


def _faulted(request: Request, fault: str | None, response: Response) -> Response:
    """After the effect: lose the response as the fault says."""
    if fault == "apply_then_error":
        return _error(500, "Internal Server Error")
    if fault == "drop":
        request.scope["ari.drop"] = True
    return response


def _apply_delete(state: AriState, object_type: str, object_id: str) -> Response:
    if object_type in READ_ONLY_TYPES:
        return _error(403, f"Could not delete object with id '{object_id}'")
    if state.objects.pop((object_type, object_id), None) is None:
        return _error(404, f"Object with id '{object_id}' not found")
    return Response(status_code=204)


def _apply_put(state: AriState, object_type: str, object_id: str, fields: tuple[Field, ...] | None) -> Response:
    """Asterisk's update_object: alloc or copy, apply the fields, then store (asterisk-notes §2.1)."""
    existing = state.objects.get((object_type, object_id))
    created = existing is None
    if fields is None and not created:
        return _error(400, f"Fields must be provided to update object '{object_id}'")
    if not _valid(state.catalog, object_type, fields or ()):
        return _error(
            400, f"{'Creation' if created else 'Update'} of object '{object_id}' failed field value validation"
        )
    if object_type in READ_ONLY_TYPES:
        verb = "create" if created else "update"
        return _error(403, f"Cannot {verb} sorcery objects of type '{object_type}'")
    if object_type == "endpoint" and not created:
        # Asterisk copies a stored endpoint through its string form, which does not survive the
        # round trip: every update of an existing endpoint fails like this on a real Asterisk.
        return _error(500, "Allocation failed")
    multiple = state.catalog.multiple_keys(object_type).__contains__
    merged = merge(list(existing or []), fields or (), multiple)
    state.objects[(object_type, object_id)] = merged
    return JSONResponse(_tuples(merged))


def merge(
    stored: list[Field], fields: tuple[Field, ...] | list[Field], is_multiple: Callable[[str], bool]
) -> list[Field]:
    """Apply fields on top of a copy: single-valued keys replaced in place, accumulating keys appended."""
    out = list(stored)
    for key, value in fields:
        if is_multiple(key):
            if value != "":
                out.append((key, value))
            continue
        index = next((i for i, (k, _) in enumerate(out) if k == key), None)
        if index is None:
            out.append((key, value))
        else:
            out[index] = (key, value)
    return out


def _valid(catalog: Catalog, object_type: str, fields: tuple[Field, ...]) -> bool:
    for key, value in fields:
        if key.startswith("@") and len(key) > 1:
            continue
        spec = catalog.spec(object_type, key)
        if spec is None or check_value(spec, value) is not None:
            return False
    return True


class BadBody(ValueError):
    """A PUT body that is not JSON, or whose fields are not string pairs."""


def _put_fields(raw: bytes) -> tuple[Field, ...] | None:
    """The ``fields`` of a PUT body, or None when the body has none.

    Asterisk reads attribute and value with ``ast_json_string_get`` and may crash on
    anything but strings; the test server answers 400 so such a client bug shows.
    """
    if not raw:
        return None
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadBody(str(exc)) from exc
    if not isinstance(body, dict) or "fields" not in body:
        return None
    items = body["fields"]
    if not isinstance(items, list):
        raise BadBody("fields is not a list")
    out: list[Field] = []
    for item in items:
        if not (
            isinstance(item, dict) and isinstance(item.get("attribute"), str) and isinstance(item.get("value"), str)
        ):
            raise BadBody(f"not an attribute/value pair of strings: {item!r}")
        out.append((item["attribute"], item["value"]))
    return tuple(out)
