"""Growth: the template change, pages, export and import from 1,000 to 100,000 endpoints.

    .venv/bin/python bench/bench_growth.py                          # 1,000 / 10,000 / 50,000 / 100,000, PostgreSQL
    .venv/bin/python bench/bench_growth.py --sizes 1000,5000        # quick
    .venv/bin/python bench/bench_growth.py --backend sqlite --profile-size 50000

For each size, on a fresh database holding one tenant of the benchmark data
set (app/cli/bench_data.py):

a) a fresh `pjsip-graph serve` process (fresh so that its VmHWM, the process's
   peak RSS, belongs to this size alone): the `general` template change over
   HTTP, which re-resolves every endpoint (wall, server CPU seconds, server
   peak RSS). The first change of a fresh server reads the tenant's graph
   whole and is reported on its own; the server keeps the graph
   (app/db/tenant_graphs.py), so the timed changes after it read only its
   stamps. Then, on the same server, the first page of 100 endpoints with
   resolved options and a deep one 90% through the list, reached with the
   cursor of the row before it, as bench_deep_pages.py does (p50 of each);
b) one fresh server per export mode: the tenant's pjsip.conf export over HTTP
   (`pjsipConf`, flat and native): wall, size, the server's peak RSS growth;
   then the same through the download (`GET /export/pjsip.conf`, streamed to
   a file), each on a fresh server too;
c) `pjsip-graph import pjsip-conf` (a CLI process) of the native export into
   a new tenant of the same database, its endpoints renamed because endpoint
   names are unique per engine: wall and the process's peak RSS.

It prints the measures per size, each one's ratio to the smallest run per
1,000 endpoints (1.00 = linear), and the targets: the change at 50,000 in
< 5 s with peak RSS < 600 MB; at 100,000 within 1.3x the 10,000 run's time per
endpoint with RSS < 1 GB; the deep page at 100,000 within 1.2x the first page.

Benchmarks are not pass/fail: the exit code is 0, a missed target prints MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import importlib
import io
import mmap
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
try:
    import app  # noqa: F401  (installed in editable mode)
except ImportError:  # pragma: no cover - running from a checkout without install
    sys.path.insert(0, str(REPO))

from bench_core import (  # noqa: E402
    OWN_OPTIONS_QUERY,
    PG_ADMIN_URL,
    UPDATE_MUTATION,
    _pg_problem,
    cpu_delta,
    fresh_database,
    proc_status,
    running_server,
)
from bench_interop import CLI, _fresh  # noqa: E402
from common import code_state, cpu_since, data_dir_env, graphql, postgres_backends_cpu, proc_cpu, verdict  # noqa: E402

from app.cli.bench_data import BenchData, generate_data  # noqa: E402
from app.db.database import Database  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000, 50_000, 100_000)
PAGE = 100
DEEP_SHARE = 0.9
# The cursor walk asks for the largest page the server allows, and only the cursor.
WALK_PAGE = 500

CHANGE_50K_S = 5.0
CHANGE_50K_RSS_MB = 600.0
LINEAR_100K = 1.3
CHANGE_100K_RSS_MB = 1024.0
DEEP_100K = 1.2

# bench_core.py's page selection, with the cursor to start after.
PAGE_QUERY = """
query Page($tenant: UUID!, $after: String) {
  endpoints(tenantUuid: $tenant, first: 100, after: $after) {
    edges { node { name resolved {
      endpoint { key value origin { name } inherited }
      aor { key value }
      auth { key value }
    } } }
  }
}
"""
CURSOR_QUERY = """
query Walk($tenant: UUID!, $first: Int!, $after: String) {
  endpoints(tenantUuid: $tenant, first: $first, after: $after) { pageInfo { endCursor } }
}
"""
EXPORT_QUERY = """
query Export($tenant: UUID!, $templates: PjsipTemplates!) {
  pjsipConf(tenantUuid: $tenant, templates: $templates)
}
"""
# The data set's endpoint names are `<slug>-NNNNNN`; template section names are `tpl:<slug>:...`, untouched.
ENDPOINT_NAME = re.compile(r"\bbench-(\d{6})\b")
IMPORT_SLUG = "copy"
CREATED = re.compile(r"created: (\d+) templates, (\d+) endpoints")


@dataclass
class Run:
    """Everything measured at one size; None where a phase failed or did not run."""

    endpoints: int
    generate_s: float | None = None
    start_s: float | None = None  # server start until /healthz answers
    change_s: list[float] = field(default_factory=list)
    change_cpu_s: list[float] = field(default_factory=list)
    change_db_cpu_s: list[float] = field(default_factory=list)  # PostgreSQL backends of the bench database
    change_updates: list[int] = field(default_factory=list)
    first_change_s: float | None = None  # the fresh server's first change: the tenant's graph read whole
    first_change_cpu_s: float | None = None
    rss_start_kb: int | None = None
    change_peak_kb: int | None = None
    change_end_kb: int | None = None
    first_ms: list[float] = field(default_factory=list)
    deep_ms: list[float] = field(default_factory=list)
    walk_s: float | None = None
    export_s: dict[str, float] = field(default_factory=dict)
    export_mb: dict[str, float] = field(default_factory=dict)
    export_growth_kb: dict[str, int] = field(default_factory=dict)
    export_peak_kb: dict[str, int] = field(default_factory=dict)
    import_s: float | None = None
    import_rss_kb: int | None = None
    import_file_mb: float | None = None
    notes: list[str] = field(default_factory=list)
    diagnosis: str = ""

    @property
    def change(self) -> float | None:
        return statistics.median(self.change_s) if self.change_s else None

    @property
    def change_cpu(self) -> float | None:
        return statistics.median(self.change_cpu_s) if self.change_cpu_s else None

    @property
    def change_db_cpu(self) -> float | None:
        return statistics.median(self.change_db_cpu_s) if self.change_db_cpu_s else None

    @property
    def change_peak_mb(self) -> float | None:
        return None if self.change_peak_kb is None else self.change_peak_kb / 1024

    @property
    def change_growth_mb(self) -> float | None:
        if self.change_peak_kb is None or self.rss_start_kb is None:
            return None
        return (self.change_peak_kb - self.rss_start_kb) / 1024

    @property
    def first(self) -> float | None:
        return statistics.median(self.first_ms) if self.first_ms else None

    @property
    def deep(self) -> float | None:
        return statistics.median(self.deep_ms) if self.deep_ms else None


STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f} s] {message}", flush=True)


@contextlib.contextmanager
def phase(run: Run, name: str) -> Iterator[None]:
    """Time a phase; a failure is recorded as a finding and the next phase still runs."""
    log(f"{run.endpoints}: {name} ...")
    started = time.perf_counter()
    try:
        yield
    except Exception as exc:  # any failure at a size is a result to report, not a reason to stop
        run.notes.append(f"{name} FAILED after {time.perf_counter() - started:.1f} s: {type(exc).__name__}: {exc}")
        log(f"{run.endpoints}: {name} FAILED: {type(exc).__name__}: {str(exc)[:500]}")
    else:
        log(f"{run.endpoints}: {name} done in {time.perf_counter() - started:.1f} s")


def server_died(proc: subprocess.Popen[bytes], log_path: Path) -> str | None:
    if proc.poll() is None:
        return None
    return f"the server exited with {proc.returncode}: {log_path.read_text(errors='replace')[-1500:]}"


def kb(status: dict[str, int], key: str) -> int:
    if key not in status:
        raise RuntimeError(f"no {key} in /proc/<pid>/status (not Linux?)")
    return status[key]


def backend_cpu(url: str | None) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving the bench database ({} on SQLite).

    The server's own CPU leaves out the database's share of a change; the
    backends are processes of this machine, so /proc tells theirs.
    """
    return postgres_backends_cpu(url.rsplit("/", 1)[1]) if url is not None else {}


