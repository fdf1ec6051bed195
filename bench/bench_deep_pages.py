"""Deep pages of a large tenant cost what the first page costs.

    .venv/bin/python bench/bench_deep_pages.py [--endpoints 50000] [--backend postgresql|sqlite|both]

On the benchmark data set (app/cli/bench_data.py) the product's own listing
service (`list_configs`, the code behind `endpoints(first:, after:)`) fetches
a page of 100 endpoints by name at 0%, 50% and 90% of the list, with the
cursor the previous page handed out. The first page is the baseline of the
same run; target: a page at 90% within 2x of it.

Benchmarks never fail; targets are printed as met or MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
try:
    import app  # noqa: F401  (installed in editable mode)
except ImportError:  # pragma: no cover - running from a checkout without install
    sys.path.insert(0, str(REPO))

from bench_core import PG_ADMIN_URL, fresh_database  # noqa: E402
from common import code_state, data_dir_env, verdict  # noqa: E402

from app.cli.bench_data import generate_data  # noqa: E402
from app.db.database import Database  # noqa: E402
from app.domain.resolution import ConfigKind  # noqa: E402
from app.services.listing import ConfigOrder, Window, list_configs  # noqa: E402
from app.services.operator import operator_caller  # noqa: E402

PAGE = 100
RUNS = 15


async def measure(url: str, endpoints: int) -> dict[int, float]:
    data = await generate_data(url, endpoints=endpoints, slug="bench")
    db = Database(url)
    try:
        caller = await operator_caller(db)

        async def page(after: str | None) -> tuple[float, str | None]:
            started = time.perf_counter()
            result = await list_configs(
                db,
                caller,
                kind=ConfigKind.ENDPOINT,
                tenant_uuid=data.tenant_uuid,
                recurse=False,
                search=None,
                inherits_from=None,
                order=ConfigOrder.NAME,
                descending=False,
                window=Window(first=PAGE, after=after),
            )
            return time.perf_counter() - started, result.edges[-1][0] if result.edges else None

        # Walk the list once to collect the cursors at 0%, 50% and 90%.
        cursors: dict[int, str | None] = {0: None}
        after: str | None = None
        pages = endpoints // PAGE
        for i in range(pages):
            _, after = await page(after)
            for share in (50, 90):
                if i + 1 == pages * share // 100:
                    cursors[share] = after
        out: dict[int, float] = {}
        for share, cursor in cursors.items():
            await page(cursor)  # warm-up
            out[share] = statistics.median([(await page(cursor))[0] for _ in range(RUNS)]) * 1000
        return out
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=int, default=50_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL)
    args = parser.parse_args()
    print(f"code: {code_state()}; {args.endpoints} endpoints, pages of {PAGE}, median of {RUNS}")
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory(prefix="pjsip-graph-bench-") as tmp:
            workdir = Path(tmp)
            with fresh_database(backend, workdir, args.pg_url) as url, data_dir_env(workdir / "data"):
                times = asyncio.run(measure(url, args.endpoints))
        first = times[0]
        for share, ms in times.items():
            print(f"{backend}: page at {share:>2}%: {ms:.2f} ms ({ms / first:.2f}x the first page)")
        print(f"{backend}: page at 90% within 2x of the first: {verdict(times[90] <= 2 * first)}")


if __name__ == "__main__":
    main()
