"""Peer benchmark: pjsip-graph against PostGraphile 4 serving the same PostgreSQL tables.

A fresh PostgreSQL database holds the benchmark data set (app/cli/bench_data.py,
10,000 endpoints by default). Two servers read it, side by side in one run:

* a real `pjsip-graph serve` process (admin token: its auth, tenancy checks
  and secret masking are part of every request it answers);
* PostGraphile 4 (the npm project in bench/peer, `npm ci` when its
  node_modules is missing) on the same database, schema `public`, without
  authentication: it answers straight from the `sip_config` table.

With a warm-up first, then interleaved batches of sequential requests, it
measures for each server the wall time p50/p99 and the server process's CPU
per request (all its threads, from /proc/<pid>/task/*/schedstat; for
PostGraphile the node process itself), plus the CPU the PostgreSQL backends
of the database spent meanwhile:

1. one endpoint with its own options
   (`endpoint(uuid:) { name own { ... } }` / `sipConfigByUuid(uuid:) { name options }`);
2. the own page: the tenant's first 100 endpoints in the product's list order
   (name, then uuid) with their own options
   (`endpoints(tenantUuid:, first: 100)` / `allSipConfigs(condition:, orderBy: [NAME_ASC, UUID_ASC], first: 100)`);
3. the product's page of 100 with resolved options (the cache warm: second
   request onward), which PostGraphile has no equivalent of.

Ratios, targets: product CPU / PostGraphile CPU for 1 and 2 (<= 1.5x); the
product's resolved page / PostGraphile's own page (<= 2x). Before timing,
both servers' answers are compared (same rows, same order, same options);
when they differ the run stops with the difference and exit code 2.

--profile then breaks the product's own page down, in process: the CPU per
request of the page built up a piece at a time (the list, the edges, the
nodes, the own options), and a cProfile of it.

Run from the repository root:  .venv/bin/python bench/bench_peer.py [--endpoints 10000] [--profile]
Benchmarks are not pass/fail: the exit code is 0 even when a target is MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
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

from bench_core import PAGE_QUERY, PG_ADMIN_URL, cache_stats, fresh_database, running_server  # noqa: E402
from common import (  # noqa: E402
    asyncpg_dsn,
    code_state,
    data_dir_env,
    free_port,
    graphql,
    proc_cpu,
    served_by,
    verdict,
)

from app.cli.bench_data import generate_data  # noqa: E402
from app.domain.resolution import ConfigKind  # noqa: E402
from app.domain.sections import Section  # noqa: E402

PEER_DIR = REPO / "bench" / "peer"
PEER_CLI = PEER_DIR / "node_modules" / "postgraphile" / "cli.js"

CPU_RATIO_TARGET = 1.5  # product CPU / PostGraphile CPU: one endpoint, own page
RESOLVED_RATIO_TARGET = 2.0  # product resolved page (cached) / PostGraphile own page
PAGE_SIZE = 100


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# GraphQL field of each section -> its key in the stored JSON (`sip_config.options`), which is
# what PostGraphile returns: the product's answer is turned into that form to compare the two.
SECTION_FIELDS = {_camel(s.value): s.value for s in Section}
OWN = " ".join(f"{name} {{ key value }}" for name in SECTION_FIELDS)

PRODUCT_ONE = f"query One($uuid: UUID!) {{ endpoint(uuid: $uuid) {{ name own {{ {OWN} }} }} }}"
PEER_ONE = "query One($uuid: UUID!) { sipConfigByUuid(uuid: $uuid) { name options } }"

# Both pages ask for the same connection shape: page info, a cursor per edge, name and own options.
PRODUCT_OWN_PAGE = f"""
query OwnPage($tenant: UUID!) {{
  endpoints(tenantUuid: $tenant, first: {PAGE_SIZE}) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ name own {{ {OWN} }} }} }}
  }}
}}
"""
PEER_OWN_PAGE = f"""
query OwnPage($tenant: UUID!, $kind: String!) {{
  allSipConfigs(condition: {{tenantUuid: $tenant, kind: $kind}}, orderBy: [NAME_ASC, UUID_ASC], first: {PAGE_SIZE}) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ name options }} }}
  }}
}}
"""
# The resolved page is bench_core's page query, so its numbers read next to bench_core's.
PRODUCT_RESOLVED_PAGE = PAGE_QUERY
TYPENAME = "{ __typename }"

FIND_ENDPOINT = (
    "query($t: UUID!, $s: String!) { endpoints(tenantUuid: $t, search: $s, first: 1) { edges { node { uuid name } } } }"
)


class Mismatch(Exception):
    """The two servers do not answer the same rows: timing them would compare different work."""


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- PostGraphile --------------------------------------------------------------------------------------------


def peer_problem() -> str | None:
    """None when PostGraphile can run; otherwise why not. Installs bench/peer with `npm ci` when needed."""
    if shutil.which("node") is None:
        return "node is not installed (Node.js 20 is needed for PostGraphile)"
    if PEER_CLI.exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed: cannot install bench/peer"
    print("installing PostGraphile (npm ci in bench/peer) ...", flush=True)
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEER_DIR, capture_output=True, text=True
    )
    if done.returncode != 0 or not PEER_CLI.exists():
        return f"npm ci failed in bench/peer:\n{(done.stdout + done.stderr)[-2000:]}"
    return None


def peer_versions() -> str:
    def version(package: str) -> str:
        with contextlib.suppress(OSError, ValueError, KeyError):
            manifest = PEER_DIR / "node_modules" / package / "package.json"
            return str(json.loads(manifest.read_text())["version"])
        return "?"

    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return f"PostGraphile {version('postgraphile')} (graphql {version('graphql')}, pg {version('pg')}), node {node}"


@contextlib.contextmanager
def running_postgraphile(dsn: str, log_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """PostGraphile's own CLI, started with node directly: the pid measured is the process that serves."""
    port = free_port()
    command = [
        "node",
        str(PEER_CLI),
        "--connection",
        dsn,
        "--schema",
        "public",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--disable-graphiql",
        # Its default logs every query to the console, which costs CPU the product does not spend.
        "--disable-query-log",
        # JSON columns as JSON values, not strings: answers shaped like the product's structured options.
        "--dynamic-json",
    ]
    env = dict(os.environ, NODE_ENV="production")
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        return httpx.post(f"{base}/graphql", json={"query": TYPENAME}, timeout=2).status_code == 200

    with served_by(command, env=env, cwd=PEER_DIR, log_path=log_path, ready=ready, what="PostGraphile") as proc:
        yield proc, base


