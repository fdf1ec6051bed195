#!/usr/bin/env bash
# Run several pjsip-graph replicas on loopback against one PostgreSQL and one Redis,
# the topology of deploy/compose.yaml without Docker (the tests use it too).
#
#   deploy/run-replicas.sh [REPLICAS] [FIRST_PORT]
#
# Environment: PJSIP_GRAPH_DATABASE_URL (PostgreSQL; the database is created when missing), PJSIP_GRAPH_CACHE_URL (Redis, optional),
# PJSIP_GRAPH_DATA_DIR (where the first start writes admin.token). Stop with Ctrl-C or SIGTERM:
# every replica is stopped with it.
set -euo pipefail

replicas=${1:-2}
first_port=${2:-8001}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${PJSIP_GRAPH_BIN:-$here/.venv/bin/pjsip-graph}
: "${PJSIP_GRAPH_DATABASE_URL:=postgresql+asyncpg://postgres@127.0.0.1:5432/pjsip_graph}"
export PJSIP_GRAPH_DATABASE_URL
[ -n "${PJSIP_GRAPH_CACHE_URL:-}" ] && export PJSIP_GRAPH_CACHE_URL

# The database must exist before migrating: create it when the server answers but
# it is missing, and say in one line what is wrong otherwise (not a traceback).
"${PJSIP_GRAPH_PYTHON:-$(dirname "$bin")/python}" - <<'PY' || exit 1
import asyncio, os, sys

import asyncpg
from sqlalchemy.engine import make_url

url = make_url(os.environ["PJSIP_GRAPH_DATABASE_URL"])
if not url.drivername.startswith("postgresql"):
    sys.exit(f"run-replicas.sh: PJSIP_GRAPH_DATABASE_URL must be a PostgreSQL URL, got {url.drivername}")
name = url.database or "pjsip_graph"
dsn = dict(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username, password=url.password)


async def ensure() -> None:
    try:
        connection = await asyncpg.connect(database="postgres", **dsn)
    except (OSError, asyncpg.PostgresError) as error:
        sys.exit(f"run-replicas.sh: cannot reach PostgreSQL at {dsn['host']}:{dsn['port']}: {error}")
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
            print(f"run-replicas.sh: created database {name}")
    except asyncpg.PostgresError as error:
        sys.exit(f"run-replicas.sh: database {name} is missing and could not be created: {error}")
    finally:
        await connection.close()


asyncio.run(ensure())
PY

# Migrate once before the replicas start (they would serialise on a lock anyway).
"$bin" migrate

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop EXIT INT TERM

for i in $(seq 0 $((replicas - 1))); do
  port=$((first_port + i))
  "$bin" serve --host 127.0.0.1 --port "$port" &
  pids+=($!)
  echo "replica $i: http://127.0.0.1:$port/graphql (pid $!)"
done
wait -n "${pids[@]}"
