"""The web admin's build is served at `/` (with its page at every admin address), nothing else is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.api.admin_ui import CONTENT_SECURITY_POLICY
from app.api.app import create_app
from tests.conftest import World

INDEX = "<!doctype html><title>admin</title><script type=module src=/assets/index-abc.js></script>"


async def _client(world: World, ui_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = world.settings.model_copy(update={"ui_dir": ui_dir})
    app = create_app(settings, db=world.db, migrate=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


@pytest.fixture
async def served(world: World, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    ui = tmp_path / "ui"
    (ui / "dist" / "assets").mkdir(parents=True)
    (ui / "dist" / "index.html").write_text(INDEX)
    (ui / "dist" / "assets" / "index-abc.js").write_text("console.log('admin')")
    (tmp_path / "secret.txt").write_text("not to be served")
    async for http in _client(world, ui):
        yield http


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("path", ["/", "/tenants", "/tenants/6f1c/templates", "/tenants/6f1c/endpoints/9a2b"])
async def test_every_admin_address_answers_the_page(served: httpx.AsyncClient, path: str) -> None:
    response = await served.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_assets_are_served_and_cached_and_nothing_outside_the_build(served: httpx.AsyncClient) -> None:
    asset = await served.get("/assets/index-abc.js")
    assert asset.status_code == 200 and asset.text == "console.log('admin')"
    assert "immutable" in asset.headers["cache-control"]
    assert (await served.get("/assets/missing.js")).status_code == 404
    assert (await served.get("/assets/%2e%2e/%2e%2e/secret.txt")).status_code == 404
    assert (await served.get("/assets/../../secret.txt")).status_code == 404


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_other_paths_stay_what_they_were(served: httpx.AsyncClient) -> None:
    assert (await served.get("/nope")).status_code == 404
    assert (await served.get("/healthz")).status_code == 200
    answer = await served.post("/graphql", json={"query": "{ __typename }"})
    assert answer.json() == {"data": {"__typename": "Query"}}
    assert (await served.post("/tenants/x")).status_code == 405


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_without_a_build_the_page_says_how_to_build_it(world: World, tmp_path: Path) -> None:
    async for http in _client(world, tmp_path / "empty-ui"):
        response = await http.get("/")
        assert response.status_code == 503
        assert "apt-get install nodejs npm" in response.text and "make run" in response.text
        assert (await http.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
