"""Core benchmarks of pjsip-graph against a real server, on SQLite and PostgreSQL.

For each backend: a fresh database, the benchmark data set (app/cli/bench_data.py),
a real `pjsip-graph serve` process on a free local port, then, in the same run:

a) latency of one page of 100 endpoints with their resolved options (GraphQL
   over HTTP), next to two trivial baselines (GET /healthz and `{ __typename }`);
b) latency of an update of the tenant's `general` template that re-resolves
   all N endpoints and records their Sorcery updates (GraphQL mutation);
c) the floor: resolving all N endpoints in memory and building their Sorcery
   objects, from a graph loaded once.

Run from the repository root:  .venv/bin/python bench/bench_core.py
Benchmarks are not pass/fail: the exit code is 0 even when a target is MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import math
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
try:
    import app  # noqa: F401  (installed in editable mode)
except ImportError:  # pragma: no cover - running from a checkout without install
    sys.path.insert(0, str(REPO))

from common import (  # noqa: E402
    code_state,
    data_dir_env,
    free_port,
    graphql,
    pg_admin,
    proc_cpu,
    served_by,
    verdict,
    with_database,
)

from app.cli.bench_data import BenchData, generate_data  # noqa: E402
from app.db.database import Database  # noqa: E402
from app.db.queries import load_tenant_graphs  # noqa: E402
from app.domain.catalog import load_catalog  # noqa: E402
from app.domain.resolution import Resolver  # noqa: E402
from app.domain.sections import Section  # noqa: E402
from app.record.sync import desired_endpoint_objects  # noqa: E402

PG_ADMIN_URL = os.environ.get("PJSIP_GRAPH_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")

PAGE_TARGET_MS = 150.0
UPDATE_TARGET_S = 3.0
RATIO_TARGET = 4.0
# The first update warms up (and is discarded) unless it already takes this long.
WARMUP_COUNTED_S = 5.0

PAGE_QUERY = """
query Page($tenant: UUID!) {
  endpoints(tenantUuid: $tenant, first: 100) {
    edges { node { name resolved {
      endpoint { key value origin { name } inherited }
      aor { key value }
      auth { key value }
    } } }
  }
}
"""

OWN_OPTIONS_QUERY = "query Own($uuid: UUID!) { template(uuid: $uuid) { own { endpoint { key value } } } }"

UPDATE_MUTATION = """
mutation Update($uuid: UUID!, $options: [SipOptionInput!]!) {
  updateTemplate(uuid: $uuid, input: {options: {endpoint: $options}}) {
    changes { affectedEndpoints sorceryUpdates { seq } }
  }
}
"""


@dataclass
class Result:
    backend: str
    endpoints: int
    skipped: str | None = None
    generate_s: float = 0.0
    generated_updates: int = 0
    healthz_ms: list[float] = field(default_factory=list)
    typename_ms: list[float] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    update_s: list[float] = field(default_factory=list)
    affected: list[int] = field(default_factory=list)
    sorcery_updates: list[int] = field(default_factory=list)
    expected_updates: int = 0
    graph_load_s: list[float] = field(default_factory=list)
    floor_s: list[float] = field(default_factory=list)
    floor_cpu_s: list[float] = field(default_factory=list)
    page_cpu_ms: float | None = None  # server process CPU per page request
    update_cpu_s: list[float] = field(default_factory=list)  # server process CPU per update
    rss_peak_kb: int | None = None
    rss_kb: int | None = None
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    notes: list[str] = field(default_factory=list)
    cache_stats: str = ""
    profile: str = ""


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# --- databases -------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(backend: str, workdir: Path, admin_url: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{(workdir / 'data' / 'pjsip-graph.db').as_posix()}"
        return
    name = f"pjsip_graph_bench_{os.getpid()}"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(pg_admin(admin_url, drop, f'CREATE DATABASE "{name}"'))
    try:
        yield with_database(admin_url, name)
    finally:
        asyncio.run(pg_admin(admin_url, drop))


# --- the floor -------------------------------------------------------------------------------------------------


async def measure_floor(url: str, data: BenchData, runs: int, result: Result) -> None:
    """Load the tenant graph, then time resolving every endpoint and building its objects, in memory."""
    db = Database(url)
    try:
        for _ in range(min(runs, 3)):
            async with db.reading() as session:
                started = time.perf_counter()
                graph = await load_tenant_graphs(session, [data.tenant_uuid])
                result.graph_load_s.append(time.perf_counter() - started)
    finally:
        await db.dispose()
    catalog = load_catalog()
    endpoints = graph.endpoints()
    assert len(endpoints) == data.endpoints, (len(endpoints), data.endpoints)
    desired_endpoint_objects(graph, endpoints, catalog)  # warm-up
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        desired_endpoint_objects(graph, endpoints, catalog, Resolver(graph.nodes, catalog))
        result.floor_s.append(time.perf_counter() - started)
        result.floor_cpu_s.append(time.process_time() - cpu)
    # Endpoints whose endpoint object changes when `general` changes its dtmf_mode.
    resolver = Resolver(graph.nodes, catalog)
    for uuid in endpoints:
        dtmf = [o for o in resolver.resolve(uuid)[Section.ENDPOINT] if o.key == "dtmf_mode"]
        if dtmf and dtmf[-1].origin.uuid == data.general_uuid:
            result.expected_updates += 1


# --- the server ------------------------------------------------------------------------------------------------


def server_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("pjsip-graph")
    if script.exists():
        return [str(script), "serve", "--port", str(port)]
    found = shutil.which("pjsip-graph")
    if found:
        return [found, "serve", "--port", str(port)]
    return [sys.executable, "-m", "app", "serve", "--port", str(port)]


def cpu_delta(before: float | None, pid: int) -> float | None:
    after = proc_cpu(pid)
    return None if before is None or after is None else after - before


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS of a process in kB (Linux /proc), or {} elsewhere."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0])
    return out


@contextlib.contextmanager
def running_server(
    url: str, data_dir: Path, log_path: Path, *, cache: bool
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    env = dict(os.environ)
    env.update(
        PJSIP_GRAPH_DATABASE_URL=url,
        PJSIP_GRAPH_DATA_DIR=str(data_dir),
        PJSIP_GRAPH_LOG_LEVEL="warning",
    )
    if not cache:
        env["PJSIP_GRAPH_CACHE"] = "off"
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200

    with served_by(server_command(port), env=env, cwd=REPO, log_path=log_path, ready=ready, what="the server") as proc:
        yield proc, base


def cache_stats(base: str) -> str:
    """Resolution cache hits/misses of the server, from its Prometheus metrics (empty if absent)."""
    try:
        text = httpx.get(f"{base}/metrics", timeout=10).text
    except httpx.HTTPError:
        return ""
    values: dict[str, float] = {}
    for line in text.splitlines():
        name = line.split("{", 1)[0].split(" ", 1)[0].removesuffix("_total")
        if name in ("pjsip_graph_cache_hits", "pjsip_graph_cache_misses"):
            with contextlib.suppress(ValueError, IndexError):
                values[name] = values.get(name, 0.0) + float(line.rsplit(" ", 1)[1])
    if not values:
        return ""
    hits, misses = values.get("pjsip_graph_cache_hits", 0.0), values.get("pjsip_graph_cache_misses", 0.0)
    return f"{hits:.0f} hits / {misses:.0f} misses"


def timed_get(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


def measure_http(base: str, token: str, pid: int, data: BenchData, args: argparse.Namespace, result: Result) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
        tenant = {"tenant": str(data.tenant_uuid)}
        for _ in range(args.warmup):
            timed_get(client, "/healthz")
            graphql(client, "{ __typename }", {})
            graphql(client, PAGE_QUERY, tenant)
        for _ in range(args.requests):
            result.healthz_ms.append(timed_get(client, "/healthz") * 1000)
        for _ in range(args.requests):
            result.typename_ms.append(graphql(client, "{ __typename }", {})[0] * 1000)
        expected_edges = min(100, data.endpoints)
        cpu = proc_cpu(pid)
        for _ in range(args.requests):
            elapsed, page = graphql(client, PAGE_QUERY, tenant)
            edges = page["endpoints"]["edges"]
            if len(edges) != expected_edges or not edges[0]["node"]["resolved"]["endpoint"]:
                raise RuntimeError(f"unexpected page: {len(edges)} edges")
            result.page_ms.append(elapsed * 1000)
        page_cpu = cpu_delta(cpu, pid)
        result.page_cpu_ms = None if page_cpu is None else page_cpu * 1000 / args.requests

        general = {"uuid": str(data.general_uuid)}
        _, own = graphql(client, OWN_OPTIONS_QUERY, general)
        options = own["template"]["own"]["endpoint"]
        current = next(o["value"] for o in options if o["key"] == "dtmf_mode")
        warming_up = True
        while len(result.update_s) < args.runs:
            current = "info" if current == "rfc4733" else "rfc4733"
            toggled = [{"key": o["key"], "value": current if o["key"] == "dtmf_mode" else o["value"]} for o in options]
            cpu = proc_cpu(pid)
            elapsed, payload = graphql(client, UPDATE_MUTATION, {**general, "options": toggled})
            update_cpu = cpu_delta(cpu, pid)
            changes = payload["updateTemplate"]["changes"]
            if changes["affectedEndpoints"] != data.endpoints:
                result.notes.append(f"affectedEndpoints {changes['affectedEndpoints']} != {data.endpoints} endpoints")
            if warming_up:
                warming_up = False
                if elapsed < WARMUP_COUNTED_S:
                    continue  # a warm-up, not timed
                result.notes.append(
                    f"the first update took {elapsed:.1f} s (> {WARMUP_COUNTED_S:.0f} s): counted, not discarded as a "
                    "warm-up (warm-up effects are negligible at that duration; it keeps the run short)"
                )
            result.update_s.append(elapsed)
            if update_cpu is not None:
                result.update_cpu_s.append(update_cpu)
            result.affected.append(changes["affectedEndpoints"])
            result.sorcery_updates.append(len(changes["sorceryUpdates"]))


# --- profiling of one update, in process (same code path as the server, through the ASGI app) --------------------


async def profile_update(url: str, data_dir: Path, data: BenchData, top: int, no_cache: bool) -> str:
    from app.api.app import create_app
    from app.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=url, log_level="warning")
    if no_cache:
        settings = settings.model_copy(update={"cache": "off"})
    db = Database(url)
    token = (data_dir / "admin.token").read_text().strip()
    asgi = create_app(settings, db=db, migrate=False)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with (
            asgi.router.lifespan_context(asgi),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=asgi), base_url="http://bench", headers=headers, timeout=300
            ) as client,
        ):

            async def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
                response = await client.post("/graphql", json={"query": query, "variables": variables})
                body: dict[str, Any] = response.json()
                assert not body.get("errors"), body.get("errors")
                return body

            general = {"uuid": str(data.general_uuid)}
            own = (await post(OWN_OPTIONS_QUERY, general))["data"]["template"]["own"]["endpoint"]
            current = next(o["value"] for o in own if o["key"] == "dtmf_mode")
            toggled = "info" if current == "rfc4733" else "rfc4733"
            options = [{"key": o["key"], "value": toggled if o["key"] == "dtmf_mode" else o["value"]} for o in own]
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            await post(UPDATE_MUTATION, {**general, "options": options})
            profiler.disable()
            elapsed = time.perf_counter() - started
    finally:
        await db.dispose()
    out = io.StringIO()
    out.write(f"one general update in process under cProfile: {elapsed:.2f} s (profiler overhead included)\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"/app/|strawberry|graphql|sqlalchemy", top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- one backend -----------------------------------------------------------------------------------------------


def run_backend(backend: str, args: argparse.Namespace) -> Result:
    result = Result(backend=backend, endpoints=args.endpoints)
    if backend == "postgresql":
        problem = _pg_problem(args.pg_url)
        if problem is not None:
            result.skipped = f"PostgreSQL does not answer at {args.pg_url}: {problem}"
            return result
    result.load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="pjsip-graph-bench-") as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "data"
        with fresh_database(backend, workdir, args.pg_url) as url, data_dir_env(data_dir):
            print(f"[{backend}] generating {args.endpoints} endpoints ...", flush=True)
            data = asyncio.run(generate_data(url, endpoints=args.endpoints, slug="bench"))
            result.generate_s = data.seconds
            result.generated_updates = data.sorcery_updates
            print(f"[{backend}] generated in {data.seconds:.1f} s; measuring the floor ...", flush=True)
            asyncio.run(measure_floor(url, data, args.floor_runs, result))
            token = (data_dir / "admin.token").read_text().strip()
            print(f"[{backend}] starting the server ...", flush=True)
            with running_server(url, data_dir, workdir / "server.log", cache=not args.no_cache) as (proc, base):
                print(f"[{backend}] measuring over HTTP ({base}) ...", flush=True)
                measure_http(base, token, proc.pid, data, args, result)
                status = proc_status(proc.pid)
                result.rss_peak_kb = status.get("VmHWM")
                result.rss_kb = status.get("VmRSS")
                result.cache_stats = cache_stats(base)
            if args.profile:
                print(f"[{backend}] profiling one update in process ...", flush=True)
                try:
                    result.profile = asyncio.run(profile_update(url, data_dir, data, args.profile_top, args.no_cache))
                except Exception as exc:  # a profile is a bonus; never lose the measurements for it
                    result.profile = f"profiling failed: {type(exc).__name__}: {exc}"
    result.load_after = os.getloadavg()
    return result


def _pg_problem(admin_url: str) -> str | None:
    try:
        asyncio.run(pg_admin(admin_url, "SELECT 1"))
    except Exception as exc:  # any failure to connect means "absent"
        return f"{type(exc).__name__}: {exc}"
    return None


# --- report ----------------------------------------------------------------------------------------------------


def report(result: Result) -> str:
    if result.skipped:
        return f"== {result.backend}: skipped ({result.skipped})\n"
    page50, page95 = p50(result.page_ms), p95(result.page_ms)
    healthz, typename = p50(result.healthz_ms), p50(result.typename_ms)
    update, floor = p50(result.update_s), p50(result.floor_s)
    ratio = update / floor
    rows = [
        ("data generation", f"{result.generate_s:.1f} s", f"{result.generated_updates} Sorcery updates recorded"),
        ("baseline GET /healthz p50", f"{healthz:.2f} ms", f"n={len(result.healthz_ms)}"),
        ("baseline { __typename } p50", f"{typename:.2f} ms", f"n={len(result.typename_ms)} (auth + GraphQL)"),
        (
            "page query p50",
            f"{page50:.1f} ms",
            f"target < {PAGE_TARGET_MS:.0f} ms: {verdict(page50 < PAGE_TARGET_MS)}; "
            f"{page50 / healthz:.0f}x healthz, {page50 / typename:.1f}x __typename",
        ),
        (
            "page query p95",
            f"{p95(result.page_ms):.1f} ms",
            f"target < {PAGE_TARGET_MS:.0f} ms: {verdict(page95 < PAGE_TARGET_MS)}; n={len(result.page_ms)}",
        ),
        (
            "general update p50",
            f"{update:.2f} s",
            f"target < {UPDATE_TARGET_S:.0f} s: {verdict(update < UPDATE_TARGET_S)}; "
            f"runs {', '.join(f'{u:.2f}' for u in result.update_s)}",
        ),
        (
            "  affectedEndpoints",
            ", ".join(sorted({str(a) for a in result.affected})),
            verdict(all(a == result.endpoints for a in result.affected)).replace("met", "= N"),
        ),
        (
            "  sorceryUpdates",
            ", ".join(sorted({str(s) for s in result.sorcery_updates})),
            f"expected {result.expected_updates} (endpoints whose dtmf_mode comes from general)",
        ),
        ("floor p50 (resolve + objects)", f"{floor:.2f} s", f"runs {', '.join(f'{f:.2f}' for f in result.floor_s)}"),
        ("update / floor", f"{ratio:.1f}x", f"target <= {RATIO_TARGET:.0f}x: {verdict(ratio <= RATIO_TARGET)}"),
        ("graph load p50 (not in floor)", f"{p50(result.graph_load_s):.2f} s", "load_tenant_graphs, whole tenant"),
    ]
    # CPU seconds are less sensitive than wall time to other load on the machine.
    if result.page_cpu_ms is not None:
        rows.append(("server CPU per page request", f"{result.page_cpu_ms:.1f} ms", "mean, server process only"))
    if result.update_cpu_s:
        update_cpu, floor_cpu = p50(result.update_cpu_s), p50(result.floor_cpu_s)
        rows.append(("server CPU per update p50", f"{update_cpu:.2f} s", "server process only (not the database)"))
        rows.append(("floor CPU p50", f"{floor_cpu:.2f} s", f"update CPU / floor CPU {update_cpu / floor_cpu:.1f}x"))
    if result.rss_peak_kb is not None:
        at_end = f"at end {(result.rss_kb or 0) / 1024:.0f} MB"
        rows.append(("server peak RSS (VmHWM)", f"{result.rss_peak_kb / 1024:.0f} MB", at_end))
    if result.cache_stats:
        rows.append(("server resolution cache", result.cache_stats, "from /metrics at the end"))
    loads = f"load average {result.load_before[0]:.1f} before, {result.load_after[0]:.1f} after"
    lines = [f"== {result.backend}: {result.endpoints} endpoints ({loads})"]
    lines += [f"  {name:<32} {value:>12}   {extra}" for name, value, extra in rows]
    lines += [f"  NOTE {n}" for n in sorted(set(result.notes))]
    if result.sorcery_updates and any(s != result.expected_updates for s in result.sorcery_updates):
        lines.append("  NOTE sorceryUpdates differ from the expected count")
    return "\n".join(lines) + "\n"


def summary(results: list[Result]) -> str:
    lines = [
        f"{'backend':<11} {'page p50':>9} {'page p95':>9} {'update p50':>11} {'floor p50':>10} {'upd/floor':>10}"
        f"   targets: page < {PAGE_TARGET_MS:.0f} ms, update < {UPDATE_TARGET_S:.0f} s, "
        f"update/floor <= {RATIO_TARGET:.0f}x"
    ]
    for r in results:
        if r.skipped:
            lines.append(f"{r.backend:<11} skipped")
            continue
        page50, page95, update, floor = p50(r.page_ms), p95(r.page_ms), p50(r.update_s), p50(r.floor_s)
        missed = [
            name
            for name, ok in (
                ("page p50", page50 < PAGE_TARGET_MS),
                ("page p95", page95 < PAGE_TARGET_MS),
                ("update", update < UPDATE_TARGET_S),
                ("update/floor", update / floor <= RATIO_TARGET),
            )
            if not ok
        ]
        lines.append(
            f"{r.backend:<11} {page50:>6.1f} ms {page95:>6.1f} ms {update:>9.2f} s {floor:>8.2f} s "
            f"{update / floor:>9.1f}x   {'MISSED: ' + ', '.join(missed) if missed else 'all met'}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--endpoints", type=int, default=10_000, help="endpoints in the data set (default 10000)")
    parser.add_argument("--runs", type=int, default=5, help="timed general updates, after one warm-up (default 5)")
    parser.add_argument("--floor-runs", type=int, default=5, help="timed in-memory floor runs (default 5)")
    parser.add_argument("--requests", type=int, default=30, help="timed page and baseline requests (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed warm-up requests of each kind (default 3)")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL URL to create the bench database from")
    parser.add_argument("--no-cache", action="store_true", help="run the server with PJSIP_GRAPH_CACHE=off")
    parser.add_argument("--profile", action="store_true", help="also profile one update in process (cProfile)")
    parser.add_argument("--profile-top", type=int, default=30, help="rows of the profile to print (default 30)")
    args = parser.parse_args()
    if min(args.endpoints, args.runs, args.floor_runs, args.requests) < 1:
        parser.error("--endpoints, --runs, --floor-runs and --requests must be at least 1")

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"pjsip-graph core benchmarks: Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{cores} cores, {args.endpoints} endpoints, {args.requests} requests, {args.runs} update runs, "
        f"{args.floor_runs} floor runs",
        flush=True,
    )
    print(f"code: {code_state()}; server resolution cache {'off' if args.no_cache else 'default (on)'}", flush=True)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    started = time.perf_counter()
    results = [run_backend(backend, args) for backend in backends]
    print()
    for result in results:
        if result.profile:
            print(f"== {result.backend}: profile\n{result.profile}")
    for result in results:
        print(report(result))
    print(summary(results))
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
