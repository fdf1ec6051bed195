"""The resolution cache's local layer in front of Redis: by (uuid, version), never staler than Redis."""

from __future__ import annotations

import shutil
import subprocess
from unittest import mock
from uuid import UUID, uuid4

import pytest

from app.cache import LocalViews, build_cache
from app.domain.resolution import ConfigKind, Origin, ResolvedOption, ResolvedSections
from app.domain.sections import Section
from tests.conftest import skip_or_fail

ORIGIN = Origin(UUID(int=1), ConfigKind.TEMPLATE, "general", None)


def view(value: str) -> ResolvedSections:
    sections: ResolvedSections = dict.fromkeys(Section, ())
    sections[Section.ENDPOINT] = (ResolvedOption("dtmf_mode", value, ORIGIN, True, ()),)
    return sections


def test_local_views_answer_only_the_version_they_hold() -> None:
    local = LocalViews(size=2)
    a, b, c = uuid4(), uuid4(), uuid4()
    local.put((a, 5), view("info"))
    assert local.get((a, 5)) == view("info")
    assert local.get((a, 4)) is None and local.get((a, 6)) is None
    local.put((a, 4), view("old"))  # an older view never replaces a newer one
    assert local.get((a, 5)) == view("info")
    local.put((a, 6), view("new"))
    assert local.get((a, 5)) is None and local.get((a, 6)) == view("new")
    # least recently used goes first
    local.put((b, 1), view("b"))
    local.get((a, 6))
    local.put((c, 1), view("c"))
    assert local.get((b, 1)) is None
    assert local.get((a, 6)) is not None and local.get((c, 1)) is not None


@pytest.fixture
def redis_url() -> str:
    if shutil.which("redis-cli") is None:
        skip_or_fail("redis-cli is not installed")
    answer = subprocess.run(["redis-cli", "ping"], capture_output=True, text=True, timeout=5, check=False).stdout
    if answer.strip() != "PONG":
        skip_or_fail("Redis does not answer at 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/14"


async def test_a_view_written_through_is_read_back_without_redis(redis_url: str) -> None:
    cache = build_cache(redis_url, local_entries=10)
    try:
        key = (uuid4(), 3)
        await cache.set_many({key: view("rfc4733")})
        with mock.patch.object(cache.backend, "multi_get", wraps=cache.backend.multi_get) as remote:
            assert await cache.get_many([key]) == [view("rfc4733")]
            assert remote.await_count == 0  # the local copy answered
            # another version is a miss locally and in Redis: the caller resolves anew
            assert await cache.get_many([(key[0], 4)]) == [None]
            assert remote.await_count == 1
    finally:
        await cache.close()


async def test_another_replica_s_view_comes_from_redis_then_stays_local(redis_url: str) -> None:
    writer = build_cache(redis_url, local_entries=10)
    reader = build_cache(redis_url, local_entries=10)
    try:
        key = (uuid4(), 7)
        await writer.set_many({key: view("inband")})
        with mock.patch.object(reader.backend, "multi_get", wraps=reader.backend.multi_get) as remote:
            assert await reader.get_many([key]) == [view("inband")]
            assert await reader.get_many([key]) == [view("inband")]
            assert remote.await_count == 1
    finally:
        await writer.close()
        await reader.close()


async def test_local_views_still_answer_while_redis_is_down() -> None:
    cache = build_cache("redis://127.0.0.1:1/0", local_entries=10)  # nothing listens there
    try:
        key = (uuid4(), 2)
        await cache.set_many({key: view("info")})  # Redis fails; the local copy is kept
        assert not cache.healthy
        assert await cache.get_many([key]) == [view("info")]
        assert await cache.get_many([(uuid4(), 1)]) == [None]
    finally:
        await cache.close()


async def test_a_change_refreshes_only_the_views_this_process_holds() -> None:
    cache = build_cache(None)  # in memory
    held, other = uuid4(), uuid4()
    await cache.set_many({(held, 1): view("info")})  # a reader filled it
    await cache.set_many({(held, 2): view("rfc4733"), (other, 2): view("inband")}, refresh_only=True)
    assert await cache.get_many([(held, 2)]) == [view("rfc4733")]  # replaced by the fresh view
    assert await cache.get_many([(other, 2)]) == [None]  # never read here: not kept
    await cache.close()


async def test_redis_gets_every_fresh_view_but_the_local_layer_only_its_own(redis_url: str) -> None:
    writer = build_cache(redis_url, local_entries=10)
    try:
        held, other = uuid4(), uuid4()
        await writer.set_many({(held, 1): view("info")})
        await writer.set_many({(held, 2): view("rfc4733"), (other, 2): view("inband")}, refresh_only=True)
        assert writer.local is not None
        assert held in writer.local and other not in writer.local
        reader = build_cache(redis_url, local_entries=10)
        try:
            assert await reader.get_many([(other, 2), (held, 2)]) == [view("inband"), view("rfc4733")]
        finally:
            await reader.close()
    finally:
        await writer.close()
