"""What the benchmark scripts share: scratch PostgreSQL databases, settings, GraphQL calls."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from app.settings import get_settings

REPO = Path(__file__).resolve().parents[1]


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def with_database(url: str, name: str) -> str:
    return str(sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False))


async def pg_admin(admin_url: str, *statements: str) -> None:
    """Run statements (CREATE/DROP DATABASE) outside a transaction."""
    import asyncpg

    conn = await asyncio.wait_for(asyncpg.connect(asyncpg_dsn(admin_url)), timeout=5)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@contextlib.contextmanager
def data_dir_env(data_dir: Path) -> Iterator[None]:
    """Point the settings (admin token path) of this process at ``data_dir``."""
    previous = os.environ.get("PJSIP_GRAPH_DATA_DIR")
    os.environ["PJSIP_GRAPH_DATA_DIR"] = str(data_dir)
    get_settings.cache_clear()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PJSIP_GRAPH_DATA_DIR", None)
        else:
            os.environ["PJSIP_GRAPH_DATA_DIR"] = previous
        get_settings.cache_clear()


def graphql(client: httpx.Client, query: str, variables: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    """One request: (seconds, data); any HTTP or GraphQL error stops the benchmark."""
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": query, "variables": variables})
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:2000]}")
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise RuntimeError(f"GraphQL errors: {body['errors']}")
    data: dict[str, Any] = body["data"]
    return elapsed, data


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds used so far by a process (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_backends_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of each of this machine's PostgreSQL backends serving ``database``, by pid.

    A backend's process title names its database ("postgres: ... user db host(port) state"),
    so /proc tells their CPU without a connection of our own.
    """
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
        except OSError:
            continue
        if title[:1] == ["postgres:"] and database in title and (cpu := proc_cpu(int(entry.name))) is not None:
            found[int(entry.name)] = cpu
    return found


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings of several processes: one that appeared counts whole,
    one that ended meanwhile is lost (a server's pool keeps its connections)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def code_state() -> str:
    """The commit measured, and whether the working tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {commit}" + (" + uncommitted changes" if dirty else "")


@contextlib.contextmanager
def served_by(
    command: list[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    log_path: Path,
    ready: Callable[[], bool],
    what: str,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` until the block ends: wait until ``ready()`` says it answers, then stop it
    (terminate, then kill after 15 s). Its output goes to ``log_path``, shown when it fails."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, env=dict(env), stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        try:
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{what} exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if ready():
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{what} did not answer:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.2)
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=15)
