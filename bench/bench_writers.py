"""Writer scaling: do concurrent small writers of one engine get more done than one?

On PostgreSQL (default) or SQLite: a fresh database with one tenant of N endpoints (the
benchmark data set), served by one real `pjsip-graph serve` process (`--servers N`: N replicas,
the clients taking them in turn). Each client sends
`updateEndpoint` mutations (a new `callerid`, so every mutation records one Sorcery update
and one change event) back to back, each client on its own endpoints, for a few seconds:

a) one client: the baseline;
b) 8 clients at once, every one on endpoints of the same tenant;
c) 8 clients at once, each on a tenant of its own (8 more tenants of 200 endpoints).

It prints mutations per second, p50/p99 latency, and the ratio of b) and c) to a).

It also prints what this machine allows. A mutation costs CPU in three processes: the
server, PostgreSQL's backend and the client (this benchmark). However many clients there
are, the cores cannot do more than ``cores / (CPU per mutation)`` mutations a second, and
one server process no more than ``1 / (its CPU per mutation)``: one Python interpreter
runs on one core. The ratio of that ceiling to one client's rate is the most any number
of clients can reach here; the share of it that the 8 clients reach tells whether they
wait for each other (locks, a hot row) or only for the cores.

Run from the repository root:  .venv/bin/python bench/bench_writers.py [--clients 8] [--seconds 5]
Benchmarks are not pass/fail: the exit code is 0 even when a target is MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
try:
    import app  # noqa: F401  (installed in editable mode)
except ImportError:  # pragma: no cover - running from a checkout without install
    sys.path.insert(0, str(REPO))

from bench_core import PG_ADMIN_URL, fresh_database, running_server  # noqa: E402
from bench_isolation import call, percentile  # noqa: E402
from common import code_state, cpu_since, data_dir_env, postgres_backends_cpu, proc_cpu, verdict  # noqa: E402

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


@dataclass
class Phase:
    rate: float  # mutations per second
    latencies: list[float]  # ms
    server_cpu_ms: float  # server processes' CPU per mutation
    database_cpu_ms: float  # PostgreSQL backends' CPU per mutation (0 on SQLite)
    client_cpu_ms: float  # this process's CPU per mutation (the clients)
    servers: int  # server processes the clients used

    @property
    def cpu_ms(self) -> float:
        """A mutation's CPU in all three processes: server, database, client."""
        return self.server_cpu_ms + self.database_cpu_ms + self.client_cpu_ms

    def ceiling(self, cores: int) -> float:
        """The most mutations a second the cores allow at this phase's CPU per mutation."""
        total = self.cpu_ms / 1000
        per_server = self.server_cpu_ms / 1000 / self.servers
        return min(cores / total, 1 / per_server) if total > 0 and per_server > 0 else float("inf")


@dataclass
class Target:
    bases: list[str]  # one per server process; clients take them in turn
    headers: dict[str, str]
    server_pids: list[int]
    database: str  # PostgreSQL database name, "" on SQLite

    def servers_cpu(self) -> float:
        return sum(proc_cpu(pid) or 0.0 for pid in self.server_pids)


async def run_phase(target: Target, groups: list[list[str]], seconds: float) -> Phase:
    """Every group of endpoints gets one client, for ``seconds``."""
    headers, bases = target.headers, target.bases
    cpu_before = target.servers_cpu()
    client_before = time.process_time()
    db_before = postgres_backends_cpu(target.database) if target.database else {}
    stop = asyncio.Event()
    clients = [
        httpx.AsyncClient(base_url=bases[i % len(bases)], headers=headers, timeout=120) for i in range(len(groups))
    ]
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
    count = max(len(latencies), 1)
    client_cpu = time.process_time() - client_before
    server_cpu = target.servers_cpu() - cpu_before
    database_cpu = cpu_since(db_before, postgres_backends_cpu(target.database)) if target.database else 0.0
    return Phase(
        len(latencies) / elapsed,
        latencies,
        server_cpu * 1000 / count,
        database_cpu * 1000 / count,
        client_cpu * 1000 / count,
        min(len(groups), len(bases)),
    )


