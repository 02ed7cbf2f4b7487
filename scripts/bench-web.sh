#!/usr/bin/env bash
# Benchmarks the web dashboard's pages (issue 7): the overview and the region drill-down, server time (to the
# last byte of the answer) p50 and p95 under BENCH_WEB_CLIENTS concurrent signed-in users for BENCH_WEB_SECONDS
# per page, on BENCH_WEB_ROWS observations (tools/Dashboard.Bench/WebBench.cs). Goal: p95 under 300 ms.
# Beside each page: the same users asking the api directly for the page's main query (its Scorecard rows), and the
# web's Server-Timing header (Diagnostics:ServerTiming, on for this run only) giving the summed time of the
# page's api calls. The api caches a Scorecard snapshot per jurisdiction and as-of date
# (Scorecard:ResultCacheSeconds, set to an hour here so the warm case stays warm): the first request for a date
# is measured apart, BENCH_WEB_FIRST_RUNS times, each on a date not asked before.
# Starts its own throwaway ClickHouse, loads the scorecard benchmark's synthetic schools into database bench,
# creates a SQLite operational store with the demo accounts (Dashboard.Admin seed-demo), starts the Release api
# and web on free ports, and stops and removes everything on exit. Prints a markdown section on stdout.
#
#   scripts/bench-web.sh   (BENCH_WEB_ROWS [10000000], BENCH_WEB_CLIENTS [16], BENCH_WEB_SECONDS [30],
#                           BENCH_WEB_FIRST_RUNS [5], BENCH_WEB_CITY [331000], BENCH_WEB_REGION [331002],
#                           BENCH_WEB_ASOF [2026-10-31])
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

ROWS=${BENCH_WEB_ROWS:-10000000}
export BENCH_WEB_CLIENTS=${BENCH_WEB_CLIENTS:-16}
export BENCH_WEB_SECONDS=${BENCH_WEB_SECONDS:-30}
export BENCH_WEB_FIRST_RUNS=${BENCH_WEB_FIRST_RUNS:-5}
export BENCH_WEB_CITY=${BENCH_WEB_CITY:-331000}
export BENCH_WEB_REGION=${BENCH_WEB_REGION:-331002}
export BENCH_WEB_ASOF=${BENCH_WEB_ASOF:-2026-10-31}

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

scripts/prerequisites.sh
. scripts/lib/throwaway-clickhouse.sh
start_throwaway_clickhouse web
api_pid=""
web_pid=""
# Replaces the library's trap: the web and the api stop before their ClickHouse does; then the library's cleanup.
# shellcheck disable=SC2064 # expand now, as the library does
trap "[ -n \"\$web_pid\" ] && kill \"\$web_pid\" 2>/dev/null && wait \"\$web_pid\" 2>/dev/null; [ -n \"\$api_pid\" ] && kill \"\$api_pid\" 2>/dev/null && wait \"\$api_pid\" 2>/dev/null; \"$repo/scripts/clickhouse.sh\" stop || true; rm -rf \"$CH_DIR\"" EXIT

prepare_bench
log "building the api, the web and the admin tool (Release)"
for p in api/Dashboard.Api web/Dashboard.Web tools/Dashboard.Admin; do
  dotnet build "$p/$(basename "$p").csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
done

# Passwords stay in the environment of the processes that need them, never on a command line.
ConnectionStrings__ClickHouse="$(scripts/clickhouse.sh env);Database=bench;Timeout=300"
Security__Store__ConnectionString="Data Source=$CH_DIR/store.db"
export ConnectionStrings__ClickHouse Security__Store__ConnectionString
load_bench_dataset "$ROWS"
observations=$(ch --query "SELECT count() FROM bench.observations")

log "creating the demo accounts (jurisdiction $BENCH_WEB_CITY)"
accounts=$(dotnet artifacts/bin/Dashboard.Admin/release/Dashboard.Admin.dll seed-demo --regions "$BENCH_WEB_CITY" 2>/dev/null)
BENCH_WEB_USER=demo-leader
BENCH_WEB_PASSWORD=$(sed -n "s/^$BENCH_WEB_USER (.*one-time password \(.*\)$/\1/p" <<<"$accounts")
[ -n "$BENCH_WEB_PASSWORD" ] || die "seed-demo printed no one-time password for $BENCH_WEB_USER"
export BENCH_WEB_USER BENCH_WEB_PASSWORD

wait_healthy() { # NAME PID URL LOG
  for _ in $(seq 1 120); do
    curl -sf -m 2 "$3" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { tail -n 30 "$4" >&2; die "the $1 exited"; }
    sleep 0.5
  done
  tail -n 30 "$4" >&2; die "the $1 did not become healthy"
}

