"""GraphiQL is served whole by the server: every script and style from this server, checked by its SRI hash."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import httpx
import pytest

from app.api.app import create_app
from tests.conftest import World
from tests.npm import REPO, npm_installed

UI = REPO / "ui"
_ASSET = re.compile(r'(?:src|href)="([^"]+)"\s+integrity="(sha\d+)-([^"]+)"')


def _client(world: World, ui_dir: Path) -> httpx.AsyncClient:
    app = create_app(world.settings.model_copy(update={"ui_dir": ui_dir}), db=world.db, migrate=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_the_page_loads_every_file_from_this_server_with_matching_integrity(world: World) -> None:
    npm_installed(UI)
    async with _client(world, UI) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "https://" not in page.text.split("<body")[0], "the page's head still names a remote address"
        assets = _ASSET.findall(page.text)
        assert len(assets) == 7  # React, ReactDOM, js-cookie, GraphiQL (script, style), explorer (script, style)
        for address, algorithm, digest in assets:
            assert address.startswith("/graphiql/assets/")
            answer = await http.get(address)
            assert answer.status_code == 200, address
            assert answer.headers["content-type"].startswith(("text/javascript", "text/css"))
            actual = base64.b64encode(hashlib.new(algorithm, answer.content).digest()).decode()
            assert actual == digest, f"{address} is not the file the page was written for"
        csp = page.headers["content-security-policy"]
        assert "https:" not in csp and "script-src 'self'" in csp


@pytest.mark.parametrize(
    "path",
    [
        "/graphiql/assets/react/package.json",
        "/graphiql/assets/react/umd/react.development.js",
        "/graphiql/assets/../../pyproject.toml",
        "/graphiql/assets/%2e%2e/%2e%2e/app/settings.py",
    ],
)
async def test_only_the_files_the_page_names_are_served(world: World, path: str) -> None:
    async with _client(world, UI) as http:
        assert (await http.get(path)).status_code == 404


async def test_without_the_files_the_page_says_how_to_install_them(world: World, tmp_path: Path) -> None:
    async with _client(world, tmp_path / "ui") as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 503
        assert "make run" in page.text and "graphiql@3.8.3: not installed" in page.text
        assert (await http.get("/graphiql/assets/graphiql/graphiql.min.js")).status_code == 404
        # the API itself works
        answer = await http.post("/graphql", json={"query": "{ __typename }"})
        assert answer.json() == {"data": {"__typename": "Query"}}