def report(name: str, phase: Phase, baseline: float | None) -> None:
    ratio = "" if baseline is None else f"  {phase.rate / baseline:5.2f}x one client"
    print(
        f"  {name:<28} {phase.rate:7.1f} mutations/s  p50 {statistics.median(phase.latencies):6.1f} ms  "
        f"p99 {percentile(phase.latencies, 0.99):7.1f} ms  CPU per mutation: server {phase.server_cpu_ms:5.2f} ms, "
        f"database {phase.database_cpu_ms:5.2f} ms, client {phase.client_cpu_ms:5.2f} ms{ratio}"
    )


def report_ceiling(name: str, phase: Phase, one: Phase, cores: int) -> None:
    """How close ``phase`` came to what the cores allow at its own CPU per mutation."""
    ceiling = phase.ceiling(cores)
    print(
        f"  {name:<28} ceiling {ceiling:7.1f} mutations/s = {ceiling / one.rate:4.2f}x one client; "
        f"reached {phase.rate / ceiling:4.0%} of it"
    )


async def measure(target: Target, big_tenant: str, small_tenants: list[str], args: argparse.Namespace) -> None:
    async with httpx.AsyncClient(base_url=target.bases[0], headers=target.headers, timeout=120) as client:
        shared = await endpoints_of(client, big_tenant, args.clients * 20)
        own = [await endpoints_of(client, t, 20) for t in small_tenants]
    per_client = [shared[i :: args.clients] for i in range(args.clients)]
    await run_phase(target, [shared[:20]], 1.0)  # warm-up
    one = await run_phase(target, [shared[:20]], args.seconds)
    same = await run_phase(target, per_client, args.seconds)
    apart = await run_phase(target, own, args.seconds)
    print(f"  writers of one engine, {args.seconds:.0f} s each, {len(target.bases)} server process(es):")
    report("1 client", one, None)
    report(f"{args.clients} clients, one tenant", same, one.rate)
    report(f"{args.clients} clients, own tenants", apart, one.rate)
    cores = len(os.sched_getaffinity(0))
    busy = one.cpu_ms * one.rate / 1000
    print(
        f"  one client keeps {busy:4.2f} cores busy (its CPU per mutation over its latency): "
        f"{cores} cores allow at most {cores / busy:4.2f}x it, whatever a mutation costs"
    )
    print(f"  what {cores} cores allow (cores / CPU per mutation, one core per server process):")
    report_ceiling(f"{args.clients} clients, one tenant", same, one, cores)
    report_ceiling(f"{args.clients} clients, own tenants", apart, one, cores)
    same_ok, apart_ok = same.rate / one.rate >= SCALING_TARGET, apart.rate / one.rate >= SCALING_TARGET
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
    parser.add_argument(
        "--servers", type=int, default=1, help="server processes (replicas) on the same database; clients alternate"
    )
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL URL to create the bench database from")
    args = parser.parse_args()
    print(f"bench_writers: {code_state()}, {args.backend}, {args.clients} clients, {args.servers} server(s)")
    with tempfile.TemporaryDirectory(prefix="pjsip-graph-writers-") as tmp:
        workdir = Path(tmp)
        (workdir / "data").mkdir(mode=0o700)
        with fresh_database(args.backend, workdir, args.pg_url) as url, data_dir_env(workdir / "data"):
            shared = asyncio.run(generate_data(url, endpoints=args.endpoints, slug="shared"))
            apart = [asyncio.run(generate_data(url, endpoints=200, slug=f"own{i}")) for i in range(args.clients)]
            token = (workdir / "data" / "admin.token").read_text().strip()
            database = url.rsplit("/", 1)[1] if args.backend == "postgresql" else ""
            with contextlib.ExitStack() as stack, contextlib.suppress(KeyboardInterrupt):
                servers = [
                    stack.enter_context(running_server(url, workdir / "data", workdir / f"server-{n}.log", cache=True))
                    for n in range(args.servers)
                ]
                headers = {"Authorization": f"Bearer {token}"}
                target = Target([base for _, base in servers], headers, [p.pid for p, _ in servers], database)
                asyncio.run(measure(target, str(shared.tenant_uuid), [str(a.tenant_uuid) for a in apart], args))


if __name__ == "__main__":
    main()
