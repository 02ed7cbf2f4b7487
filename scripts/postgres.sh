#!/usr/bin/env bash
# Local PostgreSQL lifecycle, for the jobs host's clustered Quartz job store: install Debian's postgresql
# when missing, initdb a project-local cluster, run it on 127.0.0.1 with password authentication, wait
# until it answers, stop it cleanly. Idempotent.
#
#   scripts/postgres.sh install|start|stop|status|env
#
# Environment (defaults in brackets):
#   PG_DIR       data, socket, logs and password [<repo>/.local/postgres]
#   PG_PORT      TCP port on 127.0.0.1 [the port it was first started on, else 5433]
#   PG_PASSWORD  password of the 'dashboard' role [generated once, kept in $PG_DIR/password, mode 600]
#
# PostgreSQL refuses to run as root: when this script runs as root the server runs as the 'postgres'
# system user (the Debian package creates it), which then owns $PG_DIR/data. One role, 'dashboard'
# (the cluster's superuser, scram-sha-256 over TCP), and one database, 'dashboard'.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
PG_DIR=${PG_DIR:-$repo/.local/postgres}
mkdir -p "$PG_DIR"
PG_DIR=$(cd "$PG_DIR" && pwd)
if [ -z "${PG_PORT:-}" ]; then
  PG_PORT=$(cat "$PG_DIR/port" 2>/dev/null || echo 5433)
fi

log() { printf '[postgres] %s\n' "$*" >&2; }

bin_dir() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && echo "/usr/lib/postgresql/$v/bin"
}

install() {
  if bin_dir >/dev/null && command -v psql >/dev/null 2>&1; then return 0; fi
  log "installing postgresql (Debian package)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# Runs a server command as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

password() {
  if [ -n "${PG_PASSWORD:-}" ]; then printf '%s' "$PG_PASSWORD"; return; fi
  if [ ! -s "$PG_DIR/password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$PG_DIR/password")
  fi
  cat "$PG_DIR/password"
}

ready() { "$(bin_dir)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; }

init_cluster() {
  [ -s "$PG_DIR/data/PG_VERSION" ] && return 0
  log "initdb in $PG_DIR/data"
  mkdir -p "$PG_DIR/data" "$PG_DIR/run" "$PG_DIR/log"
  chmod 700 "$PG_DIR/data"
  # The server's user must be able to reach its data folder (a mktemp folder is 700 and root's).
  [ "$(id -u)" -eq 0 ] && chmod 711 "$PG_DIR"
  local pwfile="$PG_DIR/run/initdb.pw"
  (umask 077; password > "$pwfile")
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$PG_DIR/data" "$PG_DIR/run" "$PG_DIR/log" "$pwfile"; fi
  as_owner "$(bin_dir)/initdb" -D "$PG_DIR/data" -U dashboard --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 >"$PG_DIR/log/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; log "initdb failed:"; tail -n 20 "$PG_DIR/log/initdb.log" >&2; return 1; }
  rm -f "$pwfile"
}

start() {
  install
  init_cluster
  if ready; then
    log "already answering on 127.0.0.1:$PG_PORT"
    return 0
  fi
  log "starting on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
  # The socket lives in the cluster's own folder, not /var/run/postgresql (which may not exist or be writable).
  as_owner "$(bin_dir)/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR/run -c max_connections=200" start >/dev/null \
    || { log "did not start; last log lines:"; tail -n 20 "$PG_DIR/log/postgres.log" >&2 || true; return 1; }
  echo "$PG_PORT" > "$PG_DIR/port"
  export PGPASSWORD
  PGPASSWORD=$(password)
  if ! "$(bin_dir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U dashboard -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'dashboard'" | grep -q 1; then
    "$(bin_dir)/createdb" -h 127.0.0.1 -p "$PG_PORT" -U dashboard dashboard
  fi
  log "up"
}

stop() {
  if [ ! -s "$PG_DIR/data/postmaster.pid" ]; then
    log "not running"
    return 0
  fi
  as_owner "$(bin_dir)/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null && log "stopped"
}

status() {
  if ready; then echo "up on 127.0.0.1:$PG_PORT"; else echo "down"; return 1; fi
}

# Prints the Npgsql connection string the jobs host and tests use (contains the password: do not log it).
env_line() {
  printf 'Host=127.0.0.1;Port=%s;Username=dashboard;Password=%s;Database=dashboard' "$PG_PORT" "$(password)"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_line ;;
  *) echo "usage: $0 install|start|stop|status|env" >&2; exit 2 ;;
esac