def process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


# --- CPU time --------------------------------------------------------------------------------------------------


def task_cpu(pids: list[int]) -> dict[tuple[int, int], float]:
    """CPU seconds of every thread of these processes, keyed (pid, tid).

    From /proc/<pid>/task/<tid>/schedstat, in nanoseconds: /proc/<pid>/stat
    counts clock ticks (10 ms), too coarse for batches of requests costing
    about a millisecond each. Every thread is counted (node's garbage
    collector and libuv threads, Python's worker threads). Falls back to
    /proc/<pid>/stat when schedstat cannot be read.
    """
    out: dict[tuple[int, int], float] = {}
    for pid in pids:
        found = False
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    ns = int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0])
                    out[(pid, int(tid))] = ns / 1e9
                    found = True
        if not found:
            seconds = proc_cpu(pid)
            if seconds is not None:
                out[(pid, pid)] = seconds
    return out


def cpu_between(before: dict[tuple[int, int], float], after: dict[tuple[int, int], float]) -> float:
    # A thread or backend started during the batch counts from its start (it was started for the
    # batch); one that ended during it is not counted (DatabaseCpu.lost says how often).
    return sum(seconds - before.get(key, 0.0) for key, seconds in after.items())


async def _backend_pids(dsn: str) -> list[int]:
    import asyncpg

    conn = await asyncio.wait_for(asyncpg.connect(dsn), timeout=5)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return [int(r["pid"]) for r in rows]


