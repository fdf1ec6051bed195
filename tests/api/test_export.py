"""pjsip.conf export through GraphQL, as an operator and as a tenant."""

from __future__ import annotations

import asyncio
import tempfile
from typing import Any
from uuid import uuid4

import pytest

from app.api import downloads
from app.api.limits import TokenLimits
from app.domain.sections import Section
from app.services import exports
from app.settings import Settings
from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant, token_for

EXPORT = "query($t: UUID, $m: PjsipTemplates) { pjsipConf(tenantUuid: $t, templates: $m) }"


async def _setup(world: World) -> tuple[object, object]:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Exported")
    sip = await default_template(world.db, tenant, "sip")
    await new_endpoint(
        world.db, admin, tenant, "alice", [sip.uuid], {Section.AUTH: (("username", "alice"), ("password", "a;b"))}
    )
    return admin, tenant


async def test_operator_flat_export_has_engine_objects_and_every_object(world: World, gql: GraphQLClient) -> None:
    await _setup(world)
    text = (await gql.ok(EXPORT, {"m": "FLAT"}))["pjsipConf"]
    # engine objects first, then alice's objects in reference order, secrets escaped for Asterisk
    assert text.index("[transport-udp]") < text.index("[alice]")
    assert "type = auth" in text and "type = aor" in text and "type = endpoint" in text
    assert "password = a\\;b" in text
    assert text.index("type = auth") < text.index("type = endpoint")


async def test_native_export_keeps_templates(world: World, gql: GraphQLClient) -> None:
    _, tenant = await _setup(world)
    text = (await gql.ok(EXPORT, {"t": str(tenant), "m": "NATIVE"}))["pjsipConf"]
    assert "[tpl:exported:general:endpoint](!)" in text
    assert "[alice](tpl:exported:sip:endpoint)" in text


async def test_a_tenant_exports_only_its_own_objects_and_needs_the_secrets_scope(
    world: World, gql: GraphQLClient
) -> None:
    admin, tenant = await _setup(world)
    other = await new_tenant(world.db, admin, "Elsewhere")  # type: ignore[arg-type]
    await new_endpoint(world.db, admin, other, "bob", [])  # type: ignore[arg-type]
    reader = await token_for(world.db, tenant, "sip:read,secrets:read")  # type: ignore[arg-type]
    text = (await gql.as_token(reader).ok(EXPORT, {"m": "FLAT"}))["pjsipConf"]
    assert "[alice]" in text and "[bob]" not in text
    assert "[transport-udp]" not in text and "[global]" not in text
    blind = await token_for(world.db, tenant, "sip:read")  # type: ignore[arg-type]
    error = await gql.as_token(blind).error(EXPORT, {"m": "FLAT"})
    assert error["extensions"]["code"] == "FORBIDDEN"


