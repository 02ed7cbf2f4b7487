# Sourced by scripts that need a ClickHouse of their own (tests, benchmarks): picks free ports, starts
# a server in a temporary folder with scripts/clickhouse.sh and stops and removes it when the script exits.
# After `start_throwaway_clickhouse NAME`: CH_DIR, CH_HTTP_PORT, CH_TCP_PORT are exported.

free_port() {
  local port
  while :; do
    port=$(( (RANDOM % 20000) + 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

start_throwaway_clickhouse() {
  local repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  export CH_DIR CH_HTTP_PORT CH_TCP_PORT
  CH_DIR=$(mktemp -d "/tmp/dashboard-$1-ch.XXXXXX")
  CH_HTTP_PORT=$(free_port)
  CH_TCP_PORT=$(free_port)
  while [ "$CH_TCP_PORT" = "$CH_HTTP_PORT" ]; do CH_TCP_PORT=$(free_port); done
  # shellcheck disable=SC2064 # expand now: the trap must stop this server even if the variables change
  trap "\"$repo/scripts/clickhouse.sh\" stop || true; rm -rf \"$CH_DIR\"" EXIT
  "$repo/scripts/clickhouse.sh" start
}

# For benchmark scripts, after start_throwaway_clickhouse: ch() runs clickhouse-client against the server,
# reading the password from a private config file so it never shows in process listings; the bench tool
# and the migrator are built and $bench names the bench tool.
prepare_bench() {
  local repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  client_config="$CH_DIR/client.xml"
  (umask 077; printf '<config>\n  <user>dashboard</user>\n  <password>%s</password>\n</config>\n' \
    "$("$repo/scripts/clickhouse.sh" env | sed 's/.*;Password=//')" > "$client_config")
  ch() { clickhouse-client --config-file "$client_config" --host 127.0.0.1 --port "$CH_TCP_PORT" "$@"; }
  printf '[bench] building\n' >&2
  dotnet build "$repo/tools/Dashboard.Bench/Dashboard.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  dotnet build "$repo/tools/Dashboard.Migrate/Dashboard.Migrate.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  bench="$repo/artifacts/bin/Dashboard.Bench/release/Dashboard.Bench"
  [ -x "$bench" ] || { printf '[bench] %s was not built\n' "$bench" >&2; exit 1; }
}

# After prepare_bench, with ConnectionStrings__ClickHouse exported (database bench): every migration of sql/ (with
# the migrator given as $2, default this checkout's), then $1 synthetic observations (Dashboard.Bench scorecard
# --load-only), then a wait for background merges, which would compete with the measurements for the same cores.
load_bench_dataset() { # ROWS [MIGRATOR_DLL]
  local repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  printf '[bench] creating database bench with every migration of sql/\n' >&2
  dotnet "${2:-$repo/artifacts/bin/Dashboard.Migrate/release/Dashboard.Migrate.dll}" >&2
  printf '[bench] loading %s observations\n' "$1" >&2
  "$bench" scorecard --rows "$1" --load-only >&2
  for _ in $(seq 1 300); do
    [ "$(ch --query "SELECT count() FROM system.merges")" = 0 ] && break
    sleep 1
  done
}