class DatabaseCpu:
    """CPU of the PostgreSQL backends serving the bench database, when they run on this machine.

    PostGraphile compiles a query into one SQL statement that builds the JSON
    answer inside PostgreSQL, so part of its work is not in the node process:
    this counts it, for both servers, to see the whole cost per request.
    """

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.before: dict[tuple[int, int], float] = {}
        self.lost = 0

    def _read(self) -> dict[tuple[int, int], float]:
        return task_cpu(asyncio.run(_backend_pids(self.dsn)))

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> float | None:
        after = self._read()
        if not after:
            return None  # PostgreSQL runs elsewhere (or in another pid namespace)
        self.lost += len(set(self.before) - set(after))
        return cpu_between(self.before, after)


# --- measuring -----------------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    client: httpx.Client
    pid: int


@dataclass
class Case:
    """One kind of request to one server, and what was measured of it."""

    server: Server
    query: str
    variables: dict[str, Any]
    wall_ms: list[float] = field(default_factory=list)
    cpu_s: float = 0.0
    db_cpu_s: float | None = 0.0

    @property
    def requests(self) -> int:
        return len(self.wall_ms)

    @property
    def cpu_ms(self) -> float:
        return self.cpu_s * 1000 / self.requests

    @property
    def db_cpu_ms(self) -> float | None:
        return None if self.db_cpu_s is None else self.db_cpu_s * 1000 / self.requests

    def batch(self, n: int, db_cpu: DatabaseCpu) -> None:
        db_cpu.start()
        before = task_cpu([self.server.pid])
        for _ in range(n):
            self.wall_ms.append(timed_request(self.server.client, self.query, self.variables) * 1000)
        after = task_cpu([self.server.pid])
        spent = db_cpu.stop()
        if not before or not after:
            raise RuntimeError(f"cannot read the CPU time of {self.server.name} (pid {self.server.pid}) in /proc")
        self.cpu_s += cpu_between(before, after)
        self.db_cpu_s = None if spent is None or self.db_cpu_s is None else self.db_cpu_s + spent


@dataclass
class Pair:
    """The same question to both servers (``peer`` None: the product only)."""

    label: str
    product: Case
    peer: Case | None

    @property
    def cases(self) -> list[Case]:
        return [self.product] if self.peer is None else [self.product, self.peer]


def timed_request(client: httpx.Client, query: str, variables: dict[str, Any]) -> float:
    """One timed request, in seconds; the answer is checked but not decoded.

    Decoding a page in Python takes the client milliseconds, during which the server waits
    for the next request; on this kind of virtual machine a process that waits longer spends
    more CPU on the next request (a loopback echo: 58 µs a round trip back to back, 164 µs
    with 5 ms pauses), so the client's own decoding would be billed to the servers. The
    answers were compared in full before timing (`verify`); here an error still stops
    the run.
    """
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": query, "variables": variables})
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or b'"errors"' in response.content:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:2000]}")
    return elapsed


