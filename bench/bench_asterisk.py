"""Push without reload against a real Asterisk: a committed change until Asterisk serves it,
through the push agent, against `module reload res_pjsip.so` of an exported pjsip.conf.

    .venv/bin/python bench/bench_asterisk.py [--backend postgresql|sqlite] [--endpoints 10000] [--changes 40]

The product database is PostgreSQL by default; the agent is woken by each commit as
`pjsip-graph agent` is (PostgreSQL's NOTIFY, or the SQLite file changing).

Both Asterisk instances (one with the memory wizard fed by the agent, one reading pjsip.conf) hold
the same endpoints of the benchmark data set. Two kinds of change:

* one endpoint's `callerid`: the clock starts when the service call that commits it returns and
  stops when Asterisk serves the new value (ARI GET for the pushed instance, `pjsip show endpoint`
  for the reloaded one);
* a template change reaching every endpoint (`moh_suggest` set in `general`, which no other
  template sets): the clock starts when the commit returns and stops when the agent has applied
  the engine's head (every endpoint replaced) and a sample serves the value, against one export,
  write and reload.

The ratios of the same run are what to compare. Benchmarks never fail.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_core import PG_ADMIN_URL, fresh_database  # noqa: E402
from common import proc_cpu  # noqa: E402

from app.asterisk.ari import Agent, AriClient, AriNotFound  # noqa: E402
from app.cli.agent import commit_listener  # noqa: E402
from app.cli.bench_data import generate_data  # noqa: E402
from app.db.database import Database  # noqa: E402
from app.db.models import SipConfig  # noqa: E402
from app.domain.resolution import ConfigKind  # noqa: E402
from app.domain.sections import Section  # noqa: E402
from app.events.records import engine_heads  # noqa: E402
from app.services import configs  # noqa: E402
from app.services.exports import TemplateMode, pjsip_conf  # noqa: E402
from app.services.operator import operator_caller  # noqa: E402
from app.services.snapshots import ConfigRecord  # noqa: E402
from tests.asterisk.live.instance import AsteriskInstance, loopback_transport, start_asterisk  # noqa: E402
from tests.asterisk.live.test_sip_end_to_end import _without_transports  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def poll(read: Callable[[], Awaitable[str]], wanted: str, interval: float) -> None:
    """Read until ``wanted`` appears in what Asterisk answers (another process: no event to await)."""
    while True:
        if wanted in await read():
            return
        await asyncio.sleep(interval)


async def first_endpoints(db: Database, tenant: UUID, count: int) -> list[tuple[UUID, str]]:
    table = SipConfig.__table__  # type: ignore[attr-defined]
    query = (
        sa.select(table.c.uuid, table.c.name)
        .where(table.c.tenant_uuid == tenant, table.c.kind == ConfigKind.ENDPOINT.value)
        .order_by(table.c.name)
        .limit(count)
    )
    async with db.reading() as session:
        return [(UUID(str(u)), str(n)) for u, n in (await session.execute(query)).all()]


async def set_callerid(db: Database, uuid: UUID, name: str, callerid: str) -> None:
    caller = await operator_caller(db)
    async with db.reading() as session:
        current = ConfigRecord.of(await configs.get_config(session, caller, uuid, ConfigKind.ENDPOINT)).sections
    endpoint = tuple((k, v) for k, v in current.get(Section.ENDPOINT, ()) if k != "callerid")
    patch = configs.ConfigPatch(sections={Section.ENDPOINT: (*endpoint, ("callerid", f"<{callerid}>"))})
    await configs.update_config(db, caller, ConfigKind.ENDPOINT, uuid, patch, expected_revision=None, dry_run=False)


async def served_callerid(client: AriClient, name: str) -> str:
    """The served callerid; empty while the endpoint is being replaced (DELETE then PUT)."""
    try:
        return dict(await client.get("endpoint", name)).get("callerid", "")
    except AriNotFound:
        return ""


async def measure_push(db: Database, client: AriClient, endpoints: list[tuple[UUID, str]]) -> list[float]:
    latencies = []
    for i, (uuid, name) in enumerate(endpoints):
        wanted = f"push{i}"
        await set_callerid(db, uuid, name, wanted)
        start = time.perf_counter()
        await poll(functools.partial(served_callerid, client, name), wanted, 0.002)
        latencies.append(time.perf_counter() - start)
    return latencies


async def set_general(db: Database, general: UUID, value: str) -> None:
    """Set `moh_suggest` in the `general` template: every endpoint inherits it."""
    caller = await operator_caller(db)
    async with db.reading() as session:
        current = ConfigRecord.of(await configs.get_config(session, caller, general, ConfigKind.TEMPLATE)).sections
    endpoint = tuple((k, v) for k, v in current.get(Section.ENDPOINT, ()) if k != "moh_suggest")
    patch = configs.ConfigPatch(sections={Section.ENDPOINT: (*endpoint, ("moh_suggest", value))})
    await configs.update_config(db, caller, ConfigKind.TEMPLATE, general, patch, expected_revision=None, dry_run=False)


async def head_seq(db: Database) -> int:
    return next(h.last_seq for h in (await engine_heads(db)).values() if h.name == "default")


@dataclass(frozen=True, slots=True)
class TemplatePush:
    commit_s: float
    applied_s: float
    updates: int
    agent_cpu_s: float  # this process: the agent, and the commit's few statements after it returned
    asterisk_cpu_s: float


async def measure_template_push(
    db: Database,
    agent: Agent,
    client: AriClient,
    ast: AsteriskInstance,
    general: UUID,
    sample: list[tuple[UUID, str]],
    value: str,
) -> TemplatePush:
    """Commit time, then time (and CPU) until the agent applied every update and the sample serves ``value``."""
    assert ast.process is not None
    before = await head_seq(db)
    start = time.perf_counter()
    await set_general(db, general, value)
    committed = time.perf_counter()
    cpu_before, asterisk_before = time.process_time(), proc_cpu(ast.process.pid) or 0.0
    head = await head_seq(db)

    async def reached() -> str:
        return "reached" if agent.position >= head else ""

    await poll(reached, "reached", 0.01)
    applied = time.perf_counter() - committed
    agent_cpu = time.process_time() - cpu_before
    asterisk_cpu = (proc_cpu(ast.process.pid) or 0.0) - asterisk_before
    for _, name in sample:
        if dict(await client.get("endpoint", name)).get("moh_suggest") != value:
            raise RuntimeError(f"{name} does not serve moh_suggest={value}")
    return TemplatePush(committed - start, applied, head - before, agent_cpu, asterisk_cpu)


async def measure_template_reload(
    db: Database, ast: AsteriskInstance, tenant: UUID, general: UUID, name: str, value: str
) -> tuple[float, float]:
    """Commit time, then export, write, one reload, until an endpoint serves ``value``."""
    start = time.perf_counter()
    await set_general(db, general, value)
    committed = time.perf_counter()
    ast.write_config("pjsip.conf", loopback_transport(ast.sip_port) + await export(db, tenant))
    await asyncio.to_thread(ast.cli, "module reload res_pjsip.so")
    await poll(functools.partial(asyncio.to_thread, ast.cli, f"pjsip show endpoint {name}"), value, 0.01)
    return committed - start, time.perf_counter() - committed


async def export(db: Database, tenant: UUID) -> str:
    caller = await operator_caller(db)
    text = await pjsip_conf(db, caller, engine="default", tenant_uuid=tenant, mode=TemplateMode.FLAT)
    return _without_transports(text)


async def measure_reload(
    db: Database, ast: AsteriskInstance, tenant: UUID, endpoints: list[tuple[UUID, str]]
) -> list[float]:
    """Per change: export pjsip.conf, write it, reload res_pjsip, wait until the value is served."""
    latencies = []
    for i, (uuid, name) in enumerate(endpoints):
        wanted = f"reload{i}"
        await set_callerid(db, uuid, name, wanted)
        start = time.perf_counter()
        ast.write_config("pjsip.conf", loopback_transport(ast.sip_port) + await export(db, tenant))
        await asyncio.to_thread(ast.cli, "module reload res_pjsip.so")
        await poll(functools.partial(asyncio.to_thread, ast.cli, f"pjsip show endpoint {name}"), wanted, 0.01)
        latencies.append(time.perf_counter() - start)
    return latencies


async def main(url: str, work: Path, endpoints: int, changes: int, reloads: int) -> None:
    data = await generate_data(url, endpoints=endpoints, slug="bench")
    db = Database(url)
    pushed = start_asterisk(work / "pushed", push_config=True)
    reloaded = start_asterisk(work / "reloaded", pjsip_conf=await export(db, data.tenant_uuid))
    client = AriClient(pushed.ari_url, pushed.ari_user, pushed.ari_password)
    # as `pjsip-graph agent` runs: woken by NOTIFY on PostgreSQL, by the file changing on SQLite
    agent = Agent(db, client, checkpoint_path=work / "agent.checkpoint")
    listener = commit_listener(db, agent)
    print(
        f"product database: {'SQLite' if db.is_sqlite else 'PostgreSQL'}; agent woken by "
        f"{type(listener).__name__}; {agent.concurrency} requests in flight at most"
    )
    stop = asyncio.Event()
    try:
        if listener is not None:
            await listener.start()
        start = time.perf_counter()
        while await agent.run_once():
            pass
        print(f"initial push of {endpoints} endpoints ({agent.position} updates): {time.perf_counter() - start:.1f} s")
        task = asyncio.create_task(agent.run(stop))
        sample = await first_endpoints(db, data.tenant_uuid, max(changes, reloads))
        async with AriClient(pushed.ari_url, pushed.ari_user, pushed.ari_password) as observer:
            push = await measure_push(db, observer, sample[:changes])
            template_push = await measure_template_push(
                db, agent, observer, pushed, data.general_uuid, sample, "pushedmoh"
            )
        stop.set()
        await task
        reload = await measure_reload(db, reloaded, data.tenant_uuid, sample[:reloads])
        template_reload = await measure_template_reload(
            db, reloaded, data.tenant_uuid, data.general_uuid, sample[0][1], "reloadedmoh"
        )
    finally:
        for ast in (pushed, reloaded):
            if ast.process is not None and ast.process.poll() is not None:
                print(f"Asterisk {ast.root.name} exited with {ast.process.returncode}:\n{ast.messages()[-2000:]}")
        stop.set()
        if listener is not None:
            await listener.stop()
        await client.aclose()
        pushed.stop()
        reloaded.stop()
        await db.dispose()
    p50, p99 = statistics.median(push), percentile(push, 0.99)
    r50, r99 = statistics.median(reload), percentile(reload, 0.99)
    print(f"push agent ({changes} changes): p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    print(f"export + module reload res_pjsip.so ({reloads} changes): p50 {r50:.2f} s, p99 {r99:.2f} s")
    print(f"reload / push: p50 {r50 / p50:.0f}x, p99 {r99 / p99:.0f}x")
    t = template_push
    reload_commit, reloaded_in = template_reload
    print(
        f"template change reaching {endpoints} endpoints: commit {t.commit_s:.2f} s ({t.updates} updates); "
        f"push agent until applied {t.applied_s:.1f} s (CPU: agent {t.agent_cpu_s:.1f} s, "
        f"Asterisk {t.asterisk_cpu_s:.1f} s); export + one reload {reloaded_in:.2f} s (commit {reload_commit:.2f} s)"
    )
    print(f"template change, push / reload: {t.applied_s / reloaded_in:.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=10000)
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL URL to create the bench database from")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "data").mkdir(mode=0o700)
        os.environ.setdefault("PJSIP_GRAPH_DATA_DIR", str(work / "data"))
        with fresh_database(args.backend, work, args.pg_url) as url:
            asyncio.run(main(url, work, args.endpoints, args.changes, args.reloads))