def backend_cpu_delta(before: dict[int, float], after: dict[int, float]) -> float | None:
    return cpu_since(before, after) if after else None


# --- a) template change and pages -------------------------------------------------------------------------------


def measure_change(client: httpx.Client, pid: int, data: BenchData, changes: int, pg_url: str | None, run: Run) -> None:
    general = {"uuid": str(data.general_uuid)}
    _, own = graphql(client, OWN_OPTIONS_QUERY, general)
    options = own["template"]["own"]["endpoint"]
    current = next(o["value"] for o in options if o["key"] == "dtmf_mode")
    # One endpoint in ten sets its own dtmf_mode and no other template sets it: the rest change.
    expected = data.endpoints - (data.endpoints + 9) // 10
    run.rss_start_kb = kb(proc_status(pid), "VmRSS")
    first = True
    while len(run.change_s) < changes:
        current = "info" if current == "rfc4733" else "rfc4733"
        toggled = [{"key": o["key"], "value": current if o["key"] == "dtmf_mode" else o["value"]} for o in options]
        db_before = backend_cpu(pg_url)
        cpu = proc_cpu(pid)
        elapsed, payload = graphql(client, UPDATE_MUTATION, {**general, "options": toggled})
        spent = cpu_delta(cpu, pid)
        db_spent = backend_cpu_delta(db_before, backend_cpu(pg_url))
        result = payload["updateTemplate"]["changes"]
        updates = len(result["sorceryUpdates"])
        log(
            f"{data.endpoints}: change {elapsed:.2f} s wall, {spent or 0:.2f} s server CPU, "
            f"{db_spent or 0:.2f} s database CPU, {updates} updates"
        )
        if result["affectedEndpoints"] != data.endpoints or updates != expected:
            run.notes.append(
                f"change: affectedEndpoints {result['affectedEndpoints']} (expected {data.endpoints}), "
                f"{updates} Sorcery updates (expected {expected})"
            )
        if first:
            # A fresh server has no graph of the tenant yet: it reads it whole (and keeps it).
            first = False
            run.first_change_s, run.first_change_cpu_s = elapsed, spent
            continue
        run.change_s.append(elapsed)
        if spent is not None:
            run.change_cpu_s.append(spent)
        if db_spent is not None:
            run.change_db_cpu_s.append(db_spent)
        run.change_updates.append(updates)
    status = proc_status(pid)
    run.change_peak_kb, run.change_end_kb = kb(status, "VmHWM"), kb(status, "VmRSS")


