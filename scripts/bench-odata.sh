#!/usr/bin/env bash
# Benchmarks the api's OData service (issue 5) against ClickHouse running the same SQL directly, on this
# machine, in one run (tools/Dashboard.Bench/ODataBench.cs):
#   - latency of a $filter page, a /$count, an $apply groupby/aggregate and a Scorecard query: the api request
#     read to the end, alternating with the same bound SQL POSTed to ClickHouse's HTTP interface (and through
#     the provider's reader, to split the api's overhead); 2 warm-ups, BENCH_ODATA_RUNS runs, medians, p95;
#   - the Scorecard's first request for an as-of date (judging every top-level region) against the engine's
#     roll-up SQL for those roots sent directly;
#   - requests per second of BENCH_ODATA_CLIENTS concurrent clients for BENCH_ODATA_SECONDS per query, against
#     the api and against ClickHouse with the same SQL.
# Starts its own throwaway ClickHouse on free ports, loads BENCH_ODATA_ROWS observations into database bench
# (the scorecard benchmark's synthetic schools), starts the Release api on a free port, and stops and removes
# both on exit. Prints a markdown section on stdout; progress goes to stderr.
#
#   scripts/bench-odata.sh   (BENCH_ODATA_ROWS [10000000], BENCH_ODATA_RUNS [9], BENCH_ODATA_FIRST_RUNS [9],
#                             BENCH_ODATA_CLIENTS [16], BENCH_ODATA_SECONDS [20],
#                             BENCH_ODATA_API_REF [unset: the working tree's api])
# BENCH_ODATA_API_REF names a commit whose api (and migrations) to measure instead of the working tree's, built
# from a `git archive` copy in the temporary folder: for measuring a committed state while the tree is mid-edit.
# An api that requires sign-in (c676ebd and later) needs BENCH_ODATA_TOKEN: an API key of an account that sees
# every region, sent as a Bearer token (read from the environment by the bench tool, never a command line).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

ROWS=${BENCH_ODATA_ROWS:-10000000}
RUNS=${BENCH_ODATA_RUNS:-9}
FIRST_RUNS=${BENCH_ODATA_FIRST_RUNS:-9}
CLIENTS=${BENCH_ODATA_CLIENTS:-16}
SECONDS_PER_LOAD=${BENCH_ODATA_SECONDS:-20}

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

scripts/prerequisites.sh
. scripts/lib/throwaway-clickhouse.sh
start_throwaway_clickhouse odata
api_pid=""
# Replaces the library's trap: the api must stop before its ClickHouse does; then the library's cleanup.
# shellcheck disable=SC2064 # expand now, as the library does
trap "[ -n \"\$api_pid\" ] && kill \"\$api_pid\" 2>/dev/null && wait \"\$api_pid\" 2>/dev/null; \"$repo/scripts/clickhouse.sh\" stop || true; rm -rf \"$CH_DIR\"" EXIT

prepare_bench
api_src=$repo
if [ -n "${BENCH_ODATA_API_REF:-}" ]; then
  # Resolved once: the branch may move while the benchmark runs.
  BENCH_ODATA_API_REF=$(git -C "$repo" rev-parse --short "$BENCH_ODATA_API_REF^{commit}")
  api_src="$CH_DIR/api-src"
  mkdir -p "$api_src"
  git -C "$repo" archive "$BENCH_ODATA_API_REF" | tar -x -C "$api_src"
  log "building the api and the migrator of $BENCH_ODATA_API_REF (Release)"
  dotnet build "$api_src/tools/Dashboard.Migrate/Dashboard.Migrate.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
else
  log "building the api (Release)"
fi
dotnet build "$api_src/api/Dashboard.Api/Dashboard.Api.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2

# The password stays in the environment of the processes that need it, never on a command line.
ConnectionStrings__ClickHouse="$(scripts/clickhouse.sh env);Database=bench;Timeout=300"
export ConnectionStrings__ClickHouse
load_bench_dataset "$ROWS" "$api_src/artifacts/bin/Dashboard.Migrate/release/Dashboard.Migrate.dll"
parts=$(ch --query "SELECT count() FROM system.parts WHERE database = 'bench' AND table = 'observations' AND active")
observations=$(ch --query "SELECT count() FROM bench.observations")

# The api as scripts/run.sh starts it, on a free port, over database bench. Scorecard snapshots are reused for
# an hour instead of 60 s so the cached case stays cached through the whole run; the first-request case asks
# for a new as-of date each time instead.
api_port=$(free_port)
# The api needs a bearer token: a Leader over every seeded root in a throwaway operational store, made by the
# data generator's bench-account command (the key reaches the bench tool through the environment only). The
# rate limit is raised so the 16 clients measure the service, not the limiter. An older api (BENCH_ODATA_API_REF
# before sign-in) ignores all of this.
export Security__Store__ConnectionString="Data Source=$CH_DIR/security.db"
if [ -z "${BENCH_ODATA_TOKEN:-}" ]; then
  dotnet build "$repo/tools/DataGenerator/DataGenerator.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  BENCH_ODATA_TOKEN=$(dotnet "$repo/artifacts/bin/DataGenerator/release/DataGenerator.dll" bench-account 320000 330000 999000)
  export BENCH_ODATA_TOKEN
