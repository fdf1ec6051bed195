"""Real server processes on loopback, and a graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PJSIP_GRAPH_DATABASE_URL": database_url,
        "PJSIP_GRAPH_DATA_DIR": str(data_dir),
        "PJSIP_GRAPH_LOG_LEVEL": "warning",
        **extra,
    }


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"server on port {port} did not become ready")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process group this test started (the replica script and its servers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_ready(port, process)
    return process, port


def start_replicas(env: dict[str, str], count: int = 2) -> tuple[subprocess.Popen[bytes], list[int]]:
    """deploy/run-replicas.sh, the no-Docker topology, on free loopback ports."""
    first = free_port()
    while any(not _is_free(first + i) for i in range(count)):
        first = free_port()
    process = subprocess.Popen(
        ["bash", str(ROOT / "deploy" / "run-replicas.sh"), str(count), str(first)],
        cwd=ROOT,
        env={**env, "PJSIP_GRAPH_BIN": str(Path(sys.executable).parent / "pjsip-graph")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    ports = [first + i for i in range(count)]
    try:
        for port in ports:
            wait_ready(port, process)
    except BaseException:
        stop(process)
        raise
    return process, ports


def _is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class Subscriber:
    """One graphql-transport-ws connection."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None, op_id: str = "1") -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.ws.send(json.dumps({"type": "subscribe", "id": op_id, "payload": payload}))

    async def next(self, timeout: float = 10) -> dict[str, Any]:
        """The next message that is not a ping/pong."""
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message["type"] in ("ping", "pong"):
                continue
            return message


@asynccontextmanager
async def subscriber(port: int, token: str | None, *, via: str = "payload") -> AsyncIterator[Subscriber]:
    headers = {"Authorization": f"Bearer {token}"} if token and via == "header" else None
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/graphql",
        subprotocols=["graphql-transport-ws"],
        additional_headers=headers,
        proxy=None,
    ) as ws:
        payload = {"Authorization": f"Bearer {token}"} if token and via == "payload" else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        yield Subscriber(ws)


async def post(port: int, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data
