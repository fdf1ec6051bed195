"""The command line as an operator uses it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx

from tests.integration.servers import free_port, wait_ready

ROOT = Path(__file__).resolve().parents[1]
QUERY = {"query": "{ tenants { totalCount edges { node { slug } } } }"}


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PJSIP_GRAPH_DATA_DIR": str(tmp_path / "data")}


def test_migrate_then_token_create_prints_a_working_token_alone_on_the_last_line(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert run_cli("migrate", env=env).returncode == 0
    # the root tenant exists only after a bootstrap: token create on an empty database fails clearly
    missing = run_cli("token", "create", "--tenant", "root", "--scopes", "sip:read", env=env)
    assert missing.returncode == 2
    assert "no tenant 'root'" in missing.stderr


def test_token_create_rejects_unknown_scopes(tmp_path: Path) -> None:
    env = _env(tmp_path)
    result = run_cli("token", "create", "--tenant", "root", "--scopes", "sip:everything", env=env)
    assert result.returncode != 0


def test_export_schema_writes_the_sdl(tmp_path: Path) -> None:
    out = tmp_path / "schema.graphql"
    result = run_cli("export-schema", "--output", str(out), env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert out.read_text() == (ROOT / "schema.graphql").read_text()


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out


def test_first_serve_bootstraps_once_and_a_second_start_creates_nothing(tmp_path: Path) -> None:
    env = _env(tmp_path)
    token_file = tmp_path / "data" / "admin.token"

    # given an empty data directory, when the server starts
    port = free_port()
    server = _serve(env, port)
    try:
        wait_ready(port, server)
        token = token_file.read_text().strip()
        # then the admin token works, is stored owner-only, and GraphiQL is served
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.json()["data"]["tenants"]["edges"] == [{"node": {"slug": "root"}}]
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        page = httpx.get(f"http://127.0.0.1:{port}/graphql", headers={"accept": "text/html"})
        assert "graphiql" in page.text.lower()
    finally:
        first_output = _stop(server)
    assert token in first_output

    # when it starts again on the same database
    port = free_port()
    server = _serve(env, port)
    try:
        wait_ready(port, server)
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"}
        )
        # then nothing new was created and the same token still works
        assert response.json()["data"]["tenants"]["totalCount"] == 1
    finally:
        second_output = _stop(server)
    assert "admin token" not in second_output
    assert token_file.read_text().strip() == token

    # and `token create` gives a new token for the root tenant, alone on the last line
    created = run_cli("token", "create", "--tenant", "root", "--scopes", "sip:read", env=env)
    assert created.returncode == 0, created.stderr
    new_token = created.stdout.strip().splitlines()[-1]
    assert new_token.startswith("pjg_") and new_token != token
