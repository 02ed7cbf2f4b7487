#!/usr/bin/env bash
# Stops what scripts/run.sh started: the services, then ClickHouse (unless --services-only).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
run_dir="$repo/.local/run"

for pidfile in "$run_dir"/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  name=$(basename "$pidfile" .pid)
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    printf '[stop] %s stopped\n' "$name" >&2
  fi
  rm -f "$pidfile"
done

[ "${1:-}" = "--services-only" ] || "$repo/scripts/clickhouse.sh" stop