def deep_cursor(client: httpx.Client, data: BenchData, run: Run) -> str | None:
    """The cursor of the row just before DEEP_SHARE of the list, by walking it in large cursor-only pages."""
    target = int(data.endpoints * DEEP_SHARE)
    tenant = str(data.tenant_uuid)
    seen, after = 0, None
    started = time.perf_counter()
    while seen < target:
        first = min(WALK_PAGE, target - seen)
        _, page = graphql(client, CURSOR_QUERY, {"tenant": tenant, "first": first, "after": after})
        after = page["endpoints"]["pageInfo"]["endCursor"]
        seen += first
    run.walk_s = time.perf_counter() - started
    return after


def measure_pages(client: httpx.Client, data: BenchData, requests: int, run: Run) -> None:
    tenant = str(data.tenant_uuid)
    deep = deep_cursor(client, data, run)
    expected_edges = min(PAGE, data.endpoints)
    deep_edges = min(PAGE, data.endpoints - int(data.endpoints * DEEP_SHARE))
    deep_name = f"bench-{int(data.endpoints * DEEP_SHARE):06d}"

    def page(after: str | None, edges: int) -> tuple[float, str]:
        elapsed, body = graphql(client, PAGE_QUERY, {"tenant": tenant, "after": after})
        got = body["endpoints"]["edges"]
        if len(got) != edges or not got[0]["node"]["resolved"]["endpoint"]:
            raise RuntimeError(f"unexpected page: {len(got)} edges, expected {edges}")
        return elapsed * 1000, got[0]["node"]["name"]

    page(None, expected_edges)  # warm-up of each, not timed
    _, name = page(deep, deep_edges)
    if name != deep_name:
        run.notes.append(f"the deep page starts at {name}, expected {deep_name}")
    # Interleaved, so that a slower moment of a shared machine weighs on both alike.
    for _ in range(requests):
        run.first_ms.append(page(None, expected_edges)[0])
        run.deep_ms.append(page(deep, deep_edges)[0])


# --- b) exports -------------------------------------------------------------------------------------------------


def measure_export(client: httpx.Client, pid: int, data: BenchData, mode: str, run: Run) -> str:
    graphql(client, "{ __typename }", {})  # the first request's one-time costs stay out of the export
    before = proc_status(pid)
    elapsed, body = graphql(client, EXPORT_QUERY, {"tenant": str(data.tenant_uuid), "templates": mode.upper()})
    after = proc_status(pid)
    text: str = body["pjsipConf"]
    run.export_s[mode] = elapsed
    run.export_mb[mode] = len(text.encode()) / 1e6
    run.export_peak_kb[mode] = kb(after, "VmHWM")
    # Growth of the peak over the resident set just before the request: what the export itself held at once.
    run.export_growth_kb[mode] = kb(after, "VmHWM") - kb(before, "VmRSS")
    if kb(after, "VmHWM") == kb(before, "VmHWM"):
        run.notes.append(f"{mode} export stayed below the server's start-up peak: its growth is an upper bound")
    if f"[bench-{data.endpoints - 1:06d}]" not in text:
        raise RuntimeError(f"the {mode} export lacks the last endpoint")
    return text


