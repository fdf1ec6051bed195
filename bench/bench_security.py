"""Resource benchmark of the query limits: the worst operation a `sip:read` token may send.

On a generated tenant (app/cli/bench_data.py) and a real server with the limits at
their defaults: the cost model (app/api/query_cost.py) picks, among candidate
shapes scaled up to the budget, the most expensive operation the server still
accepts from a `sip:read` token. That operation then runs in a loop (as many at
once as one token may run) while another tenant sends small queries; the
report shows the attacker's completion times and the small queries' p99
(target < 100 ms), next to the same small queries without the attacker.

Last, the limits' own cost on ordinary requests: the time the cost analysis
adds to the page of 100 resolved endpoints of bench_core.py and to a small
query (cached by query text, as the server runs it, and uncached), next to
those requests' own latency measured on the same server (target: at most 5%).

Run from the repository root:  .venv/bin/python bench/bench_security.py
Benchmarks are not pass/fail: the exit code is 0 even when a target is MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

REPO = Path(__file__).resolve().parents[1]
try:
    import app  # noqa: F401  (installed in editable mode)
except ImportError:  # pragma: no cover - running from a checkout without install
    sys.path.insert(0, str(REPO))

from bench_core import PAGE_QUERY, PG_ADMIN_URL, fresh_database, running_server  # noqa: E402
from common import code_state, data_dir_env, verdict  # noqa: E402
from graphql import parse  # noqa: E402

from app.api.query_cost import CostModel  # noqa: E402
from app.api.schema import build_schema  # noqa: E402
from app.cli.bench_data import generate_data  # noqa: E402
from app.db.database import Database  # noqa: E402
from app.services.tokens import authenticate, create_token  # noqa: E402
from app.settings import Settings  # noqa: E402

SECTIONS = ("endpoint", "aor", "auth", "identify", "registration", "registrationOutboundAuth", "outboundAuth")
RESOLVED = (
    "resolved { "
    + " ".join(
        f"{s} {{ key value inherited origin {{ name }} overrides {{ value origin {{ name }} }} }}" for s in SECTIONS
    )
    + " }"
)
# Candidate shapes a sip:read token can send; {n} is scaled up to the budget.
SHAPES = {
    "page of endpoints, resolved": (
        "{ endpoints(recurse: true, first: {n}) { edges { node { name RESOLVED } } } }".replace("RESOLVED", RESOLVED)
    ),
    "page of endpoints, parents and their children": (
        "{ endpoints(recurse: true, first: {n}) { edges { node { name parents { name children { name } } } } } }"
    ),
    "templates, children, resolved": (
        "{ templates(recurse: true, first: {n}) { edges { node { name children { name "
        "... on SipEndpoint { RESOLVED } } } } } }".replace("RESOLVED", RESOLVED)
    ),
    "templates, children, parents": (
        "{ templates(recurse: true, first: {n}) { edges { node { children { ... on SipEndpoint "
        "{ parents { name endpointCount } } } } } } }"
    ),
}
SMALL = "{ templates(first: 5) { edges { node { uuid name } } } }"


def worst_operation(settings: Settings) -> tuple[str, str, int]:
    """(shape name, document, cost): the costliest document within the budget."""
    model = CostModel(
        build_schema(settings)._schema, max_page_size=settings.max_page_size, max_list_items=settings.max_list_items
    )
    best: tuple[str, str, int] = ("", "", -1)
    for name, shape in SHAPES.items():
        low, high = 1, settings.max_page_size
        fitting: tuple[str, int] | None = None
        while low <= high:  # the largest n whose cost fits the budget
            n = (low + high) // 2
            document = shape.replace("{n}", str(n))
            cost, _ = model.cost(parse(document), None, None)
            if cost <= settings.max_query_cost:
                fitting, low = (document, cost), n + 1
            else:
                high = n - 1
        if fitting is not None and fitting[1] > best[2]:
            best = (name, fitting[0], fitting[1])
    return best


def post(client: httpx.Client, query: str) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    response = client.post("/graphql", json={"query": query})
    elapsed = time.perf_counter() - start
    body: dict[str, Any] = response.json()
    return elapsed, body


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def small_queries(base: str, token: str, seconds: float, stop: threading.Event | None = None) -> list[float]:
    out: list[float] = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        while time.monotonic() < deadline and not (stop and stop.is_set()):
            elapsed, body = post(client, SMALL)
            if body.get("errors"):
                raise RuntimeError(f"small query failed: {body['errors']}")
            out.append(elapsed * 1000)
            time.sleep(0.01)
    return out


def attacker(
    base: str, token: str, document: str, stop: threading.Event, times: list[float], errors: list[str]
) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=300) as client:
        while not stop.is_set():
            elapsed, body = post(client, document)
            if body.get("errors"):
                errors.append(body["errors"][0].get("extensions", {}).get("code", "?"))
            else:
                times.append(elapsed)


async def tokens(url: str, tenant_uuid: UUID, admin_token: str) -> tuple[str, str]:
    """A sip:read token of the generated tenant and one of the root tenant (the bystander)."""
    db = Database(url)
    try:
        async with db.writing() as session:
            root = await authenticate(session, admin_token)
            assert root is not None
            attacker_token = await create_token(session, tenant_uuid=tenant_uuid, scopes="sip:read")
            bystander_token = await create_token(session, tenant_uuid=root.tenant_uuid, scopes="sip:read")
    finally:
        await db.dispose()
    return attacker_token, bystander_token


def limits_overhead(settings: Settings, base: str, token: str, tenant: UUID, runs: int = 200) -> None:
    """The cost analysis's time per request against the request's own latency, in one run."""
    model = CostModel(
        build_schema(settings)._schema, max_page_size=settings.max_page_size, max_list_items=settings.max_list_items
    )
    variables = {"tenant": str(tenant)}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        for label, query, given in (("page of 100, resolved", PAGE_QUERY, variables), ("small query", SMALL, None)):
            latencies = []
            for _ in range(30):
                start = time.perf_counter()
                body = client.post("/graphql", json={"query": query, "variables": given}).json()
                latencies.append((time.perf_counter() - start) * 1000)
                if body.get("errors"):
                    raise RuntimeError(f"{label} failed: {body['errors']}")
            document = parse(query)
            timings = {}
            for mode in ("cached", "uncached"):
                start = time.perf_counter()
                for i in range(runs):
                    # A new text each time defeats the per-text cache.
                    model.cost(document, None, given, query if mode == "cached" else f"{query}#{i}")
                timings[mode] = (time.perf_counter() - start) * 1000 / runs
            request = statistics.median(latencies)
            print(
                f"{label}: request p50 {request:.2f} ms; cost analysis {timings['cached'] * 1000:.1f} us cached "
                f"({timings['cached'] / request:.2%}), {timings['uncached'] * 1000:.0f} us uncached "
                f"({timings['uncached'] / request:.2%})  target <= 5%: {verdict(timings['cached'] / request <= 0.05)}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--endpoints", type=int, default=2000, help="endpoints in the data set (default 2000)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase (default 20)")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL)
    args = parser.parse_args()

    settings = Settings()
    name, document, cost = worst_operation(settings)
    print(
        f"code: {code_state()}; budget {settings.max_query_cost}, {settings.max_expensive_per_token} expensive at once"
    )
    print(f"worst operation by the cost model: {name}, cost {cost}\n  {document[:160]}...", flush=True)
    with tempfile.TemporaryDirectory(prefix="pjsip-graph-bench-") as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "data"
        with fresh_database(args.backend, workdir, args.pg_url) as url, data_dir_env(data_dir):
            data = asyncio.run(generate_data(url, endpoints=args.endpoints, slug="bench"))
            print(f"generated {data.endpoints} endpoints in {data.seconds:.1f} s", flush=True)
            admin_token = (data_dir / "admin.token").read_text().strip()
            attack_token, bystander = asyncio.run(tokens(url, data.tenant_uuid, admin_token))
            with running_server(url, data_dir, workdir / "server.log", cache=True) as (_, base):
                small_queries(base, bystander, 2)  # warm-up
                alone = small_queries(base, bystander, args.seconds)
                stop = threading.Event()
                times: list[float] = []
                errors: list[str] = []
                threads = [
                    threading.Thread(target=attacker, args=(base, attack_token, document, stop, times, errors))
                    for _ in range(settings.max_expensive_per_token + 1)  # one more than allowed: refused
                ]
                for thread in threads:
                    thread.start()
                time.sleep(1)
                attacked = small_queries(base, bystander, args.seconds)
                stop.set()
                for thread in threads:
                    thread.join()
                print("\nlimits' own cost on ordinary requests (same server, no attacker):")
                limits_overhead(settings, base, admin_token, data.tenant_uuid)
    print(
        f"\nattacker: {len(times)} completed, median {statistics.median(times) if times else float('nan'):.2f} s, "
        f"max {max(times, default=float('nan')):.2f} s; refused: {len(errors)} ({sorted(set(errors))})"
    )
    print(
        f"small queries alone:        {len(alone)} requests, p50 {statistics.median(alone):.1f} ms, "
        f"p99 {p99(alone):.1f} ms"
    )
    print(
        f"small queries under attack: {len(attacked)} requests, p50 {statistics.median(attacked):.1f} ms, "
        f"p99 {p99(attacked):.1f} ms  target < 100 ms: {verdict(p99(attacked) < 100)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
