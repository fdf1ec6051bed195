"""A persistent PostgreSQL database with the benchmark data set, for in-process timing."""

import asyncio
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from common import data_dir_env, pg_admin, with_database  # noqa: E402

from app.cli.bench_data import generate_data  # noqa: E402

ADMIN = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    name = sys.argv[1]
    endpoints = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    asyncio.run(pg_admin(ADMIN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'))
    url = with_database(ADMIN, name)
    with data_dir_env(Path("/tmp/isomicro/data")):
        big = asyncio.run(generate_data(url, endpoints=endpoints, slug="big"))
        small = asyncio.run(generate_data(url, endpoints=200, slug="small"))
    print(url, big.tenant_uuid, big.general_uuid, small.tenant_uuid)


if __name__ == "__main__":
    main()