def measure_download(client: httpx.Client, pid: int, data: BenchData, mode: str, run: Run, path: Path) -> None:
    """The same file from `GET /export/pjsip.conf`, streamed to ``path``: written by the server a part at a time."""
    graphql(client, "{ __typename }", {})
    before = proc_status(pid)
    key = f"{mode} download"
    start = time.perf_counter()
    params = {"tenant": str(data.tenant_uuid), "templates": mode}
    with client.stream("GET", "/export/pjsip.conf", params=params) as response, path.open("wb") as out:
        if response.status_code != 200:
            raise RuntimeError(f"{key}: HTTP {response.status_code}: {response.read()[:300]!r}")
        for chunk in response.iter_bytes():
            out.write(chunk)
    run.export_s[key] = time.perf_counter() - start
    after = proc_status(pid)
    run.export_mb[key] = path.stat().st_size / 1e6
    run.export_peak_kb[key] = kb(after, "VmHWM")
    run.export_growth_kb[key] = kb(after, "VmHWM") - kb(before, "VmRSS")
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as text:
        if text.find(f"[bench-{data.endpoints - 1:06d}]".encode()) < 0:
            raise RuntimeError(f"the {key} lacks the last endpoint")


# --- c) import --------------------------------------------------------------------------------------------------


def run_import(file: Path, url: str, data_dir: Path, data: BenchData, run: Run) -> None:
    """`pjsip-graph import pjsip-conf` into a new tenant, as a process of its own: wall and peak RSS."""
    asyncio.run(_fresh(url, data_dir, IMPORT_SLUG))
    env = {**os.environ, "PJSIP_GRAPH_DATABASE_URL": url, "PJSIP_GRAPH_DATA_DIR": str(data_dir)}
    output_path = file.with_suffix(".out")
    started = time.perf_counter()
    with output_path.open("wb") as output:
        process = subprocess.Popen(
            [*CLI, "import", "pjsip-conf", str(file), "--tenant", IMPORT_SLUG],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if process.returncode is None:  # interrupted while it ran: stop it, by its pid
                process.kill()
                process.wait(timeout=30)
    took = time.perf_counter() - started
    text = output_path.read_text(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"the import exited with {process.returncode}: {text[-1500:]}")
    created = CREATED.search(text)
    if created is None or int(created.group(2)) != data.endpoints:
        raise RuntimeError(f"the import did not create {data.endpoints} endpoints: {text[-500:]}")
    run.import_s = took
    run.import_rss_kb = usage.ru_maxrss  # kB on Linux


# --- diagnosis: the change's phases, in process -----------------------------------------------------------------

# (module, function, what it does): the steps of a template change (app/services/configs.py `_finish`,
# app/record/sync.py `_sync_endpoints`), looked up by name so that a renamed one is skipped, not fatal.
PHASES = (
    ("app.services.configs", "load_tenant_graph", "load the tenant graph"),
    ("app.services.configs", "_template_reach", "find inheritors, check limits"),
    ("app.services.configs", "bump_resolution", "bump the resolution version"),
    ("app.record.sync", "desired_endpoint_objects", "resolve, build objects"),
    ("app.record.sync", "recorded_object_texts", "read recorded objects"),
    ("app.record.sync", "_plan", "compare texts, diff"),
    ("app.record.sync", "prepare_record", "store states, make update rows"),
    ("app.record.sync", "number_record", "claim, number, write updates"),
    ("app.db.database", "release", "free after the commit"),
)


def rss_mb() -> float:
    return kb(proc_status(os.getpid()), "VmRSS") / 1024


@contextlib.contextmanager
def traced(marks: list[tuple[str, float, float, float]], collections: list[float]) -> Iterator[None]:
    """Time each phase (seconds, this process's CPU seconds, RSS at its end) and every full collection
    of the cycle collector. What a phase waits for beyond its CPU is mostly the database."""
    started: list[float] = [0.0]

    def on_gc(stage: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if stage == "start":
            started[0] = time.perf_counter()
        else:
            collections.append(time.perf_counter() - started[0])

    def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        if asyncio.iscoroutinefunction(function):

            async def run_async(*args: Any, **kwargs: Any) -> Any:
                begun, cpu = time.perf_counter(), time.process_time()
                result = await function(*args, **kwargs)
                marks.append((label, time.perf_counter() - begun, time.process_time() - cpu, rss_mb()))
                return result

            return run_async

        def run_sync(*args: Any, **kwargs: Any) -> Any:
            begun, cpu = time.perf_counter(), time.process_time()
            result = function(*args, **kwargs)
            marks.append((label, time.perf_counter() - begun, time.process_time() - cpu, rss_mb()))
            return result

        return run_sync

    originals: list[tuple[Any, str, Any]] = []
    for module_name, name, label in PHASES:
        module = importlib.import_module(module_name)
        function = getattr(module, name, None)
        if function is not None:
            originals.append((module, name, function))
            setattr(module, name, timed(label, function))
    gc.callbacks.append(on_gc)
    try:
        yield
    finally:
        gc.callbacks.remove(on_gc)
        for module, name, function in originals:
            setattr(module, name, function)


@contextlib.contextmanager
def on_this_thread() -> Iterator[None]:
    """cProfile sees only its own thread: keep a big change's resolving and diffing off the worker thread."""
    sync = importlib.import_module("app.record.sync")
    previous = getattr(sync, "OFF_LOOP_ENDPOINTS", None)
    setattr(sync, "OFF_LOOP_ENDPOINTS", sys.maxsize)  # noqa: B010  (a module found by name: no static attribute)
    try:
        yield
    finally:
        setattr(sync, "OFF_LOOP_ENDPOINTS", previous)  # noqa: B010


async def diagnose(url: str, data_dir: Path, data: BenchData, profile: bool, top: int) -> str:
    """The application in this process (ASGI, no socket): a warm-up change, one traced, one profiled if asked."""
    from app.api.app import create_app
    from app.settings import Settings

    db = Database(url)
    asgi = create_app(Settings(data_dir=data_dir, database_url=url, log_level="warning"), db=db, migrate=False)
    headers = {"Authorization": f"Bearer {(data_dir / 'admin.token').read_text().strip()}"}
    gc.collect()
    gc.freeze()  # as `serve` does after start-up: what exists now is not rescanned by each collection
    out = io.StringIO()
    try:
        async with (
            asgi.router.lifespan_context(asgi),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=asgi), base_url="http://bench", headers=headers, timeout=3600
            ) as client,
        ):

            async def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
                body: dict[str, Any] = (
                    await client.post("/graphql", json={"query": query, "variables": variables})
                ).json()
                if body.get("errors"):
                    raise RuntimeError(f"GraphQL errors: {body['errors']}")
                result: dict[str, Any] = body["data"]
                return result

            general = {"uuid": str(data.general_uuid)}
            own = (await post(OWN_OPTIONS_QUERY, general))["template"]["own"]["endpoint"]
            state = {"dtmf": next(o["value"] for o in own if o["key"] == "dtmf_mode")}

            def change() -> Awaitable[dict[str, Any]]:
                state["dtmf"] = "info" if state["dtmf"] == "rfc4733" else "rfc4733"
                toggled = [
                    {"key": o["key"], "value": state["dtmf"] if o["key"] == "dtmf_mode" else o["value"]} for o in own
                ]
                return post(UPDATE_MUTATION, {**general, "options": toggled})

            await change()  # warm-up
            marks: list[tuple[str, float, float, float]] = []
            collections: list[float] = []
            start_rss = rss_mb()
            with traced(marks, collections):
                begun, cpu = time.perf_counter(), time.process_time()
                await change()
                wall, cpu = time.perf_counter() - begun, time.process_time() - cpu
            out.write(
                f"one change: {wall:.2f} s wall, {cpu:.2f} s CPU of this process; RSS {start_rss:.0f} MB before it\n"
            )
            # each phase summed over the parts of the change, in the order they first ran
            phases: dict[str, list[float]] = {}
            for label, seconds, phase_cpu, rss in marks:
                total = phases.setdefault(label, [0, 0.0, 0.0, 0.0])
                total[0] += 1
                total[1] += seconds
                total[2] += phase_cpu
                total[3] = rss
            out.write(f"  {'phase':<30} {'times':>5} {'wall':>8} {'CPU':>8}   RSS at its last end\n")
            for label, (times, seconds, phase_cpu, rss) in phases.items():
                out.write(
                    f"  {label:<30} {times:5.0f} {seconds:6.2f} s {phase_cpu:6.2f} s   "
                    f"{rss:6.0f} MB ({rss - start_rss:+.0f})\n"
                )
            rest = wall - sum(seconds for _, seconds, _, _ in marks)
            rest_cpu = cpu - sum(phase_cpu for _, _, phase_cpu, _ in marks)
            out.write(f"  {'the rest (SQL, commit, answer)':<36} {rest:6.2f} s {rest_cpu:6.2f} s\n")
            out.write(
                f"  full collections of the cycle collector during it: {len(collections)}, "
                f"{sum(collections):.2f} s ({', '.join(f'{c:.2f}' for c in collections) or '-'}), inside the phases\n"
            )
            if profile:
                profiler = cProfile.Profile()
                with on_this_thread():
                    begun = time.perf_counter()
                    profiler.enable()
                    await change()
                    profiler.disable()
                out.write(f"\none change under cProfile, all on one thread: {time.perf_counter() - begun:.2f} s\n")
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("cumulative").print_stats(r"/app/", top)
                stats.sort_stats("tottime").print_stats(top)
    finally:
        gc.unfreeze()
        await db.dispose()
    return out.getvalue()


