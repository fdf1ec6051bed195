#!/usr/bin/env bash
# Run several pjsip-graph replicas on loopback against one PostgreSQL and one Redis,
# the topology of deploy/compose.yaml without Docker (the tests use it too).
#
#   deploy/run-replicas.sh [REPLICAS] [FIRST_PORT]
#
# Environment: PJSIP_GRAPH_DATABASE_URL (PostgreSQL), PJSIP_GRAPH_CACHE_URL (Redis, optional),
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
