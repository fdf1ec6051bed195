"""API tokens expire, can be listed (never the secret) and revoked, and record their last use."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

import pytest

from app.db.models import ApiToken, utcnow
from app.services.tokens import (
    LastUsed,
    authenticate,
    create_token,
    hash_token,
    list_tokens,
    revoke_token,
)
from tests.conftest import GraphQLClient, World

WHO = "query { tenants(first: 1) { totalCount } }"


async def new_token(world: World, **kwargs: object) -> tuple[str, UUID]:
    async with world.db.reading() as session:
        root = await authenticate(session, world.admin_token)
    assert root is not None
    async with world.db.writing() as session:
        token = await create_token(session, tenant_uuid=root.tenant_uuid, scopes="tenants:read", **kwargs)  # type: ignore[arg-type]
    async with world.db.reading() as session:
        caller = await authenticate(session, token)
    assert caller is not None and caller.token_uuid is not None
    return token, caller.token_uuid


async def test_a_revoked_token_stops_working_at_once(world: World, gql: GraphQLClient) -> None:
    # given a working token
    token, uuid = await new_token(world)
    client = gql.as_token(token)
    await client.ok(WHO)

    # when it is revoked
    async with world.db.writing() as session:
        info = await revoke_token(session, None, uuid)
    assert info.revoked_at is not None

    # then the next request is refused
    assert (await client.error(WHO))["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_expired_token_is_refused(world: World, gql: GraphQLClient) -> None:
    # given a token whose expiry has passed, and one that expires later
    expired, _ = await new_token(world, expires_at=utcnow() + timedelta(seconds=1))
    later, _ = await new_token(world, expires_at=utcnow() + timedelta(days=1))
    await asyncio.sleep(1.1)

    # then the first is refused and the second still works
    assert (await gql.as_token(expired).error(WHO))["extensions"]["code"] == "UNAUTHENTICATED"
    await gql.as_token(later).ok(WHO)


async def test_listing_shows_tokens_but_never_their_secret(world: World) -> None:
    # given a token with a description
    token, uuid = await new_token(world, description="monitoring")

    # when the operator lists them
    async with world.db.reading() as session:
        infos = await list_tokens(session, None, tenant_uuid=None, recurse=True)

    # then it is there with its metadata, and neither the secret nor its hash appears
    mine = [i for i in infos if i.uuid == uuid]
    assert [(i.description, i.scopes, i.revoked_at) for i in mine] == [("monitoring", ("tenants:read",), None)]
    text = repr(infos)
    assert token not in text and hash_token(token) not in text


async def test_last_use_is_written_at_most_once_per_granularity() -> None:
    # given a recorder with a one-minute granularity
    writes: list[UUID] = []

    async def write(token_uuid: UUID, when: object) -> None:
        writes.append(token_uuid)

    recorder = LastUsed(write, granularity=60)
    token = UUID(int=1)

    # when the token is used many times in a row
    for _ in range(100):
        recorder.note(token)
    await recorder.flush()

    # then one write was made when flushed (after the answer)
    assert writes == [token]


async def test_requests_record_the_last_use(world: World, gql: GraphQLClient) -> None:
    # given a token never used
    token, uuid = await new_token(world)

    # when it is used over HTTP
    await gql.as_token(token).ok(WHO)
    for _ in range(50):  # the write runs in its own task
        async with world.db.reading() as session:
            row = await session.get(ApiToken, uuid)
            assert row is not None
            if row.last_used_at is not None:
                break
        await asyncio.sleep(0.05)

    # then its last use is recorded
    assert row.last_used_at is not None


async def test_a_download_records_the_last_use_too(world: World, gql: GraphQLClient) -> None:
    # given a token never used (without the scopes an export needs: a refusal is a use as well)
    token, uuid = await new_token(world)

    # when it asks for the pjsip.conf download
    response = await gql.http.get("/export/pjsip.conf", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403

    # then its last use is recorded before the answer is complete
    async with world.db.reading() as session:
        row = await session.get(ApiToken, uuid)
    assert row is not None and row.last_used_at is not None


@pytest.mark.parametrize("scopes", ["tenants:read"])
async def test_revoking_an_unknown_token_is_not_found(world: World, scopes: str) -> None:
    from app.errors import NotFound

    async with world.db.writing() as session:
        with pytest.raises(NotFound):
            await revoke_token(session, None, UUID(int=7))


async def test_an_open_subscription_ends_soon_after_its_token_is_revoked(world: World) -> None:
    from collections.abc import AsyncIterator

    from app.errors import Unauthenticated
    from app.services.tokens import while_valid

    # given a subscription-like stream that stays silent, followed with a token
    _, uuid = await new_token(world)
    quiet = asyncio.Event()

    async def silent() -> AsyncIterator[int]:
        await quiet.wait()
        yield 1

    stream = while_valid(world.db, uuid, silent(), every=0.1)
    consumer = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.3)
    assert not consumer.done()

    # when the token is revoked
    async with world.db.writing() as session:
        await revoke_token(session, None, uuid)

    # then the stream ends with UNAUTHENTICATED within a few checks
    with pytest.raises(Unauthenticated):
        await asyncio.wait_for(consumer, timeout=2)
