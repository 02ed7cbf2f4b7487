#!/usr/bin/env bash
# Local ClickHouse lifecycle: install Debian's clickhouse-server when missing, run it on 127.0.0.1 with a
# project-local config and data folder, wait until it answers, stop it cleanly. Idempotent.
#
#   scripts/clickhouse.sh install|start|stop|status|env
#
# Environment (defaults in brackets):
#   CH_DIR        data, config and logs [<repo>/.local/clickhouse]
#   CH_HTTP_PORT  HTTP port [8123]       CH_TCP_PORT  native port, for clickhouse-client [9000]
#   CH_PASSWORD   password of the 'dashboard' user [generated once, kept in $CH_DIR/password, mode 600]
#   CH_READER_PASSWORD  password of the read-only 'dashboard_reader' user [generated once, $CH_DIR/reader-password]
#
# Two users: 'dashboard' writes (migrations, ingestion, audit, snapshots); 'dashboard_reader' serves the
# api's OData reads: read-only (readonly=2: settings may be tightened per query, nothing written) with a
# time and memory limit per query that a request cannot raise.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
CH_DIR=${CH_DIR:-$repo/.local/clickhouse}
CH_HTTP_PORT=${CH_HTTP_PORT:-8123}
CH_TCP_PORT=${CH_TCP_PORT:-9000}
mkdir -p "$CH_DIR"
CH_DIR=$(cd "$CH_DIR" && pwd)

log() { printf '[clickhouse] %s\n' "$*" >&2; }

install() {
  if command -v clickhouse-server >/dev/null 2>&1 && command -v clickhouse-client >/dev/null 2>&1; then
    return 0
  fi
  log "installing clickhouse-server and clickhouse-client (Debian packages)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clickhouse-server clickhouse-client curl >/dev/null
}

reader_password() {
  if [ -n "${CH_READER_PASSWORD:-}" ]; then printf '%s' "$CH_READER_PASSWORD"; return; fi
  if [ ! -s "$CH_DIR/reader-password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$CH_DIR/reader-password")
  fi
  cat "$CH_DIR/reader-password"
}

password() {
  if [ -n "${CH_PASSWORD:-}" ]; then printf '%s' "$CH_PASSWORD"; return; fi
  if [ ! -s "$CH_DIR/password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$CH_DIR/password")
  fi
  cat "$CH_DIR/password"
}

ping() { curl -sf -m 2 "http://127.0.0.1:$CH_HTTP_PORT/ping" >/dev/null 2>&1; }

write_config() {
  local hash reader_hash
  hash=$(printf '%s' "$(password)" | sha256sum | cut -d' ' -f1)
  reader_hash=$(printf '%s' "$(reader_password)" | sha256sum | cut -d' ' -f1)
  mkdir -p "$CH_DIR/data" "$CH_DIR/tmp" "$CH_DIR/log" "$CH_DIR/user_files" "$CH_DIR/format_schemas"
  cat > "$CH_DIR/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$CH_DIR/log/server.log</log>
    <errorlog>$CH_DIR/log/server.err.log</errorlog>
    <size>50M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CH_HTTP_PORT</http_port>
  <tcp_port>$CH_TCP_PORT</tcp_port>
  <path>$CH_DIR/data/</path>
  <tmp_path>$CH_DIR/tmp/</tmp_path>
  <user_files_path>$CH_DIR/user_files/</user_files_path>
  <format_schema_path>$CH_DIR/format_schemas/</format_schema_path>
  <users_config>$CH_DIR/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>536870912</mark_cache_size>
  <uncompressed_cache_size>536870912</uncompressed_cache_size>
  <max_concurrent_queries>200</max_concurrent_queries>
  <keep_alive_timeout>10</keep_alive_timeout>
  <mlock_executable>false</mlock_executable>
  <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>
</yandex>
XML
  # Only the password's SHA-256 is written down; the user can reach the server from loopback only.
  cat > "$CH_DIR/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default><max_memory_usage>8000000000</max_memory_usage><log_queries>1</log_queries></default>
    <readonly><readonly>1</readonly></readonly>
    <reader>
      <readonly>2</readonly>
      <max_execution_time>60</max_execution_time>
      <max_memory_usage>4000000000</max_memory_usage>
      <log_queries>1</log_queries>
    </reader>
  </profiles>
  <users>
    <dashboard>
      <password_sha256_hex>$hash</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </dashboard>
    <dashboard_reader>
      <password_sha256_hex>$reader_hash</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>reader</profile>
      <quota>default</quota>
    </dashboard_reader>
  </users>
  <quotas>
    <default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default>
  </quotas>
</yandex>
XML
  chmod 600 "$CH_DIR/users.xml"
}

start() {
  install
  # Written every time: a running server reloads users.xml by itself, so users added since it started
  # (the read-only user) exist without a restart.
  write_config
  if ping; then
    log "already answering on 127.0.0.1:$CH_HTTP_PORT"
    return 0
  fi
  log "starting on 127.0.0.1:$CH_HTTP_PORT (data in $CH_DIR)"
  # setsid detaches the server from this shell's process group, so it outlives the calling script.
  setsid clickhouse-server --config-file="$CH_DIR/config.xml" \
    >"$CH_DIR/log/stdout.log" 2>&1 < /dev/null &
  for _ in $(seq 1 120); do
    if ping; then
      log "up"
      return 0
    fi
    sleep 0.5
  done
  log "did not answer within 60 s; last log lines:"
  tail -n 20 "$CH_DIR/log/stdout.log" "$CH_DIR/log/server.err.log" 2>/dev/null >&2 || true
  return 1
}

# 18.16 writes no pid file in the foreground: the config path, unique to this folder, finds the process.
server_pid() { pgrep -f -- "--config-file=$CH_DIR/config.xml" | head -n 1 || true; }

stop() {
  local pid
  pid=$(server_pid)
  if [ -z "$pid" ]; then
    log "not running"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { log "stopped"; return 0; }
    sleep 0.5
  done
  log "did not stop within 30 s; killing"
  kill -KILL "$pid" 2>/dev/null || true
}

status() {
  if ping; then echo "up on 127.0.0.1:$CH_HTTP_PORT"; else echo "down"; return 1; fi
}

# Prints the connection string the services and tests use (contains the password: do not log it).
env_line() {
  printf 'Host=127.0.0.1;Port=%s;User=dashboard;Password=%s' "$CH_HTTP_PORT" "$(password)"
}

# The read-only user's connection string (for the api's OData reads).
env_reader_line() {
  printf 'Host=127.0.0.1;Port=%s;User=dashboard_reader;Password=%s' "$CH_HTTP_PORT" "$(reader_password)"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_line ;;
  env-reader) env_reader_line ;;
  *) echo "usage: $0 install|start|stop|status|env|env-reader" >&2; exit 2 ;;
esac
