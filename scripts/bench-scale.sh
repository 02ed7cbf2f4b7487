#!/usr/bin/env bash
# Province-scale benchmarks (issue 9): generates tools/DataGenerator's dataset (default 2 provinces x 13,300
# schools x 40 monthly indicators x 94 months = 100,016,000 observations) into a throwaway ClickHouse, then
# measures against it, each figure as a ratio to a baseline taken in the same run:
#   ingest     generator rows/s vs clickhouse-client inserting a pre-generated TSV of the same rows (a slice of
#              BENCH_SCALE_BASELINE_SCHOOLS schools of one province; best of one stream and two parallel streams);
#              plus Dashboard.Bench ingest (a whole pull vs the bulk insert alone) in a database of its own,
#              because that bench truncates the observation tables between passes;
#   scorecard  Dashboard.Bench scale-scorecard: engine vs its aggregation SQL alone, synthetic cities and a province;
#   OData      Dashboard.Bench scale-odata: api vs the same SQL (from system.query_log) sent to ClickHouse directly,
#              latency, then 16 and 64 concurrent clients per query on each side;
#   memory     peak RSS (VmHWM) of the api, jobs and web processes after the load.
#   pages      Dashboard.Bench web (WebBench.cs): a city overview and a county drill-down under 16 and 64 signed-in
#              users (a Leader of the first province), p50/p95 and errors, vs the same users asking the api alone
#              for each page's main query.
# Prints a markdown section on stdout; progress on stderr.
#
#   scripts/bench-scale.sh   (BENCH_SCALE_PROVINCES [2], BENCH_SCALE_SCHOOLS [13300] per province,
#                             BENCH_SCALE_BASELINE_SCHOOLS [2660: 10,001,600 rows], BENCH_SCALE_STREAMS [2],
#                             BENCH_SCALE_LOAD_SECONDS [15], BENCH_SCALE_SEED [20260101])
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

PROVINCES=${BENCH_SCALE_PROVINCES:-2}
SCHOOLS=${BENCH_SCALE_SCHOOLS:-13300}
BASELINE_SCHOOLS=${BENCH_SCALE_BASELINE_SCHOOLS:-2660}
STREAMS=${BENCH_SCALE_STREAMS:-2}
SEED=${BENCH_SCALE_SEED:-20260101}
export BENCH_SCALE_LOAD_SECONDS=${BENCH_SCALE_LOAD_SECONDS:-15}
[ "$BASELINE_SCHOOLS" -le "$SCHOOLS" ] || BASELINE_SCHOOLS=$SCHOOLS

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# 100M rows take ~2-4 GB in ClickHouse's parts (before merges) and the baseline TSV ~1.3 GB per 10M rows.
need_gb=$(( PROVINCES * SCHOOLS * 40 * 94 / 25000000 + BASELINE_SCHOOLS * 40 * 94 / 7000000 + 2 ))
avail_gb=$(df -BG --output=avail /tmp | tail -n 1 | tr -dc '0-9')
log "disk: ${avail_gb} GB free in /tmp, about ${need_gb} GB needed"
[ "$avail_gb" -gt "$need_gb" ] || die "not enough space in /tmp"

scripts/prerequisites.sh
. scripts/lib/throwaway-clickhouse.sh
start_throwaway_clickhouse scale
pids=()
# The services must stop before their ClickHouse does; then the library's cleanup.
# shellcheck disable=SC2064 # expand now, as the library does
trap "for p in \${pids[@]+\"\${pids[@]}\"}; do kill \"\$p\" 2>/dev/null; wait \"\$p\" 2>/dev/null; done; \"$repo/scripts/clickhouse.sh\" stop || true; rm -rf \"$CH_DIR\"" EXIT
prepare_bench
log "building the generator, api, jobs and web (Release)"
for p in tools/DataGenerator/DataGenerator.csproj tools/Dashboard.Admin/Dashboard.Admin.csproj api/Dashboard.Api/Dashboard.Api.csproj jobs/Dashboard.Jobs/Dashboard.Jobs.csproj web/Dashboard.Web/Dashboard.Web.csproj; do
  # Another session's half-edited web or jobs must not stop the run: that service's memory is then n/a.
  dotnet build "$p" -c Release -nologo -v quiet -clp:ErrorsOnly >&2 || log "$p did not build"