fi
log "starting the api on http://127.0.0.1:$api_port"
RateLimits__ODataPerMinute=100000000 Scorecard__ResultCacheSeconds=3600 ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$api_src/artifacts/bin/Dashboard.Api/release/Dashboard.Api.dll" --contentRoot "$api_src/api/Dashboard.Api" --urls "http://127.0.0.1:$api_port" >"$CH_DIR/api.log" 2>&1 </dev/null &
api_pid=$!
for _ in $(seq 1 120); do
  curl -sf -m 2 "http://127.0.0.1:$api_port/health" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { tail -n 30 "$CH_DIR/api.log" >&2; die "the api exited"; }
  sleep 0.5
done
curl -sf -m 2 "http://127.0.0.1:$api_port/health" >/dev/null || { tail -n 30 "$CH_DIR/api.log" >&2; die "the api did not become healthy"; }

load_start=$(cut -d' ' -f1 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
log "measuring ($RUNS runs per query, $FIRST_RUNS first-request scorecards, $CLIENTS clients x ${SECONDS_PER_LOAD} s per query and side)"
out=$("$bench" odata --api "http://127.0.0.1:$api_port" --api-pid "$api_pid" --runs "$RUNS" --first-runs "$FIRST_RUNS" \
  --clients "$CLIENTS" --seconds "$SECONDS_PER_LOAD")
load_end=$(cut -d' ' -f1 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------------------
# field NAME LINE: the value of NAME=... in the tool's key=value output line.
field() { sed -n "s/^\(.* \)\{0,1\}$1=\([^ ]*\).*/\2/p" <<<"$2"; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
meets() { awk -v r="$1" 'BEGIN { print (r <= 1.3 ? "yes" : "**no**") }'; }
describe() {
  case "$1" in
    filter) echo '$filter page: `Observations?$filter=IndicatorCode eq '"'PUBLIC_ABSORPTION'"' and Period ge 2024-01-01&$orderby=Period desc`' ;;
    count) echo '`Observations/$count?$filter=` (same filter)' ;;
    apply) echo '`$apply=filter(same)/groupby((RegionCode),aggregate(Numerator with sum as N,Denominator with sum as D))`' ;;
    scorecard) echo 'Scorecard, snapshot cached: `Scorecard?asOf=2026-10-31&$filter=RegionCode eq '"'320583'"'`' ;;
    scorecard_first) echo 'Scorecard, first request for an as-of date (vs the roll-up SQL of every top-level root)' ;;
  esac
}

api_commit=$(git -C "$repo" rev-parse --short "${BENCH_ODATA_API_REF:-HEAD}")
if [ -z "${BENCH_ODATA_API_REF:-}" ] && [ -n "$(git -C "$repo" status --porcelain -- api lib)" ]; then api_commit+=" + uncommitted changes"; fi
printf '## OData service benchmark\n\nRun of %s, api of %s. %s observations (%s active parts after merges), ClickHouse %s, %s cores, .NET %s; load average (1 min) at start / end: %s / %s.\n\n' \
  "$started" "$api_commit" "$(thousands "$observations")" "$parts" "$(ch --query 'SELECT version()')" "$(nproc)" "$(dotnet --version)" "$load_start" "$load_end"
printf '| Query | Rows | api median (ms) | api p95 | ClickHouse direct median (ms) | direct p95 | Ratio api/direct | ≤ 1.3× | Provider reader alone (ms) | api CPU per request (ms) | Server ms, api / direct | Same SQL |\n'
printf '|---|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|:---:|\n'
while read -r line; do
  [ -n "$(field case "$line")" ] || continue
  c=$(field case "$line"); r=$(field ratio "$line")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(describe "$c")" "$(field rows "$line")" \
    "$(field api_ms "$line")" "$(field api_p95 "$line")" "$(field direct_ms "$line")" "$(field direct_p95 "$line")" "$r" "$(meets "$r")" \
    "$(field provider_ms "$line")" "$(field api_cpu_ms "$line")" "$(field server_api_ms "$line") / $(field server_direct_ms "$line")" "$(field same_sql "$line")"
done <<<"$out"

printf '\n| %s clients, %s s each | api req/s | api p50 / p95 (ms) | api errors | ClickHouse req/s | ClickHouse p50 / p95 (ms) | ClickHouse errors | Ratio api/ClickHouse req/s |\n' "$CLIENTS" "$SECONDS_PER_LOAD"
printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
while read -r line; do
  [ -n "$(field load "$line")" ] || continue
  printf '| %s | %s | %s / %s | %s | %s | %s / %s | %s | %s |\n' "$(field load "$line")" "$(field api_rps "$line")" \
    "$(field api_p50 "$line")" "$(field api_p95 "$line")" "$(field api_errors "$line")" "$(field direct_rps "$line")" \
    "$(field direct_p50 "$line")" "$(field direct_p95 "$line")" "$(field direct_errors "$line")" "$(field ratio "$line")"
done <<<"$out"

printf '\nRuns (ms), api then direct:\n\n'
while read -r line; do
  [ -n "$(field case "$line")" ] || continue
  printf -- '- %s: %s; %s\n' "$(field case "$line")" "$(field api_runs "$line")" "$(field direct_runs "$line")"
done <<<"$out"
