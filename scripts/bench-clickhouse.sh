#!/usr/bin/env bash
# Benchmarks the ClickHouse provider (lib/Dashboard.ClickHouse) against clickhouse-client on this machine,
# in one run so every ratio compares figures taken side by side:
#   1. bulk insert of BENCH_ROWS observation rows: ClickHouseBulkWriter vs clickhouse-client reading a TSV
#      file of the same rows;
#   2. streaming read of those rows: ClickHouseDataReader with typed getters vs clickhouse-client to /dev/null;
#   3. peak RSS of the reading process (/usr/bin/time -v), next to a do-nothing run of the same tool.
# Each side runs BENCH_RUNS times, alternating (A B A B ...), and medians are reported. Starts its own
# throwaway ClickHouse on free ports in a temporary folder and removes it on exit, so it can be rerun at will.
# Prints a markdown table of results on stdout; progress goes to stderr.
#
#   scripts/bench-clickhouse.sh        (BENCH_ROWS [1000000], BENCH_RUNS [3])
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
DB=bench
TABLE=observations_raw
COLUMNS="region_code, indicator_code, period, numerator, denominator, value, revision, source_id, run_id, updated_at, loaded_at"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

scripts/prerequisites.sh
if [ ! -x /usr/bin/time ]; then
  log "installing GNU time (Debian package 'time') for peak RSS"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null
fi

. scripts/lib/throwaway-clickhouse.sh
start_throwaway_clickhouse bench

prepare_bench

ConnectionStrings__ClickHouse="$(scripts/clickhouse.sh env);Database=$DB"
export ConnectionStrings__ClickHouse
# Only the migration that defines the benchmarked table: later ones are not needed and cannot break the run.
log "creating database $DB with sql/0001_observations.sql"
mkdir -p "$CH_DIR/sql"
cp sql/0001_observations.sql "$CH_DIR/sql/"
dotnet artifacts/bin/Dashboard.Migrate/release/Dashboard.Migrate.dll --dir "$CH_DIR/sql" >&2