def measure(pairs: list[Pair], args: argparse.Namespace, db_cpu: DatabaseCpu) -> None:
    """Warm every case up, then time them in interleaved batches, so a drift of the machine hits both servers."""
    for pair in pairs:
        for case in pair.cases:
            for _ in range(args.warmup):
                graphql(case.server.client, case.query, case.variables)
    per_batch = max(1, args.requests // args.rounds)
    for pair in pairs:
        for round_ in range(args.rounds):
            # Alternate who goes first: neither always follows the other's batch.
            for case in pair.cases if round_ % 2 == 0 else reversed(pair.cases):
                case.batch(per_batch, db_cpu)
        print(f"  measured: {pair.label}", flush=True)


# --- the answers compared --------------------------------------------------------------------------------------


def own_as_stored(own: dict[str, list[dict[str, str]]]) -> dict[str, list[list[str]]]:
    """The product's `own` in the stored JSON form (empty sections left out, as stored)."""
    return {SECTION_FIELDS[name]: [[o["key"], o["value"]] for o in opts] for name, opts in own.items() if opts}


def check_same(what: str, product: list[tuple[str, Any]], peer: list[tuple[str, Any]]) -> None:
    """Rows (name, options) in the same order; options compared when both give them."""
    product_names = [name for name, _ in product]
    peer_names = [name for name, _ in peer]
    if product_names != peer_names:
        first = next(
            (i for i, (a, b) in enumerate(zip(product_names, peer_names, strict=False)) if a != b),
            min(len(product_names), len(peer_names)),
        )
        raise Mismatch(
            f"{what}: the names differ ({len(product_names)} vs {len(peer_names)} rows; first difference at row "
            f"{first}: {product_names[first : first + 3]} vs {peer_names[first : first + 3]})"
        )
    for (name, mine), (_, theirs) in zip(product, peer, strict=True):
        if mine is not None and theirs is not None and mine != theirs:
            raise Mismatch(f"{what}: the options of {name} differ:\n  product      {mine}\n  PostGraphile {theirs}")


def find_endpoint(product: Server, tenant: str, name: str) -> str:
    found = graphql(product.client, FIND_ENDPOINT, {"t": tenant, "s": name})[1]["endpoints"]["edges"]
    if not found or found[0]["node"]["name"] != name:
        raise Mismatch(f"endpoint {name} not found by pjsip-graph")
    return str(found[0]["node"]["uuid"])


def verify(product: Server, peer: Server, tenant: str, endpoint: str) -> None:
    kind = {"tenant": tenant, "kind": ConfigKind.ENDPOINT.value}
    _, mine = graphql(product.client, PRODUCT_ONE, {"uuid": endpoint})
    _, theirs = graphql(peer.client, PEER_ONE, {"uuid": endpoint})
    one, row = mine["endpoint"], theirs["sipConfigByUuid"]
    if one is None or row is None:
        raise Mismatch(
            f"one endpoint: {endpoint} is missing (product {one is not None}, PostGraphile {row is not None})"
        )
    check_same("one endpoint", [(one["name"], own_as_stored(one["own"]))], [(row["name"], row["options"])])

    _, mine = graphql(product.client, PRODUCT_OWN_PAGE, {"tenant": tenant})
    _, theirs = graphql(peer.client, PEER_OWN_PAGE, kind)
    own_page, peer_page = mine["endpoints"], theirs["allSipConfigs"]
    product_rows = [(e["node"]["name"], own_as_stored(e["node"]["own"])) for e in own_page["edges"]]
    peer_rows = [(e["node"]["name"], e["node"]["options"]) for e in peer_page["edges"]]
    check_same("own page", product_rows, peer_rows)
    if own_page["pageInfo"]["hasNextPage"] != peer_page["pageInfo"]["hasNextPage"]:
        raise Mismatch("own page: hasNextPage differs")

    _, resolved = graphql(product.client, PRODUCT_RESOLVED_PAGE, {"tenant": tenant})
    resolved_rows = [(e["node"]["name"], None) for e in resolved["endpoints"]["edges"]]
    check_same("resolved page (names)", resolved_rows, peer_rows)
    print(
        f"  answers checked: the same endpoint and the same {len(peer_rows)} rows in the same order "
        "(names and own options) from both servers",
        flush=True,
    )
    sizes = (
        f"one endpoint {answer_bytes(product, PRODUCT_ONE, {'uuid': endpoint})} / "
        f"{answer_bytes(peer, PEER_ONE, {'uuid': endpoint})}, "
        f"own page {answer_bytes(product, PRODUCT_OWN_PAGE, {'tenant': tenant})} / "
        f"{answer_bytes(peer, PEER_OWN_PAGE, kind)}, "
        f"resolved page {answer_bytes(product, PRODUCT_RESOLVED_PAGE, {'tenant': tenant})}"
    )
    print(f"  answer sizes in bytes, pjsip-graph / PostGraphile: {sizes}", flush=True)


def answer_bytes(server: Server, query: str, variables: dict[str, Any]) -> int:
    return len(server.client.post("/graphql", json={"query": query, "variables": variables}).content)


# --- where the product's CPU goes on the own page, in process ---------------------------------------------------

# The own page built up a piece at a time: the CPU each step adds is what that piece costs.
LADDER: tuple[tuple[str, str], ...] = (
    ("{ __typename }: auth, middleware, GraphQL", TYPENAME),
    (
        "page of 1: + list query, one node",
        "query($tenant: UUID!) { endpoints(tenantUuid: $tenant, first: 1) { edges { node { name } } } }",
    ),
    (
        f"page of {PAGE_SIZE}, edges with cursors only",
        f"query($tenant: UUID!) {{ endpoints(tenantUuid: $tenant, first: {PAGE_SIZE}) {{ edges {{ cursor }} }} }}",
    ),
    (
        "+ pageInfo, node { name }",
        f"query($tenant: UUID!) {{ endpoints(tenantUuid: $tenant, first: {PAGE_SIZE}) {{ pageInfo {{ hasNextPage "
        "endCursor } edges { cursor node { name } } } }",
    ),
    (
        "+ own { endpoint } (one section)",
        f"query($tenant: UUID!) {{ endpoints(tenantUuid: $tenant, first: {PAGE_SIZE}) {{ pageInfo {{ hasNextPage "
        "endCursor } edges { cursor node { name own { endpoint { key value } } } } } }",
    ),
    ("+ the 6 other sections: the own page", PRODUCT_OWN_PAGE),
    ("the resolved page (cached), for comparison", PRODUCT_RESOLVED_PAGE),
)


async def profile_product(url: str, data_dir: Path, tenant: str, requests: int, top: int) -> str:
    """The ladder's CPU per request, then a cProfile of ``requests`` own pages.

    Through the ASGI app in this process: no uvicorn, and the HTTP client's
    share is included (the same for every step, growing with the answer's size).
    """
    from app.api.app import create_app
    from app.db.database import Database
    from app.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=url, log_level="warning")
    db = Database(url)
    token = (data_dir / "admin.token").read_text().strip()
    asgi = create_app(settings, db=db, migrate=False)
    headers = {"Authorization": f"Bearer {token}"}
    variables = {"tenant": tenant}
    out = io.StringIO()
    profiler = cProfile.Profile()
    try:
        async with (
            asgi.router.lifespan_context(asgi),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=asgi), base_url="http://bench", headers=headers, timeout=300
            ) as client,
        ):

            async def post(query: str, check: bool = False) -> int:
                response = await client.post("/graphql", json={"query": query, "variables": variables})
                # Decoding the answer is the client's work, not the server's: checked in the warm-up only.
                if check and (response.status_code != 200 or response.json().get("errors")):
                    raise RuntimeError(f"HTTP {response.status_code}: {response.text[:2000]}")
                return len(response.content)

            out.write(f"CPU per request in process (client included, answers not decoded; best of 3 x {requests}):\n")
            previous = 0.0
            for label, query in LADDER:
                for _ in range(30):  # warm-up: caches, compiled selections
                    size = await post(query, check=True)
                runs = []
                for _ in range(3):
                    started = time.process_time()
                    for _ in range(requests):
                        await post(query)
                    runs.append((time.process_time() - started) * 1000 / requests)
                step = "" if not previous else f"{min(runs) - previous:+6.2f} ms"
                out.write(f"  {label:<46} {min(runs):6.2f} ms  {step:<10} {size:>7} bytes\n")
                previous = min(runs)

            started = time.perf_counter()
            profiler.enable()
            for _ in range(requests):
                await post(PRODUCT_OWN_PAGE)
            profiler.disable()
            elapsed = time.perf_counter() - started
    finally:
        await db.dispose()
    out.write(
        f"\n{requests} own pages of {PAGE_SIZE} under cProfile: {elapsed * 1000 / requests:.1f} ms each "
        "(profiler overhead included)\n"
    )
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"/app/|strawberry|graphql|sqlalchemy|asyncpg|starlette", top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- report --------------------------------------------------------------------------------------------------


