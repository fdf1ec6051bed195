"""Isolation between tenants: does one tenant's big change slow the others down?

On PostgreSQL (default) or SQLite: a fresh database with a big tenant (N
endpoints under the benchmark's template tree) and a small one (200
endpoints) on the same engine, served by one real `pjsip-graph serve`
process (`--servers 2`: two replicas on the same database, the big tenant
changing through one while the small tenant uses the other). The small
tenant runs a reader (one endpoint with its resolved options, back to back)
and a writer (one endpoint's label, every 100 ms):

a) alone, for a few seconds: the baseline;
b) while the big tenant changes its `general` template back and forth, which
   re-resolves its N endpoints and records their Sorcery updates.

It prints the small tenant's read p50/p99 and write p50/p99/max in both
phases and their ratios, measured in the same run, next to the change's time.

Run from the repository root:  .venv/bin/python bench/bench_isolation.py [--endpoints 10000] [--servers 2]
Benchmarks are not pass/fail: the exit code is 0 even when a target is MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
try:
    import app  # noqa: F401  (installed in editable mode)
except ImportError:  # pragma: no cover - running from a checkout without install
    sys.path.insert(0, str(REPO))

from bench_core import PG_ADMIN_URL, fresh_database, running_server  # noqa: E402
from common import code_state, data_dir_env, verdict  # noqa: E402

from app.cli.bench_data import generate_data  # noqa: E402

READ_TARGET_MS = 50.0
WRITE_TARGET_MS = 200.0

READ = """
query Read($uuid: UUID!) {
  endpoint(uuid: $uuid) { name resolved { endpoint { key value origin { name } } auth { key value } } }
}
"""
WRITE = """
mutation Write($uuid: UUID!, $label: String!) {
  updateEndpoint(uuid: $uuid, input: {label: $label}) { endpoint { revision } }
}
"""
CHANGE = """
mutation Change($uuid: UUID!, $dtmf: String!) {
  updateTemplate(uuid: $uuid, input: {options: {endpoint: [{key: "dtmf_mode", value: $dtmf}]}}) {
    changes { affectedEndpoints }
  }
}
"""
FIRST = "query($t: UUID!) { endpoints(tenantUuid: $t, first: 1) { edges { node { uuid } } } }"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def call(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    elapsed = time.perf_counter() - started
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"HTTP {response.status_code}: {str(body)[:2000]}")
    data: dict[str, Any] = body["data"]
    return elapsed, data


async def small_tenant_load(
    client: httpx.AsyncClient, endpoint: str, stop: asyncio.Event
) -> tuple[list[float], list[float]]:
    """Read back to back and write every 100 ms until ``stop``; (read ms, write ms)."""
    reads: list[float] = []
    writes: list[float] = []

    async def reader() -> None:
        while not stop.is_set():
            reads.append((await call(client, READ, {"uuid": endpoint}))[0] * 1000)

    async def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            writes.append((await call(client, WRITE, {"uuid": endpoint, "label": f"w{n}"}))[0] * 1000)
            await asyncio.sleep(0.1)

    await asyncio.gather(reader(), writer())
    return reads, writes


async def phase(
    client: httpx.AsyncClient,
    endpoint: str,
    seconds: float,
    changes: list[tuple[str, str]] | None,
    big_base: str | None = None,
) -> tuple[list[float], list[float], list[float]]:
    """The small tenant's (reads, writes) during ``seconds`` alone, or during the big tenant's changes
    (sent to ``big_base``: another replica, or by default the small tenant's own server)."""
    stop = asyncio.Event()
    load = asyncio.create_task(small_tenant_load(client, endpoint, stop))
    change_s: list[float] = []
    if changes is None:
        await asyncio.sleep(seconds)
    else:
        await asyncio.sleep(0.5)  # the load is running before the first change starts
        base = big_base or str(client.base_url)
        async with httpx.AsyncClient(base_url=base, headers=client.headers, timeout=600) as big:
            for general, dtmf in changes:
                change_s.append((await call(big, CHANGE, {"uuid": general, "dtmf": dtmf}))[0])
    stop.set()
    reads, writes = await load
    return reads, writes, change_s


def summary(name: str, reads: list[float], writes: list[float]) -> dict[str, float]:
    values = {
        "read_p50": statistics.median(reads),
        "read_p99": percentile(reads, 0.99),
        "write_p50": statistics.median(writes),
        "write_p99": percentile(writes, 0.99),
        "write_max": max(writes),
    }
    print(
        f"  {name:<8} reads {len(reads):>5}: p50 {values['read_p50']:7.1f} ms  p99 {values['read_p99']:7.1f} ms | "
        f"writes {len(writes):>4}: p50 {values['write_p50']:7.1f} ms  p99 {values['write_p99']:7.1f} ms  "
        f"max {values['write_max']:7.1f} ms"
    )
    return values


async def measure(bases: list[str], token: str, big_general: str, small_tenant: str, args: argparse.Namespace) -> None:
    """The small tenant uses the first server; the big tenant's changes go to the last (the same one
    unless there are replicas)."""
    headers = {"Authorization": f"Bearer {token}"}
    base, big_base = bases[0], bases[-1]
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as client:
        endpoint = (await call(client, FIRST, {"t": small_tenant}))[1]["endpoints"]["edges"][0]["node"]["uuid"]
        # warm-up: one change, a few reads and writes
        await call(client, CHANGE, {"uuid": big_general, "dtmf": "info"})
        await phase(client, endpoint, 1.0, None)
        reads, writes, _ = await phase(client, endpoint, args.seconds, None)
        changes = [(big_general, "inband" if i % 2 else "rfc4733") for i in range(args.changes)]
        busy_reads, busy_writes, change_s = await phase(client, endpoint, 0, changes, big_base)
    print(f"  big tenant's template change: {', '.join(f'{s:.2f} s' for s in change_s)}")
    alone = summary("alone", reads, writes)
    during = summary("during", busy_reads, busy_writes)
    print("  ratios (during / alone):")
    for key in alone:
        print(f"    {key:<10} {during[key] / alone[key]:6.2f}x")
    print(
        f"  targets during the change: read p99 < {READ_TARGET_MS:.0f} ms "
        f"{verdict(during['read_p99'] < READ_TARGET_MS)}; write p99 < {WRITE_TARGET_MS:.0f} ms "
        f"{verdict(during['write_p99'] < WRITE_TARGET_MS)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--endpoints", type=int, default=10_000, help="endpoints of the big tenant (10000)")
    parser.add_argument("--changes", type=int, default=3, help="template changes of the big tenant (3)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the baseline phase (5)")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL URL to create the bench database from")
    parser.add_argument(
        "--servers", type=int, default=1, help="2: the big tenant changes through another replica on the same database"
    )
    args = parser.parse_args()
    print(
        f"bench_isolation: {code_state()}, {args.backend}, big tenant of {args.endpoints} endpoints, "
        f"{args.servers} server(s)"
    )
    with tempfile.TemporaryDirectory(prefix="pjsip-graph-isolation-") as tmp:
        workdir = Path(tmp)
        (workdir / "data").mkdir()
        with fresh_database(args.backend, workdir, args.pg_url) as url, data_dir_env(workdir / "data"):
            big = asyncio.run(generate_data(url, endpoints=args.endpoints, slug="big"))
            small = asyncio.run(generate_data(url, endpoints=200, slug="small"))
            print(f"  data: {big.summary()}")
            token = (workdir / "data" / "admin.token").read_text().strip()
            with contextlib.ExitStack() as stack, contextlib.suppress(KeyboardInterrupt):
                servers = [
                    running_server(url, workdir / "data", workdir / f"server-{n}.log", cache=True)
                    for n in range(args.servers)
                ]
                bases = [stack.enter_context(server)[1] for server in servers]
                asyncio.run(measure(bases, token, str(big.general_uuid), str(small.tenant_uuid), args))


if __name__ == "__main__":
    main()