# ---------------------------------------------------------------- GET /export/pjsip.conf


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_download_is_the_graphql_text_streamed_from_a_spool(
    world: World, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, tenant = await _setup(world)
    monkeypatch.setattr(downloads, "SPOOL_IN_MEMORY", 64)  # the spool goes to a file at once
    monkeypatch.setattr(downloads, "READ_SIZE", 100)  # and is sent in many chunks
    for mode, params in (("FLAT", {}), ("NATIVE", {"templates": "native", "tenant": str(tenant)})):
        variables = {"m": mode, "t": params.get("tenant")}
        expected = (await gql.ok(EXPORT, variables))["pjsipConf"]
        response = await gql.http.get("/export/pjsip.conf", params=params, headers=_bearer(world.admin_token))
        assert response.status_code == 200, response.text
        assert response.text == expected and len(response.content) > 500
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.headers["content-disposition"] == 'attachment; filename="pjsip.conf"'
        assert response.headers["cache-control"] == "no-store"
        assert int(response.headers["content-length"]) == len(response.content)


async def test_the_download_refuses_as_graphql_does(world: World, gql: GraphQLClient) -> None:
    _, tenant = await _setup(world)
    get = gql.http.get
    missing = await get("/export/pjsip.conf")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"]["code"] == "UNAUTHENTICATED"
    assert (await get("/export/pjsip.conf", headers=_bearer("pjg_unknown"))).status_code == 401
    blind = await token_for(world.db, tenant, "sip:read")  # type: ignore[arg-type]
    forbidden = await get("/export/pjsip.conf", headers=_bearer(blind))
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "FORBIDDEN"
    admin = _bearer(world.admin_token)
    assert (await get("/export/pjsip.conf", params={"engine": "nowhere"}, headers=admin)).status_code == 404
    assert (await get("/export/pjsip.conf", params={"tenant": str(uuid4())}, headers=admin)).status_code == 404
    for bad in ({"templates": "both"}, {"tenant": "alpha"}, {"tenants": "x"}, {"engine": "a\x00b"}):
        refused = await get("/export/pjsip.conf", params=bad, headers=admin)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "BAD_USER_INPUT", bad
    # A tenant's token downloads its own subtree only, like the GraphQL field.
    reader = await token_for(world.db, tenant, "sip:read,secrets:read")  # type: ignore[arg-type]
    own = await get("/export/pjsip.conf", headers=_bearer(reader))
    assert own.status_code == 200 and "[alice]" in own.text and "[global]" not in own.text


def _first_export_held(monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Event]:
    """The first export to start waits inside until ``release`` is set (``inside`` says it is
    there); any other goes through."""
    inside, release = asyncio.Event(), asyncio.Event()
    write = exports.write_pjsip_conf

    async def held(*args: Any, **kwargs: Any) -> None:
        if not inside.is_set():
            inside.set()
            await release.wait()
        await write(*args, **kwargs)

    monkeypatch.setattr(exports, "write_pjsip_conf", held)
    return inside, release


async def test_one_token_downloads_one_file_at_a_time(
    world: World, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, tenant = await _setup(world)
    inside, release = _first_export_held(monkeypatch)
    reader = await token_for(world.db, tenant, "sip:read,secrets:read")  # type: ignore[arg-type]
    first = asyncio.create_task(gql.http.get("/export/pjsip.conf", headers=_bearer(reader)))
    try:
        await asyncio.wait_for(inside.wait(), 10)
        second = await gql.http.get("/export/pjsip.conf", headers=_bearer(reader))
        # another token is not held back meanwhile
        other = await gql.http.get("/export/pjsip.conf", headers=_bearer(world.admin_token))
    finally:
        release.set()
    assert second.status_code == 429 and second.json()["error"]["code"] == "TOO_MANY_REQUESTS"
    assert other.status_code == 200
    assert (await first).status_code == 200
    # The slot is given back after the file was sent.
    assert (await gql.http.get("/export/pjsip.conf", headers=_bearer(reader))).status_code == 200


async def test_the_graphql_export_is_an_expensive_operation_too(
    world: World, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pjsipConf` reads a whole tenant whatever it selects: one at a time per token, like the download."""
    _, tenant = await _setup(world)
    inside, release = _first_export_held(monkeypatch)
    reader = gql.as_token(await token_for(world.db, tenant, "sip:read,secrets:read"))  # type: ignore[arg-type]
    first = asyncio.create_task(reader.ok(EXPORT, {"m": "FLAT"}))
    try:
        await asyncio.wait_for(inside.wait(), 10)
        second = await reader.error(EXPORT, {"m": "FLAT"})
        download = await gql.http.get("/export/pjsip.conf", headers=_bearer(reader.token or ""))
        other = await gql.ok(EXPORT, {"m": "FLAT"})  # the operator's token is not held back
    finally:
        release.set()
    assert second["extensions"]["code"] == "TOO_MANY_REQUESTS"
    assert download.status_code == 429
    assert "[alice]" in other["pjsipConf"]
    assert "[alice]" in (await first)["pjsipConf"]


async def test_a_download_gives_its_slot_back_once_whether_read_to_the_end_or_left() -> None:
    """The last chunk and the response's background task (which also runs when the client went
    away) both release: the token's slot is given back exactly once either way."""
    limits = TokenLimits(Settings(max_expensive_per_token=1))
    for read_all in (True, False):
        slot = limits.expensive_slot("token")
        slot.__enter__()
        spool = tempfile.SpooledTemporaryFile(max_size=16)  # noqa: SIM115 (closed by the unit under test)
        spool.write(b"x" * 100)
        held = downloads._Held(spool, slot)
        chunks = held.chunks()
        first = await anext(chunks)
        if read_all:
            assert first + b"".join([c async for c in chunks]) == b"x" * 100
        else:
            await chunks.aclose()  # the client went away after the first chunk
        assert spool.closed and limits.expensive["token"] == 0
        held.release()  # the background task, after either
        assert limits.expensive["token"] == 0
        with limits.expensive_slot("token"):  # free for the next download
            pass