done
generator=artifacts/bin/DataGenerator/release/DataGenerator.dll
server="$(scripts/clickhouse.sh env);Timeout=3600"
field() { sed -n "s/^\(.* \)\{0,1\}$1=\([^ ]*\).*/\2/p" <<<"$2"; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
load_start=$(cut -d' ' -f1 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')

for db in bench ingest_bench; do
  ConnectionStrings__ClickHouse="$server;Database=$db" dotnet artifacts/bin/Dashboard.Migrate/release/Dashboard.Migrate.dll >&2
done

# ---- baseline: clickhouse-client inserting the same rows from a file ---------------------------------------
tsv="$CH_DIR/baseline.tsv"
log "writing the baseline slice: 1 province x $BASELINE_SCHOOLS schools as TSV"
dotnet "$generator" --tsv "$tsv" --provinces 1 --schools-per-province "$BASELINE_SCHOOLS" --seed "$SEED" >&2
baseline_rows=$(wc -l <"$tsv")
ch --query "CREATE DATABASE baseline"
ch --query "CREATE TABLE baseline.observations AS bench.observations"
cols="region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at"
t0=$(date +%s.%N)
ch --query "INSERT INTO baseline.observations ($cols) FORMAT TabSeparated" <"$tsv"
one_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
ch --query "TRUNCATE TABLE baseline.observations"
split -n l/2 "$tsv" "$CH_DIR/part."
t0=$(date +%s.%N)
for f in "$CH_DIR"/part.*; do ch --query "INSERT INTO baseline.observations ($cols) FORMAT TabSeparated" <"$f" & done
wait
two_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
rm -f "$tsv" "$CH_DIR"/part.*
ch --query "DROP DATABASE baseline"
client_one=$(awk -v n="$baseline_rows" -v s="$one_s" 'BEGIN { printf "%.0f", n / s }')
client_two=$(awk -v n="$baseline_rows" -v s="$two_s" 'BEGIN { printf "%.0f", n / s }')
client_best=$(( client_one > client_two ? client_one : client_two ))
log "clickhouse-client: $client_one rows/s in one stream, $client_two in two"

# ---- the dataset ----------------------------------------------------------------------------------------
log "generating $PROVINCES x $SCHOOLS schools ($STREAMS streams)"
gen=$(ConnectionStrings__ClickHouse="$server;Database=bench" dotnet "$generator" --provinces "$PROVINCES" --schools-per-province "$SCHOOLS" --seed "$SEED" --streams "$STREAMS")
log "$gen"
gen_rate=$(field rows_per_s "$gen")

ConnectionStrings__ClickHouse="$server;Database=ingest_bench;Timeout=300"
export ConnectionStrings__ClickHouse
log "ingest: a whole pull vs the bulk insert alone (500,000 rows, database ingest_bench)"
ingest=$("$bench" ingest --rows 500000 --runs 1 --page-size 1000)

ConnectionStrings__ClickHouse="$server;Database=bench;Timeout=600"
export ConnectionStrings__ClickHouse
for _ in $(seq 1 900); do
  [ "$(ch --query "SELECT count() FROM system.merges")" = 0 ] && break
  sleep 1
done
parts=$(ch --query "SELECT count() FROM system.parts WHERE database = 'bench' AND table = 'observations' AND active")
disk=$(ch --query "SELECT formatReadableSize(sum(bytes_on_disk)) FROM system.parts WHERE database = 'bench' AND active")
log "scorecard"
scorecard=$("$bench" scale-scorecard)

# ---- services -------------------------------------------------------------------------------------------
export Security__Store__ConnectionString="Data Source=$CH_DIR/security.db"
BENCH_ODATA_TOKEN=$(dotnet "$generator" bench-account $(ch --query "SELECT code FROM bench.regions FINAL WHERE level = 'Province' AND code LIKE '9%' FORMAT TSV" | tr '\n' ' '))
export BENCH_ODATA_TOKEN
export ConnectionStrings__ClickHouseRead="$ConnectionStrings__ClickHouse"
start() { # NAME PROJECT -> port in $port, pid appended to pids; the project folder is the content root (appsettings, wwwroot)
  port=$(free_port)
  ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production RateLimits__ODataPerMinute=10000000 \
    Scorecard__ResultCacheSeconds=3600 dotnet "artifacts/bin/$(basename "$2")/release/$(basename "$2").dll" --contentRoot "$repo/$2" >"$CH_DIR/$1.log" 2>&1 </dev/null &
  pids+=("$!")
  eval "${1}_pid=$! ${1}_port=$port"
  for _ in $(seq 1 120); do
    curl -s -o /dev/null -m 2 "http://127.0.0.1:$port/health" && return 0
    kill -0 "$!" 2>/dev/null || { tail -n 20 "$CH_DIR/$1.log" >&2; log "$1 exited"; return 1; }
    sleep 0.5
  done
}
start api api/Dashboard.Api || die "the api did not start"
start jobs jobs/Dashboard.Jobs || jobs_pid=""
# Every virtual user signs in from this address: the sign-in limit is raised; Server-Timing counts the api calls.
Api__BaseUrl="http://127.0.0.1:$api_port/" RateLimits__SignInPerMinute=100000 Diagnostics__ServerTiming=true start web web/Dashboard.Web || web_pid=""
log "OData: api on port $api_port"
odata=$("$bench" scale-odata "http://127.0.0.1:$api_port")

pages=""
province=$(ch --query "SELECT min(code) FROM bench.regions FINAL WHERE level = 'Province' AND code LIKE '9%'")
city=$(ch --query "SELECT min(code) FROM bench.regions FINAL WHERE level = 'City' AND parent_code = '$province'")
county=$(ch --query "SELECT min(code) FROM bench.regions FINAL WHERE level = 'County' AND parent_code = '$city'")
if [ -n "${web_pid:-}" ]; then
  for clients in 16 64; do
    # A Leader of the whole province per run (its first sign-in changes the one-time password).
    user="scale-leader-$clients"
    printf '[{"userName":"%s","displayName":"省级领导","role":"Leader","regions":["%s"]}]' "$user" "$province" >"$CH_DIR/leader.json"
    created=$(dotnet artifacts/bin/Dashboard.Admin/release/Dashboard.Admin.dll seed-demo --file "$CH_DIR/leader.json" 2>/dev/null)
    log "pages: $clients users, overview of $city and drill-down of $county"
    out=$(BENCH_WEB_URL="http://127.0.0.1:$web_port" BENCH_WEB_API="http://127.0.0.1:$api_port" BENCH_WEB_USER="$user" \
      BENCH_WEB_PASSWORD="$(sed -n "s/^$user (.*one-time password \(.*\)$/\1/p" <<<"$created")" BENCH_WEB_CITY="$city" BENCH_WEB_REGION="$county" \
      BENCH_WEB_ASOF=2026-10-31 BENCH_WEB_CLIENTS="$clients" BENCH_WEB_SECONDS="$BENCH_SCALE_LOAD_SECONDS" BENCH_WEB_FIRST_RUNS=3 "$bench" web) || out=""
    pages+="$out"$'\n'
  done
fi
hwm() { [ -n "$1" ] && awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "n/a"; }
mem_api=$(hwm "$api_pid"); mem_jobs=$(hwm "${jobs_pid:-}"); mem_web=$(hwm "${web_pid:-}")
load_end=$(cut -d' ' -f1 /proc/loadavg)

# ---- report ---------------------------------------------------------------------------------------------
rows=$(field rows "$gen")
cat <<REPORT
## Province scale

Run of $started, commit $(git rev-parse --short HEAD)$( [ -n "$(git status --porcelain -- tools lib api jobs web)" ] && printf ' + uncommitted changes'). ClickHouse $(ch --query "SELECT version()"), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), .NET $(dotnet --version). Load average (1 min) at start / end: $load_start / $load_end.
Dataset: $PROVINCES provinces x $(thousands "$SCHOOLS") schools ($(thousands "$(field regions "$gen")") regions), 40 monthly indicators 2019-01..2026-10, seed $SEED: $(thousands "$rows") observations + $(thousands "$(field raw_rows "$gen")") observations_raw rows (both revisions of the restated keys); $parts active parts, $disk on disk.

| Measure | Figure | Baseline (same run) | Ratio | Goal | Met |
|---|---:|---:|---:|---:|:---:|
| Generator into ClickHouse, rows/s ($STREAMS streams) | $(thousands "$gen_rate") | clickhouse-client TSV insert, best of 1/2 streams: $(thousands "$client_best") | $(ratio "$gen_rate" "$client_best") | close to 1 | $(awk -v r="$(ratio "$gen_rate" "$client_best")" 'BEGIN { print (r >= 0.7 ? "yes" : "**no**") }') |
| Pull (ingestion path), rows/s, 1,000-row pages | $(thousands "$(field pull_rate "$ingest")") | bulk insert alone: $(thousands "$(field bulk_rate "$ingest")") | $(field ratio "$ingest") | ≥ 0.50 | $(awk -v r="$(field ratio "$ingest")" 'BEGIN { print (r >= 0.5 ? "yes" : "**no**") }') |

Generator: $(field seconds "$gen") s for the observations, then $(field rollup_seconds "$gen") s to rebuild observation_rollup ($(sed -n 's/.*rollup="\([^"]*\)".*/\1/p' <<<"$gen")). clickhouse-client: $(thousands "$baseline_rows") rows in $one_s s (one stream, $(thousands "$client_one") rows/s) and $two_s s (two, $(thousands "$client_two") rows/s).

| Scorecard root | Judged regions | Scorecard rows | Engine (median ms) | Its aggregation SQL alone (ms) | Ratio | ≤ 1.5× | < 200 ms |
|---|---:|---:|---:|---:|---:|:---:|:---:|
REPORT
while read -r line; do
  [ -n "$line" ] || continue
  e=$(field engine_ms "$line"); r=$(field ratio "$line")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(field city "$line")" "$(field judged "$line")" "$(field scorecard_rows "$line")" "$e" "$(field table_ms "$line")" "$r" \
    "$(awk -v r="$r" 'BEGIN { print (r <= 1.5 ? "yes" : "**no**") }')" "$(awk -v e="$e" 'BEGIN { print (e < 200 ? "yes" : "**no**") }')"
done <<<"$scorecard"

printf '\n| OData query | api median (ms) | api p95 | Direct median (ms) | Direct p95 | Ratio | ≤ 1.3× |\n|---|---:|---:|---:|---:|---:|:---:|\n'
while read -r line; do
  [ -n "$(field case "$line")" ] || continue
  r=$(field ratio "$line")
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(field case "$line")" "$(field api_ms "$line")" "$(field api_p95 "$line")" "$(field direct_ms "$line")" "$(field direct_p95 "$line")" "$r" \
    "$(awk -v r="$r" 'BEGIN { print (r <= 1.3 ? "yes" : "**no**") }')"
done <<<"$odata"

printf '\n| Under load (%s s each) | Clients | api req/s | api p50 / p95 (ms) | api errors | Direct req/s | Direct p50 / p95 (ms) | Direct errors | Ratio req/s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n' "$BENCH_SCALE_LOAD_SECONDS"
while read -r line; do
  [ -n "$(field load "$line")" ] || continue
  printf '| %s | %s | %s | %s / %s | %s | %s | %s / %s | %s | %s |\n' "$(field load "$line")" "$(field clients "$line")" "$(field api_rps "$line")" "$(field api_p50 "$line")" "$(field api_p95 "$line")" \
    "$(field api_errors "$line")" "$(field direct_rps "$line")" "$(field direct_p50 "$line")" "$(field direct_p95 "$line")" "$(field direct_errors "$line")" "$(field ratio "$line")"
done <<<"$odata"

cat <<REPORT

| Process | Peak RSS (VmHWM, MiB) after the load |
|---|---:|
| api | $mem_api |
| jobs (idle: no sources registered) | $mem_jobs |
| web (after the pages' load) | $mem_web |

REPORT
printf '| Page (warm snapshot) | Users | pages/s | p50 (ms) | p95 (ms) | errors | api calls per page | api alone: main query p50 / p95 (ms), req/s | web p95 / api p95 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
while read -r line; do
  [ -n "$(field load "$line")" ] || continue
  printf '| `%s` | %s | %s | %s | %s | %s | %s | %s / %s, %s | %s |\n' "$(field path "$line")" "$(field clients "$line")" "$(field web_rps "$line")" \
    "$(field web_p50 "$line")" "$(field web_p95 "$line")" "$(field web_errors "$line")" "$(field api_calls "$line")" \
    "$(field main_p50 "$line")" "$(field main_p95 "$line")" "$(field main_rps "$line")" "$(field ratio_p95 "$line")"
done <<<"$pages"
[ -n "$(tr -d '[:space:]' <<<"$pages")" ] || printf '\nDashboard pages: not measured (the web did not start or the bench failed; see %s/web.log).\n' "$CH_DIR"