def row(label: str, case: Case) -> str:
    db = "n/a" if case.db_cpu_ms is None else f"{case.db_cpu_ms:6.2f} ms"
    total = "n/a" if case.db_cpu_ms is None else f"{case.cpu_ms + case.db_cpu_ms:6.2f} ms"
    return (
        f"  {label:<30} {case.server.name:<12} p50 {statistics.median(case.wall_ms):7.2f} ms  "
        f"p99 {percentile(case.wall_ms, 0.99):7.2f} ms  server CPU {case.cpu_ms:6.2f} ms  "
        f"db CPU {db}  total {total}  n={case.requests}"
    )


def ratio_line(name: str, product: Case, peer: Case, target: float | None) -> tuple[str, bool]:
    """The line, and whether the target (if any) is met."""
    cpu = product.cpu_ms / peer.cpu_ms
    wall = statistics.median(product.wall_ms) / statistics.median(peer.wall_ms)
    ok = target is None or cpu <= target
    aim = "" if target is None else f"target <= {target:.1f}x: {verdict(ok)}"
    whole = ""
    if product.db_cpu_ms is not None and peer.db_cpu_ms is not None:
        whole = f", server + db CPU {(product.cpu_ms + product.db_cpu_ms) / (peer.cpu_ms + peer.db_cpu_ms):.2f}x"
    return f"  {name:<46} server CPU {cpu:5.2f}x  {aim:<22} (wall p50 {wall:.2f}x{whole})", ok


