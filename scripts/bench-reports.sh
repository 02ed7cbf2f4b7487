#!/usr/bin/env bash
# Benchmarks report generation (issue 8): ReportService.GenerateAsync for each seeded city as of 2026-10-31
# (previous report, scorecard, restatement check, catalogue, snapshot, DOCX + XLSX + HTML, store) over
# BENCH_REPORTS_ROWS observations (default 10,000,000: the scorecard benchmark's synthetic schools under every
# leaf region, every indicator at its own periodicity since 2019), against the scorecard engine alone as the
# baseline in the same process: the first generation of each city (cold, no previous report) on its own, then
# 2 warm-ups and 7 alternating runs, medians (tools/Dashboard.Bench/ReportsBench.cs). Goal: < 5 s per report.
# Starts its own throwaway ClickHouse on free ports and removes it on exit. Prints a markdown section on
# stdout; progress goes to stderr.
#
#   scripts/bench-reports.sh   (BENCH_REPORTS_ROWS [10000000])
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
ROWS=${BENCH_REPORTS_ROWS:-10000000}

log() { printf '[bench] %s\n' "$*" >&2; }

scripts/prerequisites.sh
. scripts/lib/throwaway-clickhouse.sh
start_throwaway_clickhouse reports
prepare_bench

# The password stays in the environment of the processes that need it, never on a command line.
ConnectionStrings__ClickHouse="$(scripts/clickhouse.sh env);Database=bench;Timeout=300"
export ConnectionStrings__ClickHouse
load_bench_dataset "$ROWS"
log "timing reports"
out=$("$bench" reports)

field() { sed -n "s/^\(.* \)\{0,1\}$1=\([^ ]*\).*/\2/p" <<<"$2"; }
first=$(head -n 1 <<<"$out")
printf '## Report generation benchmark\n\n'
printf '%s observations (synthetic schools under every leaf region of the five issuers), as of 2026-10-31; ClickHouse %s; %s cores (%s), %s RAM; load average at end: %s. Each report is generated, rendered (DOCX, XLSX, HTML) and stored; the baseline is ScorecardEngine.EvaluateAsync for the same city and date in the same process. Medians of 7 alternating runs after 2 warm-ups; "first" is the first report of the city in the process (cold JIT, no previous report).\n\n' \
  "$(field observations "$first")" "$(ch --query "SELECT version()")" "$(nproc)" \
  "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(free -h | awk '/^Mem:/ { print $2 }')" "$(cut -d' ' -f1 /proc/loadavg)"
printf '| City | Rows in report | Targets table | First report (ms) | Report (median ms) | Engine alone (median ms) | Ratio | Slowest report (ms) | Goal < 5 s | DOCX / XLSX / HTML bytes |\n|---|---:|---:|---:|---:|---:|---:|---:|:---:|---|\n'
while read -r line; do
  r=$(field report_ms "$line"); f=$(field first_ms "$line"); m=$(field max_report_ms "$line")
  met=$(awk -v r="$r" -v f="$f" -v m="$m" 'BEGIN { print (r < 5000 && f < 5000 && m < 5000) ? "yes" : "**no**" }')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s |\n' "$(field city "$line")" "$(field rows "$line")" "$(field targets "$line")" \
    "$f" "$r" "$(field engine_ms "$line")" "$(field ratio "$line")" "$m" "$met" \
    "$(field docx_bytes "$line")" "$(field xlsx_bytes "$line")" "$(field html_bytes "$line")"
done <<<"$out"
printf '\nRuns (ms), report / engine:\n\n'
while read -r line; do
  printf -- '- %s: %s / %s\n' "$(field city "$line")" "$(field report_runs "$line")" "$(field engine_runs "$line")"
done <<<"$out"
