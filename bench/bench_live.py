"""Live benchmarks of pjsip-graph: real replicas, real sockets, PostgreSQL and Redis.

In one run, on one PostgreSQL database holding the benchmark data set
(app/cli/bench_data.py, 10,000 endpoints on a 3-level template tree):

1. delivery latency of Sorcery updates to WebSocket subscribers spread over two
   replicas (deploy/run-replicas.sh, PostgreSQL + Redis): from the mutation's
   HTTP response (and from the update's server `createdAt`) to the arrival of
   the event at every subscriber, with 500 subscribers, next to the same with
   10 subscribers (the baseline); the writes (updateEndpoint, one callerid) go
   to a one-endpoint tenant; every subscriber must get every seq exactly once,
   in order;
2. the page of 100 endpoints with resolved options over HTTP, resolution cache
   warm (Redis; and in memory) versus cache off, interleaved request by request;
3. sustained throughput of a small `endpoint(uuid)` query on one replica (cache
   warm) versus a minimal Starlette route serving the same JSON from the same
   cache (the baseline server lives in this file: `--serve-baseline`).

Run from the repository root:  .venv/bin/python bench/bench_live.py
Benchmarks are not pass/fail: the exit code is 0 even when a target is MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import itertools
import json
import math
import os
import platform
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import httpx
import websockets

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
    verdict,
    with_database,
)

from app.cli.bench_data import BenchData, generate_data  # noqa: E402
from app.db.database import Database  # noqa: E402

PG_ADMIN_URL = os.environ.get("PJSIP_GRAPH_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
SLUG = "benchlive"

DELIVERY_P99_TARGET_MS = 100.0
PAGE_SPEEDUP_TARGET = 3.0
THROUGHPUT_RATIO_TARGET = 3.0

UPDATE_ENDPOINT = """
mutation Live($uuid: UUID!, $callerid: String!) {
  updateEndpoint(uuid: $uuid, input: {options: {endpoint: [{key: "callerid", value: $callerid}]}}) {
    changes { sorceryUpdates { seq createdAt } }
  }
}
"""

CREATE_TENANT = """
mutation Tenant($name: String!, $slug: String!) {
  createTenant(input: {name: $name, slug: $slug}) { tenant { uuid defaultTemplates { sip { uuid } } } }
}
"""

CREATE_ENDPOINT = """
mutation Endpoint($tenant: UUID!, $name: String!, $sip: UUID!) {
  createEndpoint(input: {tenantUuid: $tenant, name: $name, parentUuids: [$sip],
                         options: {endpoint: [{key: "callerid", value: "Live <300000>"}]}}) {
    endpoint { uuid }
  }
}
"""

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

SMALL_QUERY = "query($u: UUID!) { endpoint(uuid: $u) { name resolved { endpoint { key value } } } }"


def subscription(after: int) -> str:
    return f"subscription {{ sorceryUpdates(after: {after}) {{ seq createdAt }} }}"


# --- small helpers ---------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def ratio_text(value: float, base: float) -> str:
    return f"{value / base:.1f}x" if base > 0.5 else f"n/a (baseline {base:.1f} ms)"


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc), 0.0 when unknown."""
    return proc_cpu(pid) or 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def new_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return None
    return uvloop.new_event_loop  # type: ignore[no-any-return]


def run_async(coro: Awaitable[Any]) -> Any:
    with asyncio.Runner(loop_factory=new_loop_factory()) as runner:
        return runner.run(coro)  # type: ignore[arg-type]


# --- PostgreSQL and Redis --------------------------------------------------------------------------------------


def pick_redis_db() -> int:
    """An empty Redis database (15 down to 1), so that the cache starts cold and cleaning up touches only ours."""
    import redis

    for db in range(15, 0, -1):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=5)
        try:
            if client.dbsize() == 0:
                return db
        finally:
            client.close()
    raise RuntimeError("no empty Redis database between 1 and 15")


def clean_redis(db: int, config_uuids: set[str]) -> int:
    """Delete the resolution cache entries of this run's configurations (and nothing else)."""
    import redis

    from app.cache import NAMESPACE

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=10)
    deleted = 0
    try:
        batch: list[bytes] = []
        for key in client.scan_iter(match=f"{NAMESPACE}*", count=1000):
            rest = key.decode()[len(NAMESPACE) :].lstrip(":")
            if rest.split(":", 1)[0] in config_uuids:
                batch.append(key)
            if len(batch) >= 1000:
                deleted += int(client.delete(*batch))
                batch = []
        if batch:
            deleted += int(client.delete(*batch))
    finally:
        client.close()
    return deleted


async def db_facts(url: str, tenant_uuid: UUID) -> dict[str, Any]:
    """A few endpoints of the bench tenant, every configuration uuid (for Redis cleanup), the engine head."""
    import sqlalchemy as sa

    from app.db.models import SipConfig
    from app.events.records import engine_heads

    db = Database(url)
    try:
        async with db.reading() as session:
            rows = (
                await session.execute(
                    sa.select(SipConfig.uuid, SipConfig.name)  # type: ignore[call-overload]
                    .where(SipConfig.tenant_uuid == tenant_uuid, SipConfig.kind == "endpoint")
                    .order_by(SipConfig.name)
                    .limit(3)
                )
            ).all()
            uuids = {str(u) for u in (await session.scalars(sa.select(SipConfig.uuid))).all()}  # type: ignore[call-overload]
        heads = await engine_heads(db)
    finally:
        await db.dispose()
    return {"endpoints": [(r.uuid, r.name) for r in rows], "config_uuids": uuids, "heads": heads}


async def all_config_uuids(url: str) -> set[str]:
    import sqlalchemy as sa

    from app.db.models import SipConfig

    db = Database(url)
    try:
        async with db.reading() as session:
            return {str(u) for u in (await session.scalars(sa.select(SipConfig.uuid))).all()}  # type: ignore[call-overload]
    finally:
        await db.dispose()


