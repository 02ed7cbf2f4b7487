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
