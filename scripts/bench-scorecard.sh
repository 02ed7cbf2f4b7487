#!/usr/bin/env bash
# Benchmarks the scorecard engine: every seeded city's scorecard as of 2026-10-31 over a dataset of
# BENCH_SCORECARD_ROWS observations (default 10,000,000: synthetic schools under every leaf region, every
# indicator at its own periodicity since 2019), against the engine's roll-up SQL alone through the same
# provider, 7 alternating runs after 2 warm-ups, medians. Starts and removes its own ClickHouse.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
ROWS=${BENCH_SCORECARD_ROWS:-10000000}

scripts/prerequisites.sh
. scripts/lib/throwaway-clickhouse.sh
start_throwaway_clickhouse scorecard

dotnet build Dashboard.sln -c Release -nologo -v quiet -clp:ErrorsOnly >&2
ConnectionStrings__ClickHouse="$(scripts/clickhouse.sh env);Database=bench;Timeout=300"
export ConnectionStrings__ClickHouse
dotnet artifacts/bin/Dashboard.Migrate/release/Dashboard.Migrate.dll >&2
out=$(dotnet artifacts/bin/Dashboard.Bench/release/Dashboard.Bench.dll scorecard --rows "$ROWS")

field() { sed -n "s/^\(.* \)\{0,1\}$1=\([^ ]*\).*/\2/p" <<<"$2"; }
first=$(head -n 1 <<<"$out")
printf '## Scorecard engine benchmark\n\n%s observations (%s), as of 2026-10-31, ClickHouse %s, %s cores; load average at end: %s.\n\n' \
  "$(field observations "$first")" "synthetic schools under every leaf region of the five issuers" \
  "$(curl -s -u "dashboard:$(cat "$CH_DIR/password")" "http://127.0.0.1:$CH_HTTP_PORT/?query=SELECT%20version()")" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '| City | Observations it covers | Scorecard rows | Engine (median ms) | Roll-up table read alone (ms) | Aggregation from every observation (ms) | Engine / table read | Engine / from scratch | Goal < 200 ms | Engine runs (ms) |\n|---|---:|---:|---:|---:|---:|---:|---:|:---:|---|\n'
while read -r line; do
  e=$(field engine_ms "$line")
  met=$(awk -v e="$e" 'BEGIN { print (e < 200) ? "yes" : "**no**" }')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(field city "$line")" "$(field city_rows "$line")" "$(field scorecard_rows "$line")" \
    "$e" "$(field table_ms "$line")" "$(field raw_ms "$line")" "$(field ratio "$line")" "$(field scratch_ratio "$line")" "$met" "$(field engine_runs "$line")"
done <<<"$out"
