"""Generate the benchmark data set (like `pjsip-graph bench-data`, with an explicit database URL).

Example: .venv/bin/python bench/generate.py --database-url sqlite+aiosqlite:///data/bench.db --endpoints 10000
"""

from __future__ import annotations

import argparse
import asyncio

from app.cli.bench_data import generate
from app.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy async URL (default: PJSIP_GRAPH_DATABASE_URL, or the SQLite file in PJSIP_GRAPH_DATA_DIR).",
    )
    parser.add_argument("--endpoints", type=int, default=10_000, help="Number of endpoints (default 10000).")
    parser.add_argument("--slug", default="bench", help="Slug of the tenant to create or replace (default 'bench').")
    args = parser.parse_args()
    url = args.database_url or get_settings().resolved_database_url
    print(asyncio.run(generate(url, endpoints=args.endpoints, slug=args.slug)))


if __name__ == "__main__":
    main()