async def last_seq(url: str) -> int:
    from app.events.records import engine_heads

    db = Database(url)
    try:
        heads = await engine_heads(db)
    finally:
        await db.dispose()
    return max(h.last_seq for h in heads.values() if h.name == "default")


# --- processes -------------------------------------------------------------------------------------------------


class Processes:
    """Every process group this benchmark started; all stopped in `stop_all` (by process group id)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("wb")
        try:
            proc = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        finally:
            log.close()
        self.started.append((name, proc))
        return proc

    def log_tail(self, name: str) -> str:
        with contextlib.suppress(OSError):
            return (self.workdir / f"{name}.log").read_text(errors="replace")[-3000:]
        return ""

    def wait_ready(self, name: str, proc: subprocess.Popen[bytes], port: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer /healthz on {port}:\n{self.log_tail(name)}")
            time.sleep(0.2)

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.started = [(n, p) for n, p in self.started if p is not proc]

    def stop_all(self) -> None:
        for _, proc in reversed(list(self.started)):
            self.stop(proc)


def server_env(url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PJSIP_GRAPH_")}
    env.update(
        PJSIP_GRAPH_DATABASE_URL=url,
        PJSIP_GRAPH_DATA_DIR=str(data_dir),
        PJSIP_GRAPH_LOG_LEVEL="warning",
        # Every subscriber here uses the operator's one token: lift the per-token limit
        # (100 open subscriptions by default), or 300 of the 500 are refused.
        PJSIP_GRAPH_MAX_SUBSCRIPTIONS_PER_TOKEN="2000",
        **extra,
    )
    return env


def pjsip_graph_bin() -> str:
    return str(Path(sys.executable).with_name("pjsip-graph"))


def start_replicas(procs: Processes, env: dict[str, str], count: int = 2) -> tuple[subprocess.Popen[bytes], list[int]]:
    first = free_port()
    while not all(_port_is_free(first + i) for i in range(count)):
        first = free_port()
    proc = procs.spawn(
        "replicas",
        ["bash", str(REPO / "deploy" / "run-replicas.sh"), str(count), str(first)],
        {**env, "PJSIP_GRAPH_BIN": pjsip_graph_bin()},
    )
    ports = [first + i for i in range(count)]
    for port in ports:
        procs.wait_ready("replicas", proc, port)
    return proc, ports


def replica_pids(script: subprocess.Popen[bytes], ports: list[int]) -> dict[int, int]:
    """port -> pid of the `pjsip-graph serve` started by run-replicas.sh."""
    out: dict[int, int] = {}
    for pid in children(script.pid):
        args = cmdline(pid)
        if "serve" in args and "--port" in args:
            port = int(args[args.index("--port") + 1])
            if port in ports:
                out[port] = pid
    return out


def start_server(procs: Processes, name: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = procs.spawn(name, [pjsip_graph_bin(), "serve", "--host", "127.0.0.1", "--port", str(port)], env)
    return proc, port


# --- 1. delivery latency ---------------------------------------------------------------------------------------


@dataclass
class Mutation:
    seq: int
    replica: int
    sent: float  # perf_counter before the request
    returned: float  # perf_counter when the response had been read
    created_at: float  # the update's createdAt (server wall clock, epoch seconds)


@dataclass
class Delivery:
    label: str
    subscribers: int
    open_s: float = 0.0
    mutations: list[Mutation] = field(default_factory=list)
    # per subscriber: [(seq, arrival perf_counter, arrival wall clock)]
    arrivals: list[list[tuple[int, float, float]]] = field(default_factory=list)
    replica_of: list[int] = field(default_factory=list)
    start: int = 0
    problems: list[str] = field(default_factory=list)
    timeouts: int = 0
    client_cpu_s: float = 0.0
    wall_s: float = 0.0
    replica_cpu_s: list[float] = field(default_factory=list)

    # derived, filled by analyse()
    from_response: list[float] = field(default_factory=list)
    from_created: list[float] = field(default_factory=list)
    same_replica: list[float] = field(default_factory=list)
    other_replica: list[float] = field(default_factory=list)
    last_arrival: list[float] = field(default_factory=list)
    spread: list[float] = field(default_factory=list)
    gaps: int = 0
    duplicates: int = 0
    disorder: int = 0
    exact: int = 0

    @property
    def cpu_per_event_ms(self) -> float:
        return sum(self.replica_cpu_s) / max(1, len(self.mutations)) * 1000

    def analyse(self) -> None:
        measured = {m.seq: m for m in self.mutations}
        per_event: dict[int, list[float]] = defaultdict(list)
        for sub, arrivals in enumerate(self.arrivals):
            for seq, mono, wall in arrivals:
                m = measured.get(seq)
                if m is None:
                    continue
                latency = (mono - m.returned) * 1000
                self.from_response.append(latency)
                self.from_created.append((wall - m.created_at) * 1000)
                (self.same_replica if self.replica_of[sub] == m.replica else self.other_replica).append(latency)
                per_event[seq].append(mono)
        for seq, monos in per_event.items():
            self.last_arrival.append((max(monos) - measured[seq].returned) * 1000)
            self.spread.append((max(monos) - min(monos)) * 1000)
        expected = list(range(self.start + 1, max(measured, default=self.start) + 1))
        for sub, arrivals in enumerate(self.arrivals):
            seqs = [a[0] for a in arrivals]
            if seqs == expected:
                self.exact += 1
                continue
            missing = sorted(set(expected) - set(seqs))
            dups = len(seqs) - len(set(seqs))
            disorder = sum(1 for a, b in itertools.pairwise(seqs) if b <= a)
            self.gaps += len(missing)
            self.duplicates += dups
            self.disorder += disorder
            if len(self.problems) < 10:
                self.problems.append(
                    f"subscriber {sub} (replica {self.replica_of[sub]}): {len(seqs)} events, "
                    f"missing {missing[:10]}{'...' if len(missing) > 10 else ''}, {dups} duplicates, "
                    f"{disorder} out of order"
                )


class Fanout:
    """Collects arrivals; lets the writer wait until every subscriber has a given seq."""

    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery
        self.counts: dict[int, int] = defaultdict(int)
        self.complete: dict[int, asyncio.Event] = {}

    def event_for(self, seq: int) -> asyncio.Event:
        return self.complete.setdefault(seq, asyncio.Event())

    def got(self, sub: int, seq: int, mono: float, wall: float) -> None:
        self.delivery.arrivals[sub].append((seq, mono, wall))
        self.counts[seq] += 1
        if self.counts[seq] == self.delivery.subscribers:
            self.event_for(seq).set()


async def subscriber_task(
    sub: int, port: int, token: str, after: int, fanout: Fanout, opened: asyncio.Future[Any], sockets: list[Any]
) -> None:
    try:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/graphql",
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            proxy=None,
            open_timeout=60,
            max_size=None,
        ) as ws:
            sockets.append(ws)
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
            ack = json.loads(await asyncio.wait_for(ws.recv(), 60))
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"no connection_ack: {ack}")
            await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": subscription(after)}}))
            opened.set_result(None)
            async for raw in ws:
                mono, wall = time.perf_counter(), time.time()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "next":
                    payload = message["payload"]
                    if payload.get("errors"):
                        fanout.delivery.problems.append(f"subscriber {sub}: errors {payload['errors']}")
                        continue
                    fanout.got(sub, payload["data"]["sorceryUpdates"]["seq"], mono, wall)
                elif kind == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                elif kind in ("error", "complete"):
                    fanout.delivery.problems.append(f"subscriber {sub}: {message}")
                    return
    except websockets.ConnectionClosedOK:
        pass
    except Exception as exc:
        if not opened.done():
            opened.set_exception(exc)
        else:
            fanout.delivery.problems.append(f"subscriber {sub}: {type(exc).__name__}: {exc}")


def created_epoch(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


async def measure_delivery(
    label: str,
    url: str,
    ports: list[int],
    pids: dict[int, int],
    token: str,
    endpoint_uuid: UUID,
    subscribers: int,
    mutations: int,
    batch: int,
    hooks: tuple[Callable[[], None], Callable[[], None]] | None = None,
) -> Delivery:
    delivery = Delivery(label=label, subscribers=subscribers)
    delivery.arrivals = [[] for _ in range(subscribers)]
    delivery.replica_of = [i % len(ports) for i in range(subscribers)]
    delivery.start = await last_seq(url)
    fanout = Fanout(delivery)
    sockets: list[Any] = []
    tasks: list[asyncio.Task[None]] = []
    clients = [
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", headers={"Authorization": f"Bearer {token}"}, timeout=60)
        for p in ports
    ]
    try:
        started = time.perf_counter()
        for first in range(0, subscribers, batch):
            futures: list[asyncio.Future[Any]] = []
            for sub in range(first, min(first + batch, subscribers)):
                opened: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                futures.append(opened)
                port = ports[delivery.replica_of[sub]]
                tasks.append(
                    asyncio.create_task(subscriber_task(sub, port, token, delivery.start, fanout, opened, sockets))
                )
            await asyncio.gather(*futures)
        delivery.open_s = time.perf_counter() - started

        async def mutate(n: int, replica: int) -> Mutation:
            callerid = f'"Live {label} {n}" <{200000 + n}>'
            sent = time.perf_counter()
            response = await clients[replica].post(
                "/graphql",
                json={"query": UPDATE_ENDPOINT, "variables": {"uuid": str(endpoint_uuid), "callerid": callerid}},
            )
            returned = time.perf_counter()
            body = response.json()
            if body.get("errors"):
                raise RuntimeError(f"mutation failed: {body['errors']}")
            updates = body["data"]["updateEndpoint"]["changes"]["sorceryUpdates"]
            if len(updates) != 1:
                delivery.problems.append(f"mutation {n} produced {len(updates)} Sorcery updates, expected 1")
            u = updates[-1]
            return Mutation(u["seq"], replica, sent, returned, created_epoch(u["createdAt"]))

        async def delivered(seq: int, limit: float) -> None:
            try:
                await asyncio.wait_for(fanout.event_for(seq).wait(), limit)
            except TimeoutError:
                delivery.timeouts += 1
                delivery.problems.append(
                    f"seq {seq}: only {fanout.counts[seq]}/{subscribers} subscribers had it after {limit:.0f} s"
                )

        # A first update proves every subscription is live (it may have come by replay); not measured.
        warm = await mutate(0, 0)
        await delivered(warm.seq, 60)
        await asyncio.sleep(0.2)
        cpu_before = [cpu_seconds(pids.get(p, 0)) for p in ports]
        client_before, wall_before = time.process_time(), time.perf_counter()
        if hooks:
            hooks[0]()
        for n in range(1, mutations + 1):
            m = await mutate(n, n % len(ports))
            delivery.mutations.append(m)
            await delivered(m.seq, 15)
            await asyncio.sleep(0.05)  # let both replicas go idle: each update is delivered on its own
        if hooks:
            hooks[1]()
        delivery.client_cpu_s = time.process_time() - client_before
        delivery.wall_s = time.perf_counter() - wall_before
        delivery.replica_cpu_s = [cpu_seconds(pids.get(p, 0)) - b for p, b in zip(ports, cpu_before, strict=True)]
        await asyncio.sleep(0.3)  # anything late or duplicated would arrive now
    finally:
        for first in range(0, len(sockets), 50):
            await asyncio.gather(*(ws.close() for ws in sockets[first : first + 50]), return_exceptions=True)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client in clients:
            await client.aclose()
    delivery.analyse()
    return delivery


def delivery_rows(d: Delivery) -> list[str]:
    def stats(values: list[float]) -> str:
        if not values:
            return "no data"
        return f"p50 {pct(values, 50):7.1f} ms  p99 {pct(values, 99):7.1f} ms  max {max(values):7.1f} ms"

    cpu = ", ".join(f"{c:.2f}" for c in d.replica_cpu_s)
    events = len(d.mutations)
    negative = sum(1 for v in d.from_response if v < 0)
    return [
        f"  {d.label}: {d.subscribers} subscribers ({d.subscribers // 2} per replica), {events} mutations, "
        f"opened in {d.open_s:.1f} s",
        f"    arrival - response returned  {stats(d.from_response)}  (n={len(d.from_response)}, {negative} negative)",
        f"    arrival - createdAt          {stats(d.from_created)}",
        f"      subscriber on the writing replica   {stats(d.same_replica)}",
        f"      subscriber on the other replica     {stats(d.other_replica)}",
        f"    last subscriber of each event {stats(d.last_arrival)}  (from response)",
        f"    first-to-last arrival spread  {stats(d.spread)}",
        f"    mutation round trip           {stats([(m.returned - m.sent) * 1000 for m in d.mutations])}",
        f"    replica CPU over the {events} mutations: {cpu} s ({d.cpu_per_event_ms:.0f} ms per mutation, both "
        f"replicas, mutation included); client CPU {d.client_cpu_s:.2f} s over {d.wall_s:.1f} s wall",
        f"    integrity: {d.exact}/{d.subscribers} subscribers got exactly seq {d.start + 1}..{d.start + events + 1} "
        f"in order; gaps {d.gaps}, duplicates {d.duplicates}, out of order {d.disorder}, timeouts {d.timeouts}",
    ] + [f"    PROBLEM {p}" for p in d.problems[:10]]


# --- 2. page query: cache warm vs off --------------------------------------------------------------------------


def cache_stats(port: int) -> str:
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    except httpx.HTTPError:
        return "?"
    values: dict[str, float] = {}
    for line in text.splitlines():
        name = line.split("{", 1)[0].split(" ", 1)[0].removesuffix("_total")
        if name in ("pjsip_graph_cache_hits", "pjsip_graph_cache_misses"):
            with contextlib.suppress(ValueError, IndexError):
                values[name] = values.get(name, 0.0) + float(line.rsplit(" ", 1)[1])
    if not values:
        return "no cache"
    return (
        f"{values.get('pjsip_graph_cache_hits', 0):.0f} hits / {values.get('pjsip_graph_cache_misses', 0):.0f} misses"
    )


def measure_pages(
    servers: dict[str, int], pids: dict[str, int], token: str, tenant: UUID, requests: int, warmup: int
) -> dict[str, Any]:
    """Interleaved: each round sends one page request to every server, in a rotating order."""
    headers = {"Authorization": f"Bearer {token}"}
    clients = {
        name: httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120)
        for name, port in servers.items()
    }
    timings: dict[str, list[float]] = {name: [] for name in servers}
    variables = {"tenant": str(tenant)}
    reference: Any = None
    try:
        for _ in range(warmup):
            for name, client in clients.items():
                _, data = graphql(client, PAGE_QUERY, variables)
                edges = data["endpoints"]["edges"]
                if len(edges) != 100:
                    raise RuntimeError(f"{name}: {len(edges)} edges")
                if reference is None:
                    reference = data
                elif data != reference:
                    raise RuntimeError(f"{name} answers a different page than the others")
        names = list(servers)
        cpu_before = {name: cpu_seconds(pids[name]) for name in names}
        for i in range(requests):
            order = names[i % len(names) :] + names[: i % len(names)]
            for name in order:
                elapsed, _ = graphql(clients[name], PAGE_QUERY, variables)
                timings[name].append(elapsed * 1000)
        cpu_ms = {name: (cpu_seconds(pids[name]) - cpu_before[name]) / requests * 1000 for name in names}
    finally:
        for client in clients.values():
            client.close()
    return {"timings": timings, "cpu_ms": cpu_ms, "cache": {name: cache_stats(port) for name, port in servers.items()}}


# --- 3. throughput: GraphQL vs minimal Starlette route ---------------------------------------------------------


@dataclass
class Load:
    name: str
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    client_cpu_s: float = 0.0
    server_cpu_s: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def hammer(
    port: int, body: bytes, headers: dict[str, str], seconds: float, connections: int, expected: Any, load: Load
) -> None:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits, timeout=30
    ) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            n = 0
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.post("/graphql", content=body)
                load.latencies_ms.append((time.perf_counter() - started) * 1000)
                n += 1
                if response.status_code != 200 or (n % 50 == 1 and response.json() != expected):
                    load.errors += 1
                else:
                    load.requests += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        load.seconds += time.perf_counter() - started


def measure_throughput(
    graphql_port: int,
    graphql_pid: int,
    baseline_port: int,
    baseline_pid: int,
    token: str,
    endpoint_uuid: UUID,
    seconds: float,
    connections: int,
) -> tuple[Load, Load, Any]:
    body = json.dumps({"query": SMALL_QUERY, "variables": {"u": str(endpoint_uuid)}}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    answers = []
    for port in (graphql_port, baseline_port):
        for _ in range(20):  # warm: the cache entry, connection pools, code paths
            response = httpx.post(f"http://127.0.0.1:{port}/graphql", content=body, headers=headers, timeout=30)
            response.raise_for_status()
        answers.append(response.json())
    if answers[0] != answers[1]:
        raise RuntimeError(f"the baseline answers differently:\n{answers[0]}\n{answers[1]}")
    expected = answers[0]
    loads = {"graphql": Load("graphql"), "baseline": Load("baseline")}
    targets = {"graphql": (graphql_port, graphql_pid), "baseline": (baseline_port, baseline_pid)}
    # Two alternating halves each, so that drift in the machine's load hits both alike.
    for name in ("graphql", "baseline", "graphql", "baseline"):
        port, pid = targets[name]
        load = loads[name]
        cpu0, client0 = cpu_seconds(pid), time.process_time()
        run_async(hammer(port, body, headers, seconds / 2, connections, expected, load))
        load.server_cpu_s += cpu_seconds(pid) - cpu0
        load.client_cpu_s += time.process_time() - client0
    return loads["graphql"], loads["baseline"], expected


def serve_baseline(args: argparse.Namespace) -> int:
    """The minimal Starlette route of benchmark 3: the same JSON from the same cache, no GraphQL, no auth."""
    import sqlalchemy as sa
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from app.cache import build_cache
    from app.db.models import SipConfig
    from app.domain.sections import Section
    from app.services.reads import resolved_of

    uuid = UUID(args.endpoint_uuid)
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> Any:
        db = Database(args.database_url)
        cache = build_cache(args.cache_url or None)
        async with db.reading() as session:
            row = (
                await session.execute(
                    sa.select(SipConfig.name, SipConfig.resolved_version).where(SipConfig.uuid == uuid)  # type: ignore[call-overload]
                )
            ).one()
        state.update(db=db, cache=cache, key=(uuid, row.resolved_version), name=row.name)
        try:
            yield
        finally:
            await cache.close()
            await db.dispose()

    async def endpoint(request: Request) -> Response:
        await request.json()  # the same request body as the GraphQL one; parsed, not interpreted
        resolved = (await resolved_of(state["db"], [state["key"]], state["cache"]))[0]
        options = [{"key": o.key, "value": o.value} for o in resolved[Section.ENDPOINT]] if resolved else []
        return JSONResponse({"data": {"endpoint": {"name": state["name"], "resolved": {"endpoint": options}}}})

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def stats(_request: Request) -> Response:
        cache = state["cache"]
        return JSONResponse({"hits": cache.hits, "misses": cache.misses, "errors": cache.errors})

    app = Starlette(
        routes=[
            Route("/graphql", endpoint, methods=["POST"]),
            Route("/healthz", healthz),
            Route("/stats", stats),
        ],
        lifespan=lifespan,
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0


def small_tenant(port: int, token: str) -> UUID:
    """A tenant of its own with one endpoint: the delivery test's writes do not depend on the big tenant's size."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120) as client:
        slug = f"live-{os.getpid()}"
        _, created = graphql(client, CREATE_TENANT, {"name": f"Live {os.getpid()}", "slug": slug})
        tenant = created["createTenant"]["tenant"]
        variables = {"tenant": tenant["uuid"], "name": f"{slug}-a", "sip": tenant["defaultTemplates"]["sip"]["uuid"]}
        _, endpoint = graphql(client, CREATE_ENDPOINT, variables)
    return UUID(endpoint["createEndpoint"]["endpoint"]["uuid"])