# ---- helpers -------------------------------------------------------------------------------------------
now() { date +%s.%N; }
diff_seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# field NAME LINE: the value of NAME=... in a tool's key=value output line.
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }
rate() { awk -v n="$ROWS" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
meets() { awk -v r="$1" -v g="$2" 'BEGIN { print (r >= g ? "yes" : "**no**") }'; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
max_rss() { sed -n 's/.*Maximum resident set size (kbytes): *//p' "$1"; }
runs_list() { local IFS=/; printf '%s' "$*"; }
truncate_table() { ch --query "TRUNCATE TABLE $DB.$TABLE"; }
expect_rows() {
  local n
  n=$(ch --query "SELECT count() FROM $DB.$TABLE")
  [ "$n" = "$ROWS" ] || die "$1 left $n rows in $TABLE, expected $ROWS"
}
# The whole table in key order: equal digests mean both inserters stored the same rows.
table_digest() { ch --query "SELECT $COLUMNS FROM $DB.$TABLE ORDER BY indicator_code, region_code, period, revision, loaded_at FORMAT TabSeparated" | md5sum | cut -d' ' -f1; }

# Other work on the machine skews every figure: the report shows the load around the measured part.
load_start=$(cut -d' ' -f1 /proc/loadavg)
tsv="$CH_DIR/observations.tsv"
log "generating $ROWS rows into $tsv"
line=$("$bench" generate "$tsv" --rows "$ROWS")
expected_check=$(field check "$line")
[ "$(field rows "$line")" = "$ROWS" ] || die "generate wrote: $line"

# A fresh server's first large insert is slow whoever sends it (allocations, caches): one untimed round.
log "warming the server up"
ch --query "INSERT INTO $DB.$TABLE ($COLUMNS) FORMAT TabSeparated" < "$tsv"
truncate_table

# ---- 1. bulk insert ------------------------------------------------------------------------------------
# The tool makes a cold pass and a steady pass per run (see tools/Dashboard.Bench/Program.cs); the client
# makes one. The table is emptied before every run.
ins_p=(); ins_p_cold=(); ins_p_cpu=(); ins_c=()
for run in $(seq 1 "$RUNS"); do
  truncate_table
  line=$("$bench" insert --rows "$ROWS")
  [ "$(field rows "$line")" = "$ROWS" ] || die "insert wrote: $line"
  ins_p+=("$(field seconds "$line")"); ins_p_cold+=("$(field cold_seconds "$line")"); ins_p_cpu+=("$(field cpu "$line")")
  expect_rows "provider insert"
  if [ "$run" = 1 ]; then provider_digest=$(table_digest); fi

  truncate_table
  t0=$(now)
  ch --query "INSERT INTO $DB.$TABLE ($COLUMNS) FORMAT TabSeparated" < "$tsv"
  t1=$(now)
  ins_c+=("$(diff_seconds "$t0" "$t1")")
  expect_rows "clickhouse-client insert"
  if [ "$run" = 1 ]; then client_digest=$(table_digest); fi
  log "insert run $run: provider ${ins_p[-1]} s (cold ${ins_p_cold[-1]} s, cpu ${ins_p_cpu[-1]} s), clickhouse-client ${ins_c[-1]} s"
done
[ "$provider_digest" = "$client_digest" ] || die "the provider and clickhouse-client stored different rows ($provider_digest vs $client_digest)"

# ---- 2 + 3. streaming read and its peak RSS ------------------------------------------------------------
# The table now holds clickhouse-client's copy, which was just shown to equal the provider's. The tool
# times a cold and a steady pass, then checksums every value in a third, untimed pass.
rd_p=(); rd_p_cold=(); rd_p_cpu=(); rd_c=(); rss_p=(); rss_c=()
timing="$CH_DIR/time.txt"
for run in $(seq 1 "$RUNS"); do
  line=$(/usr/bin/time -v -o "$timing" "$bench" read)
  [ "$(field rows "$line")" = "$ROWS" ] || die "read returned: $line"
  [ "$(field check "$line")" = "$expected_check" ] || die "read returned other rows than were generated (check $(field check "$line"), expected $expected_check)"
  rd_p+=("$(field seconds "$line")"); rd_p_cold+=("$(field cold_seconds "$line")"); rd_p_cpu+=("$(field cpu "$line")")
  rss_p+=("$(max_rss "$timing")")

  t0=$(now)
  /usr/bin/time -v -o "$timing" clickhouse-client --config-file "$client_config" --host 127.0.0.1 --port "$CH_TCP_PORT" \
    --query "SELECT $COLUMNS FROM $DB.$TABLE FORMAT TabSeparated" > /dev/null
  t1=$(now)
  rd_c+=("$(diff_seconds "$t0" "$t1")")
  rss_c+=("$(max_rss "$timing")")
  log "read run $run: provider ${rd_p[-1]} s (cold ${rd_p_cold[-1]} s, cpu ${rd_p_cpu[-1]} s, ${rss_p[-1]} KiB), clickhouse-client ${rd_c[-1]} s"
done
/usr/bin/time -v -o "$timing" "$bench" noop > /dev/null
rss_noop=$(max_rss "$timing")

# ---- server side, from system.query_log ----------------------------------------------------------------
# The server's own time and CPU per statement show how much of each side's wall time is the server's.
ch --query "SYSTEM FLUSH LOGS" || true
server_stats=$(ch --query "
  SELECT if(query LIKE 'INSERT%', 'insert', 'read') AS kind, interface, count(),
         quantileExact(0.5)(query_duration_ms),
         quantileExact(0.5)(ProfileEvents.Values[indexOf(ProfileEvents.Names, 'OSCPUVirtualTimeMicroseconds')])
  FROM system.query_log
  WHERE type = 2
    AND ((query LIKE 'INSERT INTO%$TABLE%' AND written_rows = $ROWS)
      OR (query LIKE 'SELECT region_code%FROM%$TABLE%' AND query NOT LIKE '%ORDER BY%' AND read_rows = $ROWS))
  GROUP BY kind, interface
  ORDER BY kind, interface" 2>/dev/null || true)
# server KIND INTERFACE: "duration ms / CPU s" (interface 1 = native TCP, 2 = HTTP).
server() { awk -v k="$1" -v i="$2" '$1 == k && $2 == i { printf "%d ms / %.2f s", $4, $5 / 1e6; found = 1 } END { if (!found) printf "n/a" }' <<<"$server_stats"; }

# ---- report --------------------------------------------------------------------------------------------
ip=$(median "${ins_p[@]}"); ipc=$(median "${ins_p_cold[@]}"); ic=$(median "${ins_c[@]}")
rp=$(median "${rd_p[@]}"); rpc=$(median "${rd_p_cold[@]}"); rc=$(median "${rd_c[@]}")
ip_rate=$(rate "$ip"); ipc_rate=$(rate "$ipc"); ic_rate=$(rate "$ic")
rp_rate=$(rate "$rp"); rpc_rate=$(rate "$rpc"); rc_rate=$(rate "$rc")
ins_ratio=$(ratio "$ip_rate" "$ic_rate"); ins_cold_ratio=$(ratio "$ipc_rate" "$ic_rate")
rd_ratio=$(ratio "$rp_rate" "$rc_rate"); rd_cold_ratio=$(ratio "$rpc_rate" "$rc_rate")
rss_read=$(maximum "${rss_p[@]}"); rss_cli=$(maximum "${rss_c[@]}")
load_end=$(cut -d' ' -f1 /proc/loadavg)

cat <<REPORT

## ClickHouse provider benchmark

$(thousands "$ROWS") rows of observations_raw; $RUNS alternating runs per side (provider, client, provider, …), medians. ClickHouse $(ch --query "SELECT version()"), $(nproc) cores, .NET $(dotnet --version). Both sides stored identical tables (digest) and the provider read back exactly the generated rows (checksum).
"Steady" is the provider's second pass in its process (JIT settled, as in a long-running service); "cold" is its first pass in a fresh process (tiered JIT still compiling). clickhouse-client times include its process start. Load average (1 min) at start / end: $load_start / $load_end; figures taken on a busy machine are noisy.

| Measure | Provider | clickhouse-client | Ratio provider/client | Goal | Met |
|---|---:|---:|---:|---:|:---:|
| Bulk insert, rows/s, steady | $(thousands "$ip_rate") | $(thousands "$ic_rate") | $ins_ratio | ≥ 0.70 | $(meets "$ins_ratio" 0.7) |
| Bulk insert, rows/s, cold | $(thousands "$ipc_rate") | $(thousands "$ic_rate") | $ins_cold_ratio | ≥ 0.70 | $(meets "$ins_cold_ratio" 0.7) |
| Streaming read, rows/s, steady | $(thousands "$rp_rate") | $(thousands "$rc_rate") | $rd_ratio | ≥ 0.50 | $(meets "$rd_ratio" 0.5) |
| Streaming read, rows/s, cold | $(thousands "$rpc_rate") | $(thousands "$rc_rate") | $rd_cold_ratio | ≥ 0.50 | $(meets "$rd_cold_ratio" 0.5) |

| Detail | Provider | clickhouse-client |
|---|---:|---:|
| Insert seconds per run, steady | $(runs_list "${ins_p[@]}") | $(runs_list "${ins_c[@]}") |
| Insert seconds per run, cold | $(runs_list "${ins_p_cold[@]}") | |
| Insert, provider process CPU s per steady pass | $(runs_list "${ins_p_cpu[@]}") | |
| Insert, server time / CPU per statement (median) | $(server insert 2) | $(server insert 1) |
| Read seconds per run, steady | $(runs_list "${rd_p[@]}") | $(runs_list "${rd_c[@]}") |
| Read seconds per run, cold | $(runs_list "${rd_p_cold[@]}") | |
| Read, provider process CPU s per steady pass | $(runs_list "${rd_p_cpu[@]}") | |
| Read, server time / CPU per statement (median) | $(server read 2) | $(server read 1) |

| Process | Peak RSS (MiB) |
|---|---:|
| Dashboard.Bench read (max of $RUNS; each streams the table three times) | $(mib "$rss_read") |
| Dashboard.Bench noop (baseline) | $(mib "$rss_noop") |
| Reader's own footprint (read − noop) | $(mib $((rss_read - rss_noop))) |
| clickhouse-client SELECT (max of $RUNS, for reference) | $(mib "$rss_cli") |
REPORT