def report(pairs: list[Pair], db_cpu: DatabaseCpu) -> None:
    typename, one, own, resolved = pairs
    assert typename.peer is not None and one.peer is not None and own.peer is not None
    print()
    print("per request (sequential, keep-alive; server CPU: the serving process; db CPU: the database's backends):")
    for pair in pairs:
        for case in pair.cases:
            print(row(pair.label, case))
    print()
    print("ratios, pjsip-graph / PostGraphile, measured in the same run:")
    lines = [
        ratio_line("baseline { __typename }", typename.product, typename.peer, None),
        ratio_line("one endpoint, own options", one.product, one.peer, CPU_RATIO_TARGET),
        ratio_line(f"own page of {PAGE_SIZE}", own.product, own.peer, CPU_RATIO_TARGET),
        ratio_line("resolved page (cached) / PostGraphile own page", resolved.product, own.peer, RESOLVED_RATIO_TARGET),
    ]
    for line, _ in lines:
        print(line)
    missed = sum(not ok for _, ok in lines)
    print(f"  {'all targets met' if not missed else f'MISSED: {missed} of 3 targets'}")
    if db_cpu.lost:
        print(
            f"  NOTE {db_cpu.lost} database backends closed during a batch (an idle pool connection, usually the "
            "other server's): their CPU in that batch is not counted"
        )
    print(
        "  NOTE PostGraphile runs without authentication; pjsip-graph's numbers include its checks "
        "(token, tenant visibility, secret masking)"
    )