def mutation_round_trips(port: int, token: str, targets: dict[str, UUID], runs: int) -> dict[str, list[float]]:
    """updateEndpoint (one callerid) on each target, interleaved, no subscriber open."""
    headers = {"Authorization": f"Bearer {token}"}
    out: dict[str, list[float]] = {name: [] for name in targets}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120) as client:
        for n in range(runs):
            for name, uuid in targets.items():
                callerid = f'"Round trip {n}" <{400000 + n}>'
                elapsed, _ = graphql(client, UPDATE_ENDPOINT, {"uuid": str(uuid), "callerid": callerid})
                out[name].append(elapsed * 1000)
    return out


def median_ms(fn: Callable[[], Any], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure_validation() -> dict[str, Any]:
    """Does the schema's ValidationCache hit? Compare the validation rules of two requests, and time validation."""
    from graphql import parse, specified_rules
    from strawberry.extensions import AddValidationRules
    from strawberry.schema.schema import validate_document

    from app.api.schema import build_schema
    from app.settings import Settings

    schema: Any = build_schema(Settings())

    def rules_of_one_request() -> tuple[Any, ...]:
        rules: list[Any] = []
        for factory in schema.extensions:
            extension = factory() if callable(factory) and not isinstance(factory, AddValidationRules) else factory
            if isinstance(extension, AddValidationRules):
                rules += extension.validation_rules
        return tuple(rules)

    first, second = rules_of_one_request(), rules_of_one_request()
    out: dict[str, Any] = {"same_rules": first == second, "rules": len(first)}
    base_rules = tuple(specified_rules)  # strawberry's default ExecutionContext.validation_rules
    for name, query in (("small query", SMALL_QUERY), ("page query", PAGE_QUERY)):
        document = parse(query)
        out[name] = median_ms(lambda d=document: validate_document(schema._schema, d, base_rules + first), runs=20)
    return out


async def measure_page_parts(url: str, tenant: UUID) -> dict[str, float]:
    """What the cache saves on the page (load + resolve 100 views) and what the Redis cache costs instead (decode)."""
    import sqlalchemy as sa

    from app.cache.codec import decode, encode
    from app.db.models import SipConfig
    from app.services.reads import resolved_of

    db = Database(url)
    try:
        async with db.reading() as session:
            rows = (
                await session.execute(
                    sa.select(SipConfig.uuid, SipConfig.resolved_version)  # type: ignore[call-overload]
                    .where(SipConfig.tenant_uuid == tenant, SipConfig.kind == "endpoint")
                    .order_by(SipConfig.name)
                    .limit(100)
                )
            ).all()
        keys = [(r.uuid, r.resolved_version) for r in rows]
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            views = await resolved_of(db, keys, None)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        await db.dispose()
    blobs = [encode(v) for v in views if v is not None]
    return {
        "resolve_ms": statistics.median(samples),
        "decode_ms": median_ms(lambda: [decode(b) for b in blobs]),
        "bytes": statistics.mean(len(b) for b in blobs),
        "options": statistics.mean(sum(len(o) for o in v.values()) for v in views if v is not None),
    }


# --- the fan-out window: cost of one wake-up per subscriber ----------------------------------------------------


def measure_window_since() -> list[tuple[int, float]]:
    """Window.since(head - 1), what every subscriber calls on each wake-up, for a small and a full window."""
    from app.events.hub import Window

    async def build(size: int) -> Window:
        window = Window(0, 50_000)
        await window.extend([SimpleNamespace(seq=i) for i in range(1, size + 1)])
        return window

    out = []
    for size in (100, 50_000):
        window = run_async(build(size))
        samples = []
        for _ in range(7):
            started = time.perf_counter()
            for _ in range(100):
                window.since(window.head - 1)
            samples.append((time.perf_counter() - started) / 100)
        out.append((size, statistics.median(samples) * 1e6))
    return out


# --- profiles (--profile) -------------------------------------------------------------------------------------


def _bucket(file: str, function: str) -> str:
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/app/" in file:
        return "app/" + file.split("/app/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if file.startswith("~") or file == "<built-in>":
        return "idle (epoll)" if "poll" in function else "builtins"
    return "stdlib " + Path(file).name


def _short(file: str) -> str:
    for marker in ("site-packages/", str(REPO) + "/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return Path(file).name


def profile_lines(stats: pstats.Stats, top: int = 10) -> list[str]:
    """Own time by package, then the functions with the most own time (cProfile; greenlets blur cumulative times)."""
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    totals: Counter[str] = Counter()
    for (file, _line, function), (_cc, _nc, own, _cum, _callers) in raw.items():
        totals[_bucket(file, function)] += own
    total = sum(totals.values()) or 1.0
    lines = [
        f"    own time {total:.2f} s by package: "
        + ", ".join(f"{name} {value / total:.0%}" for name, value in totals.most_common(9))
    ]
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (file, line, function), (_cc, calls, own, _cum, _callers) in rows:
        lines.append(f"      {own / total:5.1%} {calls:>9} calls  {_short(file)}:{line}({function})")
    return lines


def serve_profiled(args: argparse.Namespace) -> int:
    """`pjsip-graph serve` under cProfile, enabled by SIGUSR1 and dumped to --profile-out by SIGUSR2."""
    import uvicorn

    from app.cli.server import GracefulServer

    profiler = cProfile.Profile()

    def enable(*_: Any) -> None:
        profiler.enable()

    def dump(*_: Any) -> None:
        profiler.disable()
        profiler.dump_stats(args.profile_out)

    signal.signal(signal.SIGUSR1, enable)
    signal.signal(signal.SIGUSR2, dump)
    config = uvicorn.Config(
        "app.api.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        log_config=None,
        ws_per_message_deflate=False,  # as `pjsip-graph serve` by default
    )
    GracefulServer(config).run()
    return 0


def profile_fanout(
    procs: Processes, url: str, data_dir: Path, redis_url: str, token: str, endpoint: UUID, subscribers: int
) -> list[str]:
    """One server under cProfile while it delivers 10 updates to `subscribers` subscribers (and runs the writes)."""
    port = free_port()
    out_file = procs.workdir / "fanout.prof"
    proc = procs.spawn(
        "profiled",
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve-profiled",
            "--port",
            str(port),
            "--profile-out",
            str(out_file),
        ],
        server_env(url, data_dir, PJSIP_GRAPH_CACHE_URL=redis_url),
    )
    procs.wait_ready("profiled", proc, port)
    hooks = (lambda: os.kill(proc.pid, signal.SIGUSR1), lambda: os.kill(proc.pid, signal.SIGUSR2))
    run_async(measure_delivery("profiled", url, [port], {}, token, endpoint, subscribers, 10, 25, hooks))
    deadline = time.monotonic() + 30
    while not out_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # dump_stats writes the file in one go, but give it a moment
    procs.stop(proc)
    lines = [f"  profile: one server, {subscribers} subscribers, 10 updates (the 10 updateEndpoint requests included)"]
    return lines + profile_lines(pstats.Stats(str(out_file)))


async def profile_in_process(
    url: str, data_dir: Path, redis_url: str, token: str, tenant: UUID, endpoint: UUID
) -> list[str]:
    """The small query (Redis warm) and the page (memory warm, cache off) through the ASGI app, under cProfile."""
    from app.api.app import create_app
    from app.settings import Settings

    cases = [
        ("small query, Redis warm", redis_url, "on", SMALL_QUERY, {"u": str(endpoint)}, 200),
        ("page, in-memory cache warm", None, "on", PAGE_QUERY, {"tenant": str(tenant)}, 10),
        ("page, cache off", None, "off", PAGE_QUERY, {"tenant": str(tenant)}, 10),
    ]
    lines: list[str] = []
    for label, cache_url, cache, query, variables, count in cases:
        settings = Settings(data_dir=data_dir, database_url=url, log_level="warning", cache_url=cache_url, cache=cache)
        db = Database(url)
        asgi = create_app(settings, db=db, migrate=False)
        headers = {"Authorization": f"Bearer {token}"}
        body = {"query": query, "variables": variables}
        try:
            async with (
                asgi.router.lifespan_context(asgi),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=asgi), base_url="http://bench", headers=headers, timeout=300
                ) as client,
            ):
                for _ in range(3):
                    (await client.post("/graphql", json=body)).raise_for_status()
                profiler = cProfile.Profile()
                started = time.perf_counter()
                profiler.enable()
                for _ in range(count):
                    await client.post("/graphql", json=body)
                profiler.disable()
                elapsed = time.perf_counter() - started
        finally:
            await db.dispose()
        lines.append(f"  profile: {label}, {count} requests in process, {elapsed / count * 1000:.1f} ms each")
        lines += profile_lines(pstats.Stats(profiler), top=8)
    return lines


