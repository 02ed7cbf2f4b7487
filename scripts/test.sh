#!/usr/bin/env bash
# Sets up and runs every test: installs what is missing, starts a throwaway ClickHouse on free ports in a
# temporary folder, runs the whole solution's tests against it, stops it, and exits non-zero on any failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

log() { printf '[test] %s\n' "$*" >&2; }

scripts/prerequisites.sh

. scripts/lib/throwaway-clickhouse.sh
start_throwaway_clickhouse test

DASHBOARD_TEST_CLICKHOUSE=$(scripts/clickhouse.sh env)
DASHBOARD_TEST_CLICKHOUSE_READER=$(scripts/clickhouse.sh env-reader)
export DASHBOARD_TEST_CLICKHOUSE DASHBOARD_TEST_CLICKHOUSE_READER

# The clustered jobs tests share a Quartz job store on a throwaway PostgreSQL.
. scripts/lib/throwaway-postgres.sh
start_throwaway_postgres test
DASHBOARD_TEST_POSTGRES=$(scripts/postgres.sh env)
export DASHBOARD_TEST_POSTGRES

log "building"
dotnet build Dashboard.sln -c Release -nologo -v quiet -clp:ErrorsOnly

results=$(mktemp -d /tmp/dashboard-test-results.XXXXXX)
log "running tests"
status=0
dotnet test Dashboard.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" || status=$?

# One closing line over every test project, counted from the TRX result files.
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  # A test host that crashed leaves a TRX without counters: count nothing for it (its failure is in $status).
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1 || true)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  fl=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${fl:-0}))
  ns=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${ns:-0}))
done
rm -rf "$results"
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then
  log "no test ran"
  status=1
fi
exit "$status"
