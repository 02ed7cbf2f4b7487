#!/usr/bin/env bash
# Sets up and runs the whole product on this machine: installs what is missing, starts ClickHouse with a
# project-local data folder, applies the migrations, starts the api, waits until it is healthy and
# prints the URLs. Runs in the foreground (Ctrl+C stops everything); --detach returns once it is up
# and scripts/stop.sh stops it later. Idempotent: a second run restarts the services on a new build.
#
# Environment: DASHBOARD_API_PORT [5080]; CH_HTTP_PORT [8123], CH_TCP_PORT [9000], CH_DIR as in clickhouse.sh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

detach=0
[ "${1:-}" = "--detach" ] && detach=1

API_PORT=${DASHBOARD_API_PORT:-5080}
run_dir="$repo/.local/run"
log_dir="$repo/.local/logs"
mkdir -p "$run_dir" "$log_dir"

log() { printf '[run] %s\n' "$*" >&2; }

scripts/prerequisites.sh
scripts/clickhouse.sh start

log "building (Release)"
dotnet build Dashboard.sln -c Release -nologo -v quiet -clp:ErrorsOnly

# The password stays in the environment of the processes that need it, never on a command line.
ConnectionStrings__ClickHouse="$(scripts/clickhouse.sh env);Database=dashboard;Timeout=30"
export ConnectionStrings__ClickHouse

log "applying migrations"
dotnet artifacts/bin/Dashboard.Migrate/release/Dashboard.Migrate.dll

scripts/stop.sh --services-only
log "starting api on http://127.0.0.1:$API_PORT"
ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" ASPNETCORE_ENVIRONMENT=Production \
  setsid dotnet artifacts/bin/Dashboard.Api/release/Dashboard.Api.dll >"$log_dir/api.log" 2>&1 < /dev/null &
echo $! > "$run_dir/api.pid"

for _ in $(seq 1 120); do
  if curl -sf -m 2 "http://127.0.0.1:$API_PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$(cat "$run_dir/api.pid")" 2>/dev/null; then
    log "the api exited; last log lines:"; tail -n 30 "$log_dir/api.log" >&2; exit 1
  fi
  sleep 0.5
done
curl -sf -m 2 "http://127.0.0.1:$API_PORT/health" >/dev/null || { log "the api did not become healthy:"; curl -s "http://127.0.0.1:$API_PORT/health" >&2; exit 1; }

cat <<TXT

The platform is up.
  api health   http://127.0.0.1:$API_PORT/health
  Swagger UI   http://127.0.0.1:$API_PORT/swagger
  ClickHouse   http://127.0.0.1:${CH_HTTP_PORT:-8123}  (user dashboard, password in .local/clickhouse/password)
  logs         $log_dir
Stop with scripts/stop.sh$( [ "$detach" = 1 ] || printf ' or Ctrl+C')
TXT

if [ "$detach" = 0 ]; then
  trap 'echo; scripts/stop.sh' INT TERM
  while kill -0 "$(cat "$run_dir/api.pid")" 2>/dev/null; do sleep 1; done
  log "the api stopped; see $log_dir/api.log"
  scripts/stop.sh
fi