# --- main ------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=int, default=10_000, help="endpoints in the data set (default 10000)")
    parser.add_argument("--subscribers", type=int, default=500, help="subscribers, spread over 2 replicas (500)")
    parser.add_argument("--baseline-subscribers", type=int, default=10, help="subscribers of the baseline (10)")
    parser.add_argument("--mutations", type=int, default=50, help="measured mutations per delivery run (50)")
    parser.add_argument("--batch", type=int, default=25, help="subscriptions opened concurrently (25)")
    parser.add_argument("--requests", type=int, default=30, help="timed page requests per server (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed page requests per server (3)")
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput run per target, seconds (10)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections of the load (8)")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL URL to create the bench database from")
    parser.add_argument("--profile", action="store_true", help="also profile fan-out, small query and page (cProfile)")
    # Internal: the baseline server of benchmark 3, started by this script in a subprocess.
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--cache-url", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint-uuid", help=argparse.SUPPRESS)
    parser.add_argument("--serve-profiled", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        return serve_baseline(args)
    if args.serve_profiled:
        return serve_profiled(args)
    if args.subscribers < 2 or args.baseline_subscribers < 2 or args.mutations < 1 or args.requests < 1:
        parser.error("--subscribers and --baseline-subscribers need at least 2, --mutations and --requests 1")

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"pjsip-graph live benchmarks: Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{cores} cores, load average {os.getloadavg()[0]:.1f}; {code_state()}",
        flush=True,
    )
    started = time.perf_counter()
    redis_db = pick_redis_db()
    redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}"
    name = f"pjsip_graph_benchlive_{os.getpid()}"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    url = with_database(args.pg_url, name)
    out: list[str] = []
    config_uuids: set[str] = set()
    written_name = "?"
    with tempfile.TemporaryDirectory(prefix="pjsip-graph-benchlive-") as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "data"
        procs = Processes(workdir)
        run_async(pg_admin(args.pg_url, drop, f'CREATE DATABASE "{name}"'))
        try:
            with data_dir_env(data_dir):
                print(f"[data] generating {args.endpoints} endpoints in {name} ...", flush=True)
                data: BenchData = run_async(generate_data(url, endpoints=args.endpoints, slug=SLUG))
            print(f"[data] {data.summary()}", flush=True)
            token = (data_dir / "admin.token").read_text().strip()
            facts = run_async(db_facts(url, data.tenant_uuid))
            config_uuids = facts["config_uuids"]
            (written_uuid, written_name), (read_uuid, read_name) = facts["endpoints"][1], facts["endpoints"][2]
            out += run_all(args, procs, url, data_dir, redis_url, token, data, written_uuid, read_uuid, read_name)
        finally:
            procs.stop_all()
            with contextlib.suppress(Exception):  # every configuration now, the delivery test's tenant included
                config_uuids |= run_async(all_config_uuids(url))
            with contextlib.suppress(Exception):
                run_async(pg_admin(args.pg_url, drop))
            with contextlib.suppress(Exception):
                deleted = clean_redis(redis_db, config_uuids)
                print(f"[cleanup] stopped every server; dropped {name}; deleted {deleted} Redis keys (db {redis_db})")
    print()
    print("\n".join(out))
    print(
        f"\nwritten endpoint {written_name}; load average at the end {os.getloadavg()[0]:.1f}; "
        f"total {time.perf_counter() - started:.0f} s"
    )
    return 0


