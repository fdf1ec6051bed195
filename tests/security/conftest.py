"""A client on an application built with changed settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from app.api.app import create_app
from tests.conftest import GraphQLClient, World

ClientWith = Callable[..., AbstractAsyncContextManager[GraphQLClient]]


@pytest.fixture
def client_with(world: World) -> ClientWith:
    @asynccontextmanager
    async def make(**overrides: Any) -> AsyncIterator[GraphQLClient]:
        settings = world.settings.model_copy(update=overrides)
        app = create_app(settings, db=world.db, migrate=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield GraphQLClient(http, world.admin_token)

    return make
