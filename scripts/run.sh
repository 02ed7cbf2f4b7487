#!/usr/bin/env bash
# Sets up and runs the whole product on this machine: installs what is missing, starts ClickHouse with a
# project-local data folder, applies the migrations, starts the api, waits until it is healthy and
# prints the URLs. Runs in the foreground (Ctrl+C stops everything); --detach returns once it is up
# and scripts/stop.sh stops it later. Idempotent: a second run restarts the services on a new build.
#
# Environment: DASHBOARD_WEB_PORT [5060], DASHBOARD_API_PORT [5080], DASHBOARD_JOBS_PORT [5070], DASHBOARD_SIMULATOR_PORT [5090];
# CH_HTTP_PORT [8123], CH_TCP_PORT [9000], CH_DIR as in clickhouse.sh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

detach=0
[ "${1:-}" = "--detach" ] && detach=1

WEB_PORT=${DASHBOARD_WEB_PORT:-5060}
API_PORT=${DASHBOARD_API_PORT:-5080}
JOBS_PORT=${DASHBOARD_JOBS_PORT:-5070}
SIM_PORT=${DASHBOARD_SIMULATOR_PORT:-5090}
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

# OData reads run as the read-only ClickHouse user; users, sessions, API keys and cases live in the
# operational store (SQLite here).
ConnectionStrings__ClickHouseRead="$(scripts/clickhouse.sh env-reader);Database=dashboard;Timeout=30"
Security__Store__ConnectionString="Data Source=$repo/.local/security.db"
export ConnectionStrings__ClickHouseRead Security__Store__ConnectionString

# Demo accounts, one per role, made once; their one-time passwords (to be changed at first sign-in) are
# kept in a file only this user can read. There is no default or shared account.
demo_accounts="$repo/.local/demo-accounts.txt"
if [ ! -s "$demo_accounts" ]; then
  log "creating the demo accounts"
  (umask 077; dotnet artifacts/bin/Dashboard.Admin/release/Dashboard.Admin.dll seed-demo --file scripts/demo-accounts.json > "$demo_accounts")
fi

scripts/stop.sh --services-only

# start NAME PORT PROJECT: one service in the background, its log under .local/logs, its pid under .local/run.
# The project folder is the content root, where the service's appsettings.json (and the web's wwwroot) live;
# started from here without it, a service would read neither.
start() {
  log "starting $1 on http://127.0.0.1:$2"
  ASPNETCORE_URLS="http://127.0.0.1:$2" ASPNETCORE_ENVIRONMENT=Production \
    setsid dotnet "artifacts/bin/$(basename "$3")/release/$(basename "$3").dll" --contentRoot "$repo/$3" >"$log_dir/$1.log" 2>&1 < /dev/null &
  echo $! > "$run_dir/$1.pid"
}
wait_for() { # NAME URL
  for _ in $(seq 1 120); do
    if curl -sf -m 2 "$2" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$run_dir/$1.pid")" 2>/dev/null; then
      log "$1 exited; last log lines:"; tail -n 30 "$log_dir/$1.log" >&2; exit 1
    fi
    sleep 0.5
  done
  log "$1 did not answer at $2:"; tail -n 30 "$log_dir/$1.log" >&2; exit 1
}

# The district systems: the simulator plays one per county of the seeded catalogue. The demo feed
# token is made here and handed to both sides through the environment only.
feed_token=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
Simulator__Token=$feed_token start simulator "$SIM_PORT" tools/DistrictSimulator
wait_for simulator "http://127.0.0.1:$SIM_PORT/v1/sources"

# The source registry, from the simulator's list: one HTTP source per county, pulled every 5 minutes,
# plus one drop folder for files.
i=0
for id in $(curl -sf "http://127.0.0.1:$SIM_PORT/v1/sources" | grep -o '"id":"[^"]*"' | cut -d'"' -f4); do
  export "Sources__Items__${i}__Id=$id" "Sources__Items__${i}__RegionCode=${id%%-*}" "Sources__Items__${i}__Kind=Http" \
    "Sources__Items__${i}__Url=http://127.0.0.1:$SIM_PORT/$id" "Sources__Items__${i}__Cron=0 0/5 * * * ?" "Sources__Items__${i}__Secret=$feed_token"
  i=$((i + 1))
done
drop="$repo/.local/drop/320585-files"
mkdir -p "$drop"
export "Sources__Items__${i}__Id=320585-files" "Sources__Items__${i}__RegionCode=320585" "Sources__Items__${i}__Kind=File" \
  "Sources__Items__${i}__DropFolder=$drop" "Sources__Items__${i}__Cron=0/30 * * * * ?"
log "registered $i feed sources and 1 drop folder"

Pulls__RunOnStart=true start jobs "$JOBS_PORT" jobs/Dashboard.Jobs
start api "$API_PORT" api/Dashboard.Api
wait_for jobs "http://127.0.0.1:$JOBS_PORT/health"
wait_for api "http://127.0.0.1:$API_PORT/health"
# The web app reads only through the api (forwarding the signed-in user's session) and shares the operational store.
Api__BaseUrl="http://127.0.0.1:$API_PORT/" start web "$WEB_PORT" web/Dashboard.Web
wait_for web "http://127.0.0.1:$WEB_PORT/Account/SignIn"

# The demo data arrives through real pulls: wait until every source has finished its first run.
ch_query() { curl -sf -u "dashboard:$(cat "${CH_DIR:-$repo/.local/clickhouse}/password")" "http://127.0.0.1:${CH_HTTP_PORT:-8123}/?database=dashboard" --data-binary "$1"; }
for _ in $(seq 1 120); do
  done_sources=$(ch_query "SELECT uniqExact(source_id) FROM pull_runs FINAL WHERE status != 'Running'" || echo 0)
  [ "${done_sources:-0}" -ge "$i" ] && break
  sleep 1
done
log "first pulls: $(ch_query "SELECT concat(toString(uniqExact(source_id)), ' sources, ', toString(sum(rows_loaded)), ' rows loaded, ', toString(sum(rows_rejected)), ' rejected') FROM pull_runs FINAL")"

cat <<TXT

The platform is up.
  dashboard    http://127.0.0.1:$WEB_PORT/   (sign in with a demo account below)
  api health   http://127.0.0.1:$API_PORT/health
  Swagger UI   http://127.0.0.1:$API_PORT/swagger
  OData        http://127.0.0.1:$API_PORT/odata   (e.g. /odata/Scorecard?asOf=2025-12-31&\$filter=Status eq 'Red'; Excel: 数据 → 自 OData 数据馈送)
  jobs health  http://127.0.0.1:$JOBS_PORT/health
  simulator    http://127.0.0.1:$SIM_PORT/v1/sources   (drop CSV/XLSX files for 太仓 into $drop)
  ClickHouse   http://127.0.0.1:${CH_HTTP_PORT:-8123}  (user dashboard, password in .local/clickhouse/password)
  logs         $log_dir
  accounts     $demo_accounts   (one-time passwords of the demo accounts; change them at first sign-in)
$(sed 's/^/    /' "$demo_accounts")
Stop with scripts/stop.sh$( [ "$detach" = 1 ] || printf ' or Ctrl+C')
TXT

if [ "$detach" = 0 ]; then
  trap 'echo; scripts/stop.sh' INT TERM
  while kill -0 "$(cat "$run_dir/api.pid")" 2>/dev/null && kill -0 "$(cat "$run_dir/jobs.pid")" 2>/dev/null; do sleep 1; done
  log "a service stopped; see $log_dir"
  scripts/stop.sh
fi
