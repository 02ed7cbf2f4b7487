#!/usr/bin/env bash
# Benchmarks the ingestion path against the provider's bulk insert alone, on this machine, in one run so
# every ratio compares figures taken side by side (tools/Dashboard.Bench/IngestBench.cs):
#   pull  = PullService.PullAsync, exactly as the jobs host runs it: a fake district system over loopback
#           HTTP (pages rendered before the clock starts) -> HttpFeedReader -> validation -> ClickHouse
#           (rejections, observations_raw, observations per page), run record and watermark;
#   bulk  = the same validated rows written by IngestionStore.WriteObservationsAsync at once: one
#           ClickHouseBulkWriter INSERT into observations_raw, one into observations.
# For each page size in BENCH_PAGE_SIZES, after a warm-up of each side, BENCH_RUNS alternating runs
# (pull, bulk, pull, ...), medians; then the pull's parts alone (feed read, validation, page-by-page
# stores) and the server's own time per INSERT from system.query_log, to show where a pull's time goes.
# Starts its own throwaway ClickHouse on free ports in a temporary folder and removes it on exit.
# Prints a markdown table of results on stdout; progress goes to stderr.
#
#   scripts/bench-ingest.sh     (BENCH_ROWS [500000], BENCH_RUNS [3], BENCH_PAGE_SIZES ["1000 5000 20000"])
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

ROWS=${BENCH_ROWS:-500000}
RUNS=${BENCH_RUNS:-3}
PAGE_SIZES=${BENCH_PAGE_SIZES:-1000 5000 20000}
DB=bench

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

scripts/prerequisites.sh
. scripts/lib/throwaway-clickhouse.sh
start_throwaway_clickhouse ingest

prepare_bench

ConnectionStrings__ClickHouse="$(scripts/clickhouse.sh env);Database=$DB;Timeout=300"
export ConnectionStrings__ClickHouse
# Every migration: a pull validates against the seeded catalogue and records its run and watermark.
log "creating database $DB with every migration of sql/"
dotnet artifacts/bin/Dashboard.Migrate/release/Dashboard.Migrate.dll >&2

# ---- helpers -------------------------------------------------------------------------------------------
# field NAME LINE: the value of NAME=... in the tool's key=value output line.
field() { sed -n "s/^\(.* \)\{0,1\}$1=\([^ ]*\).*/\2/p" <<<"$2"; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
meets() { awk -v r="$1" -v g="$2" 'BEGIN { print (r >= g ? "yes" : "**no**") }'; }
# Median server time (ms) of the run's INSERTs into the observation tables that wrote exactly N rows.
server_ms() {
  ch --query "SELECT quantileExact(0.5)(query_duration_ms) FROM system.query_log
              WHERE type = 2 AND query LIKE 'INSERT INTO \`observations%' AND written_rows = $1 AND event_time >= toDateTime($2)" 2>/dev/null || echo "n/a"
}

load_start=$(cut -d' ' -f1 /proc/loadavg)
lines=(); page_ms=(); bulk_ms=()
for size in $PAGE_SIZES; do
  log "page size $size: $ROWS rows, $RUNS alternating runs"
  started=$(date +%s)
  line=$("$bench" ingest --rows "$ROWS" --runs "$RUNS" --page-size "$size")
  [ "$(field rows "$line")" = "$ROWS" ] || die "ingest printed: $line"
  lines+=("$line")
  ch --query "SYSTEM FLUSH LOGS" 2>/dev/null || true
  page_ms+=("$(server_ms "$size" "$started")")
  bulk_ms+=("$(server_ms "$ROWS" "$started")")
done
load_end=$(cut -d' ' -f1 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------------------
first=${lines[0]}
cat <<REPORT

## Ingestion path benchmark

$(thousands "$ROWS") rows of a fake 太仓 (320585) district feed, $(thousands "$(field keys "$first")") keys restated at higher revisions, in year order; $RUNS alternating runs per side (pull, bulk, pull, …) after a warm-up of each, medians. ClickHouse $(ch --query "SELECT version()"), $(nproc) cores, .NET $(dotnet --version). Load average (1 min) at start / end: $load_start / $load_end.

| Page size (rows per request) | Pull, rows/s | Bulk insert alone, rows/s | Ratio pull/bulk | Goal | Met |
|---|---:|---:|---:|---:|:---:|
REPORT
for line in "${lines[@]}"; do
  printf '| %s | %s | %s | %s | ≥ 0.50 | %s |\n' "$(thousands "$(field page_size "$line")")" "$(thousands "$(field pull_rate "$line")")" \
    "$(thousands "$(field bulk_rate "$line")")" "$(field ratio "$line")" "$(meets "$(field ratio "$line")" 0.5)"
done

printf '\n| Detail (page size) |'
for line in "${lines[@]}"; do printf ' %s |' "$(thousands "$(field page_size "$line")")"; done
printf '\n|---|'
for _ in "${lines[@]}"; do printf -- '---:|'; done
printf '\n'
row() { # LABEL FIELD
  printf '| %s |' "$1"
  for line in "${lines[@]}"; do printf ' %s |' "$(field "$2" "$line")"; done
  printf '\n'
}
row "Pull seconds per run" pull_runs
row "Bulk seconds per run" bulk_runs
row "Pull, this process's CPU s (median)" pull_cpu
row "Bulk, this process's CPU s (median)" bulk_cpu
row "Pull's parts alone: feed read (HTTP, JSON, rows) s" fetch_seconds
row "Pull's parts alone: validation s" validate_seconds
row "For comparison: storing page by page (2 INSERTs a page, the first version) s" paged_store_seconds
printf '| Server ms per page INSERT (median) |'; for ms in "${page_ms[@]}"; do printf ' %s |' "$ms"; done; printf '\n'
printf '| Server ms per bulk INSERT of every row (median) |'; for ms in "${bulk_ms[@]}"; do printf ' %s |' "$ms"; done; printf '\n'