api_port=$(free_port)
log "starting the api on http://127.0.0.1:$api_port"
Scorecard__ResultCacheSeconds=3600 RateLimits__ODataPerMinute=10000000 ASPNETCORE_ENVIRONMENT=Production \
  dotnet artifacts/bin/Dashboard.Api/release/Dashboard.Api.dll --contentRoot "$repo/api/Dashboard.Api" --urls "http://127.0.0.1:$api_port" >"$CH_DIR/api.log" 2>&1 </dev/null &
api_pid=$!
wait_healthy api "$api_pid" "http://127.0.0.1:$api_port/health" "$CH_DIR/api.log"

web_port=$(free_port)
while [ "$web_port" = "$api_port" ]; do web_port=$(free_port); done
log "starting the web on http://127.0.0.1:$web_port"
# The web limits sign-in posts per address (RateLimits:SignInPerMinute); every virtual user signs in from here.
Api__BaseUrl="http://127.0.0.1:$api_port/" Diagnostics__ServerTiming=true RateLimits__SignInPerMinute=1000 ASPNETCORE_ENVIRONMENT=Production \
  dotnet artifacts/bin/Dashboard.Web/release/Dashboard.Web.dll --contentRoot "$repo/web/Dashboard.Web" --urls "http://127.0.0.1:$web_port" >"$CH_DIR/web.log" 2>&1 </dev/null &
web_pid=$!
wait_healthy web "$web_pid" "http://127.0.0.1:$web_port/health" "$CH_DIR/web.log"
export BENCH_WEB_URL="http://127.0.0.1:$web_port" BENCH_WEB_API="http://127.0.0.1:$api_port"

load_start=$(cut -d' ' -f1 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
log "measuring ($BENCH_WEB_FIRST_RUNS first requests per page, $BENCH_WEB_CLIENTS users x ${BENCH_WEB_SECONDS} s per page and side)"
out=$("$bench" web)
load_end=$(cut -d' ' -f1 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------------------
field() { sed -n "s/^\(.* \)\{0,1\}$1=\([^ ]*\).*/\2/p" <<<"$2"; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
meets() { awk -v p="$1" 'BEGIN { print (p < 300 ? "yes" : "**no**") }'; }
commit=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain -- web api lib)" ]; then commit+=" + uncommitted changes"; fi
printf '## Web dashboard benchmark\n\nRun of %s, code of %s. %s observations, ClickHouse %s, %s cores, .NET %s; load average (1 min) at start / end: %s / %s. %s signed-in users (account %s, jurisdiction %s), %s s per page and side, as of %s.\n\n' \
  "$started" "$commit" "$(thousands "$observations")" "$(ch --query 'SELECT version()')" "$(nproc)" "$(dotnet --version)" "$load_start" "$load_end" \
  "$BENCH_WEB_CLIENTS" "$BENCH_WEB_USER" "$BENCH_WEB_CITY" "$BENCH_WEB_SECONDS" "$BENCH_WEB_ASOF"
printf '| Page (warm snapshot) | requests | req/s | p50 (ms) | p95 (ms) | max | errors | p95 < 300 ms | api calls per page (median / max) | their summed time p50 / p95 | api main query p50 / p95 (req/s) | web p95 / api p95 |\n'
printf '|---|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|---:|\n'
while read -r line; do
  [ -n "$(field load "$line")" ] || continue
  printf '| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s (%s) | %s |\n' "$(field path "$line")" "$(field web_requests "$line")" \
    "$(field web_rps "$line")" "$(field web_p50 "$line")" "$(field web_p95 "$line")" "$(field web_max "$line")" "$(field web_errors "$line")" \
    "$(meets "$(field web_p95 "$line")")" "$(field api_calls "$line") / $(field api_calls_max "$line")" "$(field web_api_sum_p50 "$line")" "$(field web_api_sum_p95 "$line")" \
    "$(field main_p50 "$line")" "$(field main_p95 "$line")" "$(field main_rps "$line")" "$(field ratio_p95 "$line")"
done <<<"$out"
printf '\n| First request for an as-of date (one user, no load) | runs | median (ms) | max (ms) | all |\n|---|---:|---:|---:|---|\n'
while read -r line; do
  [ -n "$(field first "$line")" ] || continue
  printf '| %s | %s | %s | %s | %s |\n' "$(field first "$line")" "$(field runs "$line")" "$(field median "$line")" "$(field max "$line")" "$(field all "$line")"
done <<<"$out"