# --- one size ---------------------------------------------------------------------------------------------------


def run_size(endpoints: int, args: argparse.Namespace) -> Run:
    run = Run(endpoints=endpoints)
    with tempfile.TemporaryDirectory(prefix="pjsip-graph-growth-") as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "data"
        data_dir.mkdir()
        with fresh_database(args.backend, workdir, args.pg_url) as url, data_dir_env(data_dir):
            log(f"{endpoints}: generating the data set ...")
            data = asyncio.run(generate_data(url, endpoints=endpoints, slug="bench"))
            run.generate_s = data.seconds
            log(f"{endpoints}: generated in {data.seconds:.1f} s ({data.sorcery_updates} Sorcery updates)")
            headers = {"Authorization": f"Bearer {(data_dir / 'admin.token').read_text().strip()}"}

            server_log = workdir / "server-change.log"
            started = time.perf_counter()
            with (
                phase(run, "server for the change and the pages"),
                running_server(url, data_dir, server_log, cache=True) as (proc, base),
                httpx.Client(base_url=base, headers=headers, timeout=args.timeout) as client,
            ):
                run.start_s = time.perf_counter() - started
                log(f"{endpoints}: server {proc.pid} answered in {run.start_s:.1f} s")
                try:
                    with phase(run, "template change"):
                        pg_url = url if args.backend == "postgresql" else None
                        measure_change(client, proc.pid, data, args.changes, pg_url, run)
                    with phase(run, "pages"):
                        measure_pages(client, data, args.requests, run)
                finally:
                    died = server_died(proc, server_log)
                    if died:
                        run.notes.append(died)

            native = ""
            # each export and each download on a fresh server: its VmHWM growth is that request's
            for mode, kind in (("flat", "export"), ("native", "export"), ("flat", "download"), ("native", "download")):
                server_log = workdir / f"server-{kind}-{mode}.log"
                with (
                    phase(run, f"{mode} {kind}"),
                    running_server(url, data_dir, server_log, cache=True) as (proc, base),
                    httpx.Client(base_url=base, headers=headers, timeout=args.timeout) as client,
                ):
                    try:
                        if kind == "download":
                            measure_download(client, proc.pid, data, mode, run, workdir / f"download-{mode}.conf")
                            continue
                        text = measure_export(client, proc.pid, data, mode, run)
                        native = text if mode == "native" else native
                        del text  # the flat export of 100,000 endpoints is over 100 MB in this process
                    finally:
                        died = server_died(proc, server_log)
                        if died:
                            run.notes.append(died)

            if endpoints in args.diagnose_size:
                with phase(run, "diagnosis of the change, in process"):
                    run.diagnosis = asyncio.run(diagnose(url, data_dir, data, args.profile, args.profile_top))

            if native and not args.no_import:
                with phase(run, "import of the native export"):
                    file = workdir / "native.conf"
                    file.write_text(ENDPOINT_NAME.sub(rf"{IMPORT_SLUG}-\1", native))
                    run.import_file_mb = file.stat().st_size / 1e6
                    run_import(file, url, data_dir, data, run)
            log(f"{endpoints}: dropping the database")
    return run