def run_all(
    args: argparse.Namespace,
    procs: Processes,
    url: str,
    data_dir: Path,
    redis_url: str,
    token: str,
    data: BenchData,
    written_uuid: UUID,
    read_uuid: UUID,
    read_name: str,
) -> list[str]:
    out: list[str] = []
    env = server_env(url, data_dir, PJSIP_GRAPH_CACHE_URL=redis_url)
    print(f"[replicas] deploy/run-replicas.sh 2 (cache {redis_url}) ...", flush=True)
    script, ports = start_replicas(procs, env, 2)
    pids = replica_pids(script, ports)
    live_uuid = small_tenant(ports[0], token)

    # 1. delivery latency (writes to a one-endpoint tenant; the subscription is engine-wide)
    deliveries = []
    for label, count in (("baseline", args.baseline_subscribers), ("measured", args.subscribers)):
        print(f"[delivery] {count} subscribers, {args.mutations} mutations ...", flush=True)
        deliveries.append(
            run_async(measure_delivery(label, url, ports, pids, token, live_uuid, count, args.mutations, args.batch))
        )
    base, big = deliveries
    out.append("== 1. delivery latency, mutation response -> event at every subscriber (2 replicas, PG + Redis)")
    for d in deliveries:
        out += delivery_rows(d)
    p99, p99_base = pct(big.from_response, 99), pct(base.from_response, 99)
    p99c, p99c_base = pct(big.from_created, 99), pct(base.from_created, 99)
    last, last_base = pct(big.last_arrival, 50), pct(base.last_arrival, 50)
    marginal = (big.cpu_per_event_ms - base.cpu_per_event_ms) / max(1, big.subscribers - base.subscribers) * 1000
    out += [
        f"  ratios {big.subscribers} / {base.subscribers} subscribers: p99 from response {ratio_text(p99, p99_base)}, "
        f"p99 from createdAt {ratio_text(p99c, p99c_base)}, median time to reach the last subscriber "
        f"{ratio_text(last, last_base)}",
        f"  replica CPU per extra subscriber per event: {marginal:.0f} µs "
        f"(({big.cpu_per_event_ms:.0f} - {base.cpu_per_event_ms:.0f}) ms per mutation / "
        f"{big.subscribers - base.subscribers} subscribers)",
        f"  target p99 < {DELIVERY_P99_TARGET_MS:.0f} ms with {big.subscribers} subscribers: "
        f"{verdict(p99 < DELIVERY_P99_TARGET_MS)} ({p99:.1f} ms from the response; {p99c:.1f} ms from createdAt)",
    ]
    integrity_ok = all(d.exact == d.subscribers and not d.problems for d in deliveries)
    out.append(f"  every subscriber got every seq exactly once, in order: {'yes' if integrity_ok else 'NO (bug)'}")
    window = measure_window_since()
    out.append(
        "  EventHub Window.since(head - 1) (called by every subscriber on every wake-up): "
        + ", ".join(f"{size} records held: {us:.1f} µs" for size, us in window)
    )
    print("[mutations] updateEndpoint round trips, one-endpoint tenant vs 10,000-endpoint tenant ...", flush=True)
    trips = mutation_round_trips(ports[0], token, {"one-endpoint tenant": live_uuid, "bench tenant": written_uuid}, 3)
    out.append(
        "  updateEndpoint (one callerid, no subscriber) round trip p50: "
        + ", ".join(
            f"{name} {pct(values, 50):.0f} ms (runs {', '.join(f'{v:.0f}' for v in values)})"
            for name, values in trips.items()
        )
    )

    # 3. throughput (on replica 0, Redis cache warm) vs a minimal Starlette route on the same cache
    print("[throughput] starting the baseline server ...", flush=True)
    baseline_port = free_port()
    baseline = procs.spawn(
        "baseline",
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve-baseline",
            "--port",
            str(baseline_port),
            "--database-url",
            url,
            "--cache-url",
            redis_url,
            "--endpoint-uuid",
            str(read_uuid),
        ],
        server_env(url, data_dir),
    )
    procs.wait_ready("baseline", baseline, baseline_port)
    print(f"[throughput] {args.seconds:.0f} s each, {args.connections} connections ...", flush=True)
    gql, ref, _ = measure_throughput(
        ports[0], pids.get(ports[0], 0), baseline_port, baseline.pid, token, read_uuid, args.seconds, args.connections
    )
    baseline_cache = httpx.get(f"http://127.0.0.1:{baseline_port}/stats", timeout=10).json()
    procs.stop(baseline)
    validation = measure_validation()
    ratio = ref.rate / gql.rate if gql.rate else float("inf")
    out.append(f"== 3. throughput of `endpoint(uuid)` ({read_name}), {args.connections} connections, httpx client")
    for load in (gql, ref):
        per_request = load.server_cpu_s / max(1, load.requests) * 1000
        out.append(
            f"  {load.name:<9} {load.rate:8.0f} req/s  ({load.requests} in {load.seconds:.1f} s, {load.errors} errors; "
            f"latency p50 {pct(load.latencies_ms, 50):.1f} ms p99 {pct(load.latencies_ms, 99):.1f} ms; "
            f"server CPU {per_request:.2f} ms/request, {load.server_cpu_s / load.seconds:.0%} of a core; "
            f"client CPU {load.client_cpu_s / load.seconds:.0%} of a core)"
        )
    cpu_ratio = (gql.server_cpu_s / max(1, gql.requests)) / max(1e-9, ref.server_cpu_s / max(1, ref.requests))
    out.append(
        f"  baseline / GraphQL req/s: {ratio:.1f}x; target within {THROUGHPUT_RATIO_TARGET:.0f}x: "
        f"{verdict(ratio <= THROUGHPUT_RATIO_TARGET)}; server CPU per request GraphQL / baseline: {cpu_ratio:.1f}x; "
        f"baseline cache {baseline_cache}"
    )
    out.append(
        f"  GraphQL validation: the {validation['rules']} rules added by the schema's limiter extensions are "
        f"{'the same' if validation['same_rules'] else 'NEW CLASSES'} from one request to the next "
        f"({'ValidationCache can hit' if validation['same_rules'] else 'so ValidationCache never hits'}); "
        f"validate_document in process: small query {validation['small query']:.1f} ms, "
        f"page query {validation['page query']:.1f} ms"
    )

    # 2. page query: Redis warm (replica 0), in-memory warm, cache off
    print("[page] starting a cache-off server and an in-memory-cache server ...", flush=True)
    off, off_port = start_server(procs, "cache-off", server_env(url, data_dir, PJSIP_GRAPH_CACHE="off"))
    memory, memory_port = start_server(procs, "cache-memory", server_env(url, data_dir))
    procs.wait_ready("cache-off", off, off_port)
    procs.wait_ready("cache-memory", memory, memory_port)
    print(f"[page] {args.requests} interleaved requests per server ...", flush=True)
    servers = {"redis warm": ports[0], "memory warm": memory_port, "cache off": off_port}
    page_pids = {"redis warm": pids.get(ports[0], 0), "memory warm": memory.pid, "cache off": off.pid}
    pages = measure_pages(servers, page_pids, token, data.tenant_uuid, args.requests, args.warmup)
    timings = pages["timings"]
    off_p50 = pct(timings["cache off"], 50)
    out.append(f"== 2. page of 100 endpoints with resolved options ({args.requests} requests each, interleaved)")
    for label, values in timings.items():
        out.append(
            f"  {label:<12} p50 {pct(values, 50):7.1f} ms  p95 {pct(values, 95):7.1f} ms   "
            f"off/this p50 {off_p50 / pct(values, 50):4.1f}x   server CPU {pages['cpu_ms'][label]:6.1f} ms/request   "
            f"cache {pages['cache'][label]}"
        )
    speedup = off_p50 / pct(timings["redis warm"], 50)
    speedup_memory = off_p50 / pct(timings["memory warm"], 50)
    out.append(
        f"  target warm >= {PAGE_SPEEDUP_TARGET:.0f}x faster than off: Redis {speedup:.1f}x {verdict(speedup >= 3)}, "
        f"memory {speedup_memory:.1f}x {verdict(speedup_memory >= 3)}; server CPU per request off / warm: "
        f"Redis {pages['cpu_ms']['cache off'] / max(1e-9, pages['cpu_ms']['redis warm']):.1f}x, "
        f"memory {pages['cpu_ms']['cache off'] / max(1e-9, pages['cpu_ms']['memory warm']):.1f}x"
    )
    parts = run_async(measure_page_parts(url, data.tenant_uuid))
    out.append(
        f"  in process, the page's 100 views: load + resolve without cache {parts['resolve_ms']:.1f} ms; "
        f"codec.decode of the 100 Redis entries {parts['decode_ms']:.1f} ms "
        f"({parts['bytes']:.0f} bytes, {parts['options']:.0f} options per view)"
    )
    if args.profile:
        print("[profile] fan-out on one profiled server, then queries in process ...", flush=True)
        out.append("== profiles (cProfile; profiler overhead included, so compare shares, not times)")
        out += profile_fanout(procs, url, data_dir, redis_url, token, live_uuid, args.subscribers // 2)
        out += run_async(profile_in_process(url, data_dir, redis_url, token, data.tenant_uuid, read_uuid))
    rss = ", ".join(f"{n} {rss_mb(p):.0f} MB" for n, p in (("replica0", pids.get(ports[0], 0)), ("off", off.pid)))
    out.append(f"  server RSS at the end: {rss}")
    return out


if __name__ == "__main__":
    sys.exit(main())