# --- main ----------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="pjsip-graph-peer-") as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "data"
        data_dir.mkdir()
        with fresh_database("postgresql", workdir, args.pg_url) as url, data_dir_env(data_dir):
            print(f"generating {args.endpoints} endpoints ...", flush=True)
            data = asyncio.run(generate_data(url, endpoints=args.endpoints, slug="bench"))
            print(f"  {data.summary()}", flush=True)
            token = (data_dir / "admin.token").read_text().strip()
            dsn = asyncpg_dsn(url)
            tenant = str(data.tenant_uuid)
            db_cpu = DatabaseCpu(dsn)
            with (
                running_server(url, data_dir, workdir / "server.log", cache=True) as (product_proc, product_base),
                running_postgraphile(dsn, workdir / "postgraphile.log") as (peer_proc, peer_base),
                httpx.Client(
                    base_url=product_base, headers={"Authorization": f"Bearer {token}"}, timeout=300
                ) as product_client,
                httpx.Client(base_url=peer_base, timeout=300) as peer_client,
            ):
                product = Server("pjsip-graph", product_client, product_proc.pid)
                peer = Server("PostGraphile", peer_client, peer_proc.pid)
                print(
                    f"  servers: pjsip-graph pid {product.pid} ({process_name(product.pid)}) at {product_base}, "
                    f"PostGraphile pid {peer.pid} ({process_name(peer.pid)}) at {peer_base}",
                    flush=True,
                )
                try:
                    endpoint = find_endpoint(product, tenant, f"{data.slug}-{args.endpoints // 2:06d}")
                    verify(product, peer, tenant, endpoint)
                except Mismatch as exc:
                    print(f"\nABORTED: the two servers do not answer the same rows; nothing was timed.\n{exc}")
                    return 2
                page = {"tenant": tenant}
                one = {"uuid": endpoint}
                pairs = [
                    Pair("baseline { __typename }", Case(product, TYPENAME, {}), Case(peer, TYPENAME, {})),
                    Pair("one endpoint, own options", Case(product, PRODUCT_ONE, one), Case(peer, PEER_ONE, one)),
                    Pair(
                        f"own page of {PAGE_SIZE}",
                        Case(product, PRODUCT_OWN_PAGE, page),
                        Case(peer, PEER_OWN_PAGE, {**page, "kind": ConfigKind.ENDPOINT.value}),
                    ),
                    Pair(f"resolved page of {PAGE_SIZE}, cached", Case(product, PRODUCT_RESOLVED_PAGE, page), None),
                ]
                print(
                    f"measuring: {args.warmup} warm-up requests per case, then {args.requests} in {args.rounds} "
                    "interleaved batches ...",
                    flush=True,
                )
                measure(pairs, args, db_cpu)
                stats = cache_stats(product_base)
            report(pairs, db_cpu)
            if stats:
                print(f"  product resolution cache at the end: {stats}")
            if args.profile:
                print("\nprofiling the product's own page in process ...", flush=True)
                try:
                    print(asyncio.run(profile_product(url, data_dir, tenant, args.profile_requests, args.profile_top)))
                except Exception as exc:  # a profile is a bonus; the measurements above stand without it
                    print(f"profiling failed: {type(exc).__name__}: {exc}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=int, default=10_000, help="endpoints in the data set (default 10000)")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per case and server (default 300)")
    parser.add_argument("--rounds", type=int, default=6, help="interleaved batches the requests are split in (6)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests per case and server first (50)")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL URL to create the bench database from")
    parser.add_argument(
        "--profile", action="store_true", help="also break the product's own page down and cProfile it, in process"
    )
    parser.add_argument("--profile-requests", type=int, default=200, help="requests per step and profiled (200)")
    parser.add_argument("--profile-top", type=int, default=30, help="rows of the profile to print (default 30)")
    args = parser.parse_args()
    if min(args.endpoints, args.requests, args.rounds) < 1 or args.warmup < 0:
        parser.error("--endpoints, --requests and --rounds must be at least 1, --warmup at least 0")

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"pjsip-graph peer benchmark: Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{cores} cores, {args.endpoints} endpoints; code: {code_state()}",
        flush=True,
    )
    problem = peer_problem()
    if problem is not None:
        print(f"skipped: {problem}")
        return 0
    print(f"peer: {peer_versions()}, no authentication; load average {os.getloadavg()[0]:.1f}", flush=True)
    try:
        asyncio.run(_backend_pids(asyncpg_dsn(args.pg_url)))
    except Exception as exc:  # any failure to connect means "absent"
        print(f"skipped: PostgreSQL does not answer at {args.pg_url}: {type(exc).__name__}: {exc}")
        return 0
    started = time.perf_counter()
    code = run(args)
    print(f"load average at the end {os.getloadavg()[0]:.1f}; total {time.perf_counter() - started:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