# --- report -----------------------------------------------------------------------------------------------------


Getter = Callable[[Run], float | None]

# (label, value at one size, format)
MEASURES: list[tuple[str, Getter, str]] = [
    ("data generation (s)", lambda r: r.generate_s, "{:.1f}"),
    ("server start (s)", lambda r: r.start_s, "{:.2f}"),
    ("first change, graph read (s)", lambda r: r.first_change_s, "{:.2f}"),
    ("  its server CPU (s)", lambda r: r.first_change_cpu_s, "{:.2f}"),
    ("template change wall (s)", lambda r: r.change, "{:.2f}"),
    ("template change server CPU (s)", lambda r: r.change_cpu, "{:.2f}"),
    ("template change database CPU (s)", lambda r: r.change_db_cpu, "{:.2f}"),
    ("server peak RSS (VmHWM, MB)", lambda r: r.change_peak_mb, "{:.0f}"),
    ("  growth over RSS at start (MB)", lambda r: r.change_growth_mb, "{:.0f}"),
    ("  RSS after the changes (MB)", lambda r: _mb(r.change_end_kb), "{:.0f}"),
    ("first page p50 (ms)", lambda r: r.first, "{:.1f}"),
    ("deep page (90%) p50 (ms)", lambda r: r.deep, "{:.1f}"),
    ("cursor walk to 90% (s)", lambda r: r.walk_s, "{:.2f}"),
    ("flat export wall (s)", lambda r: r.export_s.get("flat"), "{:.2f}"),
    ("  size (MB)", lambda r: r.export_mb.get("flat"), "{:.1f}"),
    ("  server peak RSS growth (MB)", lambda r: _mb(r.export_growth_kb.get("flat")), "{:.0f}"),
    ("native export wall (s)", lambda r: r.export_s.get("native"), "{:.2f}"),
    ("  size (MB)", lambda r: r.export_mb.get("native"), "{:.1f}"),
    ("  server peak RSS growth (MB)", lambda r: _mb(r.export_growth_kb.get("native")), "{:.0f}"),
    ("flat download wall (s)", lambda r: r.export_s.get("flat download"), "{:.2f}"),
    ("  server peak RSS growth (MB)", lambda r: _mb(r.export_growth_kb.get("flat download")), "{:.0f}"),
    ("native download wall (s)", lambda r: r.export_s.get("native download"), "{:.2f}"),
    ("  server peak RSS growth (MB)", lambda r: _mb(r.export_growth_kb.get("native download")), "{:.0f}"),
    ("import of native export (s)", lambda r: r.import_s, "{:.1f}"),
    ("  import process peak RSS (MB)", lambda r: _mb(r.import_rss_kb), "{:.0f}"),
]


