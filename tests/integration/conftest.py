"""A real server process for the test's database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import World
from tests.integration.servers import server_env, start_server, stop


@dataclass
class Server:
    port: int
    token: str


@pytest.fixture
def server(world: World) -> Iterator[Server]:
    env = server_env(world.db.url, world.settings.data_dir)
    process, port = start_server(env)
    try:
        yield Server(port=port, token=world.admin_token)
    finally:
        stop(process)
