"""The web admin in a real browser: first load, bundle size, and a 10,000-endpoint tenant's list.

On PostgreSQL (default) or SQLite: a fresh database with the benchmark tenant
(N endpoints), one real `pjsip-graph serve`, and Debian's Chromium driven by
playwright-core (`bench/ui_timing.mjs`). In the same run it measures, as baselines,
the GraphQL request the list page sends (over HTTP, no browser) and GET /healthz.

Prints p50/max of: the cold first load (empty cache) to the sign-in form, sign-in to
the tenant tree, the endpoint list loaded by URL and reached inside the page until its
rows show; the admin's gzipped size (GraphiQL is served separately); and ratios.

Needs the admin built (`make ui` or `make run` once), Node.js and `chromium`.
Run from the repository root:  .venv/bin/python bench/bench_ui.py [--endpoints 10000]
Benchmarks are not pass/fail: the exit code is 0 even when a target is MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import shutil
import statistics
import subprocess
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

FIRST_LOAD_TARGET_MS = 1000.0
LIST_TARGET_MS = 300.0
BUNDLE_TARGET_KB = 400.0
# The list page's one request (ui/src/api/documents.ts, EndpointList), as the admin sends it.
LIST_QUERY = """
query EndpointList($tenant: UUID!) {
  tenant(uuid: $tenant) { uuid name slug }
  endpoints(tenantUuid: $tenant, orderBy: NAME, direction: ASC, first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { uuid name label revision updatedAt parents { uuid name } } }
  }
  filterTemplates: templates(tenantUuid: $tenant, first: 500) { edges { node { uuid name } } }
}
"""


def bundle_kb() -> float:
    """The admin's files (ui/dist) gzipped, in KB."""
    dist = REPO / "ui" / "dist"
    files = [p for p in dist.rglob("*") if p.is_file()]
    if not files:
        raise SystemExit("the admin is not built: run `make ui` first")
    return sum(len(gzip.compress(p.read_bytes(), 9)) for p in files) / 1024


def http_baselines(base: str, token: str, tenant: str, runs: int) -> tuple[list[float], list[float]]:
    """(GET /healthz ms, the list's GraphQL request ms), each after a warm-up."""
    headers = {"Authorization": f"Bearer {token}"}
    healthz: list[float] = []
    listing: list[float] = []
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for i in range(runs + 3):
            started = time.perf_counter()
            client.get("/healthz").raise_for_status()
            if i >= 3:
                healthz.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            body = client.post("/graphql", json={"query": LIST_QUERY, "variables": {"tenant": tenant}}).json()
            if body.get("errors"):
                raise SystemExit(f"the list query failed: {body['errors']}")
            if i >= 3:
                listing.append((time.perf_counter() - started) * 1000)
    return healthz, listing


def browser_timings(base: str, token: str, tenant: str, runs: int) -> dict[str, Any]:
    node = shutil.which("node")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if node is None or chromium is None:
        raise SystemExit("needs node and chromium on the PATH")
    if not (REPO / "tests" / "browser" / "node_modules" / "playwright-core").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO / "tests" / "browser", check=True)
    done = subprocess.run(
        [node, str(REPO / "bench" / "ui_timing.mjs"), chromium, base, token, tenant, str(runs)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"ui_timing.mjs failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def line(name: str, values: list[float], target: float | None = None) -> None:
    met = "" if target is None else f"   target < {target:.0f} ms: {verdict(max(values) < target)}"
    print(f"  {name:<34} p50 {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms{met}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--endpoints", type=int, default=10_000, help="endpoints of the tenant (10000)")
    parser.add_argument("--runs", type=int, default=5, help="browser runs, each in a new context (5)")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL URL to create the bench database from")
    args = parser.parse_args()
    kb = bundle_kb()
    print(f"bench_ui: {code_state()}, {args.backend}, tenant of {args.endpoints} endpoints")
    with tempfile.TemporaryDirectory(prefix="pjsip-graph-ui-") as tmp:
        workdir = Path(tmp)
        (workdir / "data").mkdir()
        with fresh_database(args.backend, workdir, args.pg_url) as url, data_dir_env(workdir / "data"):
            data = asyncio.run(generate_data(url, endpoints=args.endpoints, slug="ui"))
            token = (workdir / "data" / "admin.token").read_text().strip()
            tenant = str(data.tenant_uuid)
            with running_server(url, workdir / "data", workdir / "server.log", cache=True) as (_, base):
                healthz, listing = http_baselines(base, token, tenant, 20)
                timings = browser_timings(base, token, tenant, args.runs)
    print(
        f"  admin bundle (ui/dist, gzip -9)     {kb:7.1f} KB   target < {BUNDLE_TARGET_KB:.0f} KB: "
        f"{verdict(kb < BUNDLE_TARGET_KB)}"
    )
    line("cold first load to sign-in form", timings["firstLoad"], FIRST_LOAD_TARGET_MS)
    line("sign-in to tenant tree", timings["signedIn"])
    line("endpoint list by URL, rows shown", timings["listReload"], LIST_TARGET_MS)
    line("endpoint list from the tree", timings["listNavigate"], LIST_TARGET_MS)
    line("baseline: the list's GraphQL request", listing)
    line("baseline: GET /healthz", healthz)
    floor = statistics.median(listing)
    print(
        f"  ratios to the list's request: by URL {statistics.median(timings['listReload']) / floor:.1f}x, "
        f"from the tree {statistics.median(timings['listNavigate']) / floor:.1f}x "
        f"({timings['rows']} rows shown)"
    )


if __name__ == "__main__":
    main()