def _mb(value: int | None) -> float | None:
    return None if value is None else value / 1024


def cell(value: float | None, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def table(runs: list[Run]) -> str:
    head = f"{'measure':<34}" + "".join(f"{r.endpoints:>12,}" for r in runs)
    lines = [head, "-" * len(head)]
    for label, get, fmt in MEASURES:
        lines.append(f"{label:<34}" + "".join(f"{cell(get(r), fmt):>12}" for r in runs))
    return "\n".join(lines)


def linearity(runs: list[Run]) -> str:
    """Each measure per 1,000 endpoints, over the same at the smallest size: 1.00 is linear, (xN) the plain ratio."""
    base = runs[0]
    head = f"{'per 1,000 endpoints vs ' + format(base.endpoints, ','):<34}" + "".join(
        f"{r.endpoints:>16,}" for r in runs[1:]
    )
    lines = [head, "-" * len(head)]
    for label, get, _ in MEASURES:
        if label.strip().startswith("size"):
            continue
        b = get(base)
        cells = []
        for r in runs[1:]:
            v = get(r)
            if v is None or not b:
                cells.append("-")
                continue
            plain = v / b
            cells.append(f"{plain * base.endpoints / r.endpoints:.2f} (x{plain:.1f})")
        lines.append(f"{label:<34}" + "".join(f"{c:>16}" for c in cells))
    return "\n".join(lines)


def targets(runs: list[Run]) -> str:
    by_size = {r.endpoints: r for r in runs}
    lines: list[str] = []
    at50 = by_size.get(50_000)
    if at50 is None:
        lines.append(f"change at 50,000 < {CHANGE_50K_S:.0f} s, peak RSS < {CHANGE_50K_RSS_MB:.0f} MB: not run")
    else:
        wall, peak = at50.change, at50.change_peak_mb
        lines.append(
            f"change at 50,000: {cell(wall, '{:.2f}')} s (< {CHANGE_50K_S:.0f} s: "
            f"{verdict(wall is not None and wall < CHANGE_50K_S)}), peak RSS {cell(peak, '{:.0f}')} MB "
            f"(< {CHANGE_50K_RSS_MB:.0f} MB: {verdict(peak is not None and peak < CHANGE_50K_RSS_MB)})"
        )
        first = at50.first_change_s
        lines.append(
            f"  the first change after a start, its graph read whole: {cell(first, '{:.2f}')} s "
            f"(< {CHANGE_50K_S:.0f} s: {verdict(first is not None and first < CHANGE_50K_S)})"
        )
    at100, at10 = by_size.get(100_000), by_size.get(10_000)
    if at100 is None or at10 is None:
        lines.append(f"change at 100,000 within {LINEAR_100K}x the 10,000 run per endpoint, RSS < 1 GB: not run")
    else:
        w100, w10, peak = at100.change, at10.change, at100.change_peak_mb
        ratio = None if w100 is None or not w10 else (w100 / 100_000) / (w10 / 10_000)
        lines.append(
            f"change at 100,000: {cell(w100, '{:.2f}')} s, per endpoint {cell(ratio, '{:.2f}')}x the 10,000 run "
            f"(<= {LINEAR_100K}x: {verdict(ratio is not None and ratio <= LINEAR_100K)}), peak RSS "
            f"{cell(peak, '{:.0f}')} MB (< {CHANGE_100K_RSS_MB:.0f} MB: "
            f"{verdict(peak is not None and peak < CHANGE_100K_RSS_MB)})"
        )
        # Wall time on a shared machine moves with other load; the server's CPU seconds much less.
        c100, c10 = at100.change_cpu, at10.change_cpu
        cpu_ratio = None if c100 is None or not c10 else (c100 / 100_000) / (c10 / 10_000)
        lines.append(
            f"  same in server CPU: {cell(c100, '{:.2f}')} s, per endpoint {cell(cpu_ratio, '{:.2f}')}x the 10,000 "
            f"run (<= {LINEAR_100K}x: {verdict(cpu_ratio is not None and cpu_ratio <= LINEAR_100K)})"
        )
    if at100 is None:
        lines.append(f"deep page at 100,000 <= {DEEP_100K}x the first page: not run")
    else:
        ratio = None if at100.deep is None or not at100.first else at100.deep / at100.first
        lines.append(
            f"deep page at 100,000: {cell(at100.deep, '{:.1f}')} ms vs first {cell(at100.first, '{:.1f}')} ms, "
            f"{cell(ratio, '{:.2f}')}x (<= {DEEP_100K}x: {verdict(ratio is not None and ratio <= DEEP_100K)})"
        )
    deep = ", ".join(f"{r.endpoints:,}: {r.deep / r.first:.2f}x" for r in runs if r.deep and r.first)
    lines.append(f"deep / first page at each size: {deep or '-'}")
    return "\n".join(lines)


def sizes_argument(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text}") from exc
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        type=sizes_argument,
        default=list(DEFAULT_SIZES),
        help="comma-separated endpoint counts (default 1000,10000,50000,100000); the smallest is the baseline",
    )
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--changes", type=int, default=2, help="timed template changes per size (default 2)")
    parser.add_argument("--requests", type=int, default=9, help="timed requests of each page (default 9)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="HTTP timeout in seconds (default 1800)")
    parser.add_argument("--no-import", action="store_true", help="skip the import of the native export")
    parser.add_argument(
        "--diagnose-size",
        type=sizes_argument,
        default=[],
        help="at these sizes (comma-separated), also time the phases of one change in process, with the cycle "
        "collector's full collections",
    )
    parser.add_argument("--profile", action="store_true", help="with --diagnose-size: also cProfile one change")
    parser.add_argument("--profile-top", type=int, default=30, help="rows of the profile to print (default 30)")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL URL to create the bench database from")
    args = parser.parse_args()
    if min(args.changes, args.requests) < 1:
        parser.error("--changes and --requests must be at least 1")

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"pjsip-graph growth: Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{cores} cores; {code_state()}; {args.backend}; sizes {', '.join(f'{s:,}' for s in args.sizes)}",
        flush=True,
    )
    if args.backend == "postgresql":
        problem = _pg_problem(args.pg_url)
        if problem is not None:
            print(f"skipped: PostgreSQL does not answer at {args.pg_url}: {problem}")
            return 0
    runs: list[Run] = []
    for size in args.sizes:
        load = os.getloadavg()[0]
        try:
            runs.append(run_size(size, args))
        except Exception as exc:  # a size that cannot even be set up is a finding too; the next size still runs
            failed = Run(endpoints=size)
            failed.notes.append(f"FAILED: {type(exc).__name__}: {exc}")
            runs.append(failed)
            log(f"{size}: FAILED: {type(exc).__name__}: {exc}")
        runs[-1].notes.append(f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")

    print()
    for run in runs:
        if run.diagnosis:
            print(f"== the change at {run.endpoints:,} endpoints, in process\n{run.diagnosis}")
    print(table(runs))
    if len(runs) > 1:
        print()
        print(linearity(runs))
    print()
    print(targets(runs))
    for run in runs:
        for note in run.notes:
            print(f"NOTE {run.endpoints:,}: {note}")
    print(f"total {time.perf_counter() - STARTED:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
