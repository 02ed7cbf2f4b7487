# Sourced by scripts that need a PostgreSQL of their own (tests): picks a free port, starts a server in a
# temporary folder with scripts/postgres.sh and stops and removes it when the script exits, after whatever
# EXIT trap was already set (a throwaway ClickHouse's, say). After `start_throwaway_postgres NAME`:
# PG_DIR and PG_PORT are exported.

start_throwaway_postgres() {
  local repo previous port
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  export PG_DIR PG_PORT
  PG_DIR=$(mktemp -d "/tmp/dashboard-$1-pg.XXXXXX")
  while :; do
    port=$(( (RANDOM % 20000) + 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  PG_PORT=$port
  # Chain onto the existing EXIT trap rather than replace it.
  previous=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//" -e "s/'\\\\''/'/g")
  # shellcheck disable=SC2064 # expand now: the trap must stop this server even if the variables change
  trap "PG_DIR=\"$PG_DIR\" PG_PORT=\"$PG_PORT\" \"$repo/scripts/postgres.sh\" stop || true; rm -rf \"$PG_DIR\"; ${previous:-true}" EXIT
  "$repo/scripts/postgres.sh" start
}
