"""Writer scaling: do concurrent small writers of one engine get more done than one?

On PostgreSQL (default) or SQLite: a fresh database with one tenant of N endpoints (the
benchmark data set), served by one real `pjsip-graph serve` process. Each client sends
`updateEndpoint` mutations (a new `callerid`, so every mutation records one Sorcery update
and one change event) back to back, each client on its own endpoints, for a few seconds:

a) one client: the baseline;
b) 8 clients at once, every one on endpoints of the same tenant;
c) 8 clients at once, each on a tenant of its own (8 more tenants of 200 endpoints).

It prints mutations per second, p50/p99 latency, and the ratio of b) and c) to a).

Run from the repository root:  .venv/bin/python bench/bench_writers.py [--clients 8] [--seconds 5]
Benchmarks are not pass/fail: the exit code is 0 even when a target is MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
try:
    import app  # noqa: F401  (installed in editable mode)
except ImportError:  # pragma: no cover - running from a checkout without install
    sys.path.insert(0, str(REPO))

from bench_core import PG_ADMIN_URL, fresh_database, running_server  # noqa: E402
from bench_isolation import call, percentile  # noqa: E402
from common import code_state, data_dir_env, verdict  # noqa: E402

from app.cli.bench_data import generate_data  # noqa: E402

SCALING_TARGET = 3.0

WRITE = """
mutation Write($uuid: UUID!, $options: [SipOptionInput!]!) {
  updateEndpoint(uuid: $uuid, input: {options: {endpoint: $options}}) { endpoint { revision } }
}
"""
PAGE = "query($t: UUID!, $n: Int!) { endpoints(tenantUuid: $t, first: $n) { edges { node { uuid } } } }"


async def endpoints_of(client: httpx.AsyncClient, tenant: str, count: int) -> list[str]:
    data = (await call(client, PAGE, {"t": tenant, "n": count}))[1]
    return [edge["node"]["uuid"] for edge in data["endpoints"]["edges"]]


async def writer(client: httpx.AsyncClient, endpoints: list[str], tag: str, stop: asyncio.Event) -> list[float]:
    """Mutations back to back, round-robin over ``endpoints``, until ``stop``; their latencies (ms)."""
    latencies: list[float] = []
    n = 0
    while not stop.is_set():
        uuid = endpoints[n % len(endpoints)]
        options = [{"key": "callerid", "value": f"<{tag}{n}>"}, {"key": "dtmf_mode", "value": "rfc4733"}]
        latencies.append((await call(client, WRITE, {"uuid": uuid, "options": options}))[0] * 1000)
        n += 1
    return latencies


async def run_phase(
    base: str, headers: dict[str, str], groups: list[list[str]], seconds: float
) -> tuple[float, list[float]]:
    """Every group of endpoints gets one client; (mutations per second, latencies)."""
    stop = asyncio.Event()
    clients = [httpx.AsyncClient(base_url=base, headers=headers, timeout=120) for _ in groups]
    try:
        started = time.perf_counter()
        tasks = [
            asyncio.create_task(writer(c, g, f"c{i}-", stop))
            for i, (c, g) in enumerate(zip(clients, groups, strict=True))
        ]
        await asyncio.sleep(seconds)
        stop.set()
        results = await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    finally:
        for c in clients:
            await c.aclose()
    latencies = [ms for result in results for ms in result]
    return len(latencies) / elapsed, latencies


def report(name: str, rate: float, latencies: list[float], baseline: float | None) -> None:
    ratio = "" if baseline is None else f"  {rate / baseline:5.2f}x one client"
    print(
        f"  {name:<28} {rate:7.1f} mutations/s  p50 {statistics.median(latencies):6.1f} ms  "
        f"p99 {percentile(latencies, 0.99):7.1f} ms{ratio}"
    )


async def measure(base: str, token: str, big_tenant: str, small_tenants: list[str], args: argparse.Namespace) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as client:
        shared = await endpoints_of(client, big_tenant, args.clients * 20)
        own = [await endpoints_of(client, t, 20) for t in small_tenants]
    per_client = [shared[i :: args.clients] for i in range(args.clients)]
    await run_phase(base, headers, [shared[:20]], 1.0)  # warm-up
    one_rate, one = await run_phase(base, headers, [shared[:20]], args.seconds)
    same_rate, same = await run_phase(base, headers, per_client, args.seconds)
    apart_rate, apart = await run_phase(base, headers, own, args.seconds)
    print(f"  writers of one engine, {args.seconds:.0f} s each:")
    report("1 client", one_rate, one, None)
    report(f"{args.clients} clients, one tenant", same_rate, same, one_rate)
    report(f"{args.clients} clients, own tenants", apart_rate, apart, one_rate)
    same_ok, apart_ok = same_rate / one_rate >= SCALING_TARGET, apart_rate / one_rate >= SCALING_TARGET
    print(
        f"  target: {args.clients} clients >= {SCALING_TARGET:.0f}x one client: "
        f"one tenant {verdict(same_ok)}, own tenants {verdict(apart_ok)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--endpoints", type=int, default=1_000, help="endpoints of the shared tenant (1000)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each phase (5)")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL URL to create the bench database from")
    args = parser.parse_args()
    print(f"bench_writers: {code_state()}, {args.backend}, {args.clients} clients")
    with tempfile.TemporaryDirectory(prefix="pjsip-graph-writers-") as tmp:
        workdir = Path(tmp)
        (workdir / "data").mkdir(mode=0o700)
        with fresh_database(args.backend, workdir, args.pg_url) as url, data_dir_env(workdir / "data"):
            shared = asyncio.run(generate_data(url, endpoints=args.endpoints, slug="shared"))
            apart = [asyncio.run(generate_data(url, endpoints=200, slug=f"own{i}")) for i in range(args.clients)]
            token = (workdir / "data" / "admin.token").read_text().strip()
            server = running_server(url, workdir / "data", workdir / "server.log", cache=True)
            with server as (_, base), contextlib.suppress(KeyboardInterrupt):
                asyncio.run(measure(base, token, str(shared.tenant_uuid), [str(a.tenant_uuid) for a in apart], args))


if __name__ == "__main__":
    main()
