#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into a clean instance: creates the ClickHouse database and its
# tables from their CREATE statements, attaches the frozen parts (ALTER TABLE … ATTACH PART from detached/),
# loads Native dumps, recreates views, restores the operational store, then checks every table against the
# backup's manifest (rows and checksum) and prints how long the restore took. Exits non-zero on any
# difference. See docs/operations.md.
#
#   scripts/restore.sh DIR
#
# Environment: as scripts/backup.sh (CH_HOST, CH_HTTP_PORT, CH_USER, CH_PASSWORD or CH_DIR, CH_DATA_PATH,
# Security__Store__*, DASHBOARD_ADMIN), plus CH_DATABASE [the backup's database]. The target database must
# not hold tables yet, and neither may the operational store: a restore never overwrites data.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

log() { printf '[restore] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
src=$(cd "$1" && pwd)
[ -f "$src/COMPLETE" ] || die "$src is not a complete backup (no COMPLETE marker)"
info() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$src/backup.info"; }

CH_HOST=${CH_HOST:-127.0.0.1}
CH_HTTP_PORT=${CH_HTTP_PORT:-8123}
CH_USER=${CH_USER:-dashboard}
CH_DATABASE=${CH_DATABASE:-$(info database)}
CH_DIR=${CH_DIR:-$repo/.local/clickhouse}
store_provider=${Security__Store__Provider:-Sqlite}
store_connection=${Security__Store__ConnectionString:-Data Source=$repo/.local/security.db}
source_database=$(info database)

started=$(date +%s.%N)

work=$(mktemp -d /tmp/dashboard-restore.XXXXXX)
trap 'rm -rf "$work"' EXIT
password=${CH_PASSWORD:-}
if [ -z "$password" ]; then
  [ -r "$CH_DIR/password" ] || die "no CH_PASSWORD and no $CH_DIR/password"
  password=$(cat "$CH_DIR/password")
fi
escaped=${password//\\/\\\\}; escaped=${escaped//\"/\\\"}
(umask 077; printf 'user = "%s:%s"\n' "$CH_USER" "$escaped" > "$work/curl.cfg")

q() {
  curl -sS --fail-with-body -K "$work/curl.cfg" "http://$CH_HOST:$CH_HTTP_PORT/?database=${2:-$CH_DATABASE}" --data-binary "$1"
}
q_file() { # SQL FILE: the statement in the URL, the file as the body (INSERT … FORMAT Native)
  curl -sS --fail-with-body -K "$work/curl.cfg" -G "http://$CH_HOST:$CH_HTTP_PORT/" \
    --data-urlencode "database=$CH_DATABASE" --data-urlencode "query=$1" -H 'Content-Type: application/octet-stream' \
    --data-binary "@$2" -X POST
}
ident() { printf '`%s`' "${1//\`/\\\`}"; }
literal() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
db=$(ident "$CH_DATABASE")
db_literal=$(literal "$CH_DATABASE")

# create_statement TABLE: the backed-up CREATE, renamed into the target database when it differs.
create_statement() {
  local sql
  sql=$(cat "$src/clickhouse/$1/create.sql")
  if [ "$CH_DATABASE" != "$source_database" ]; then
    for prefix in "CREATE TABLE " "CREATE VIEW " "CREATE MATERIALIZED VIEW " "ATTACH TABLE "; do
      for old in "$source_database." "$(ident "$source_database")."; do
        [[ "$sql" == "$prefix$old"* ]] && sql="$prefix$db.${sql#"$prefix$old"}"
      done
    done
  fi
  printf '%s' "$sql"
}

# The table's data folder as the server sees it: data_paths (LTS: Atomic databases keep data under store/<uuid>)
# or data_path (18.16).
data_path() {
  local column=data_path
  [ "$(q "SELECT count() FROM system.columns WHERE database = 'system' AND table = 'tables' AND name = 'data_paths'" default)" = 1 ] \
    && column="data_paths[1]"
  q "SELECT $column FROM system.tables WHERE database = $db_literal AND name = $(literal "$1")" default
}

version=$(q "SELECT version()" default)
log "ClickHouse $version at $CH_HOST:$CH_HTTP_PORT, database $CH_DATABASE <- $src (made on $(info clickhouse_version), $(info created_at))"
existing=$(q "SELECT count() FROM system.tables WHERE database = $db_literal" default)
[ "$existing" = 0 ] || die "database $CH_DATABASE already holds $existing tables; restore into a clean instance (or another CH_DATABASE)"
q "CREATE DATABASE IF NOT EXISTS $db" default >/dev/null

# Tables first, in any order (none refers to another); definitions (views, Distributed) after, retried until
# each one's dependencies exist.
pending=()
while IFS=$'\t' read -r table engine kind rows checksum parts; do
  [ "$table" = table ] && continue
  if [ "$kind" = definition ]; then pending+=("$table"); continue; fi
  q "$(create_statement "$table")" >/dev/null
  case "$kind" in
    parts)
      if [ "$parts" -gt 0 ]; then
        path=$(data_path "$table")
        [ -n "$path" ] && [ -d "$path" ] || die "cannot see $table's data folder '$path' from here; run the restore on the ClickHouse host"
        mkdir -p "$path/detached"
        cp -R "$src/clickhouse/$table/parts/." "$path/detached/"
        # As root (docker-compose's restore service), hand the parts to the user ClickHouse runs as.
        [ "$(id -u)" = 0 ] && chown -R "$(stat -c %u:%g "$path")" "$path/detached"
        for part in "$src/clickhouse/$table/parts"/*/; do
          part=$(basename "$part")
          q "ALTER TABLE $db.$(ident "$table") ATTACH PART $(literal "$part")" >/dev/null
        done
      fi ;;
    native)
      q_file "INSERT INTO $db.$(ident "$table") FORMAT Native" "$src/clickhouse/$table/data.native" >/dev/null ;;
  esac
  log "$table: $parts parts"
done < "$src/manifest.tsv"
for _ in 1 2 3 4 5; do
  left=()
  for table in "${pending[@]+"${pending[@]}"}"; do
    q "$(create_statement "$table")" >/dev/null 2>"$work/error" || left+=("$table")
  done
  pending=("${left[@]+"${left[@]}"}")
  [ "${#pending[@]}" -eq 0 ] && break
done
[ "${#pending[@]}" -eq 0 ] || die "could not create ${pending[*]}: $(cat "$work/error")"
clickhouse_done=$(date +%s.%N)

# The operational store.
store_kind=$(info store)
case "$store_kind" in
  none) log "the backup holds no operational store" ;;
  sqlite)
    [[ "$store_provider" =~ ^[Ss][Qq][Ll]ite$ ]] || die "the backup holds a SQLite store but Security__Store__Provider is $store_provider"
    admin=${DASHBOARD_ADMIN:-$repo/artifacts/bin/Dashboard.Admin/release/Dashboard.Admin.dll}
    if [ ! -f "$admin" ]; then
      log "building Dashboard.Admin"
      dotnet build "$repo/tools/Dashboard.Admin/Dashboard.Admin.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
    fi
    # restore-store verifies every table (rows and SHA-256) and fails on a difference.
    Security__Store__Provider=Sqlite Security__Store__ConnectionString="$store_connection" \
      dotnet "$admin" restore-store "$src/store/operational.db" > "$work/store.tsv" || { cat "$work/store.tsv" >&2; die "operational store restore failed"; }
    ;;
  postgresql)
    command -v pg_restore >/dev/null || die "pg_restore is needed for a PostgreSQL store (Debian: apt-get install postgresql-client)"
    IFS=';' read -ra pairs <<<"$store_connection"
    for pair in "${pairs[@]}"; do
      key=$(printf '%s' "${pair%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' '); value=${pair#*=}
      case "$key" in
        host|server) export PGHOST=${PGHOST:-$value} ;;
        port) export PGPORT=${PGPORT:-$value} ;;
        database) export PGDATABASE=${PGDATABASE:-$value} ;;
        username|user|userid|"user id") export PGUSER=${PGUSER:-$value} ;;
        password) export PGPASSWORD=${PGPASSWORD:-$value} ;;
      esac
    done
    tables=$(psql -XAtq -c "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")
    [ "$tables" = 0 ] || die "the PostgreSQL database $PGDATABASE already holds $tables tables; restore into a clean one"
    pg_restore --exit-on-error --no-owner --single-transaction --dbname="$PGDATABASE" "$src/store/operational.pgdump"
    : > "$work/store.tsv"
    while IFS=$'\t' read -r _ table expected; do
      actual=$(psql -XAtq -c "SELECT count(*) FROM $table")
      status=ok; [ "$actual" = "$expected" ] || status=MISMATCH
      printf 'store\t%s\t%s\t%s\t%s\n' "$table" "$expected" "$actual" "$status" >> "$work/store.tsv"
    done < "$src/store/manifest.tsv"
    ;;
  *) die "unknown store kind '$store_kind' in backup.info" ;;
esac
finished=$(date +%s.%N)

# Verification, table by table, with the statement the backup recorded.
mismatches=0
printf '%-22s %12s %12s %22s  %s\n' table rows restored checksum status
while IFS=$'\t' read -r table engine kind rows checksum parts; do
  [ "$table" = table ] && continue
  [ "$kind" = definition ] && { printf '%-22s %12s %12s %22s  %s\n' "$table" - - - "recreated ($engine)"; continue; }
  sql=$(cat "$src/clickhouse/$table/stats.sql")
  got=$(q "${sql//\{table\}/$db.$(ident "$table")}")
  got_rows=${got%%$'\t'*}; got_checksum=${got##*$'\t'}
  status=ok
  if [ "$got_rows" != "$rows" ] || [ "$got_checksum" != "$checksum" ]; then status=MISMATCH; mismatches=$((mismatches + 1)); fi
  printf '%-22s %12s %12s %22s  %s\n' "$table" "$rows" "$got_rows" "$got_checksum" "$status"
done < "$src/manifest.tsv"
if [ -s "${work}/store.tsv" ]; then
  while IFS=$'\t' read -r _ table expected actual status; do
    [ "$status" = ok ] || mismatches=$((mismatches + 1))
    printf '%-22s %12s %12s %22s  %s\n' "store:$table" "$expected" "$actual" - "$status"
  done < "$work/store.tsv"
fi

seconds() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }
total_rows=$(awk -F'\t' 'NR > 1 {s += $4} END {print s + 0}' "$src/manifest.tsv")
echo "restore took $(seconds "$started" "$finished") s (ClickHouse $(seconds "$started" "$clickhouse_done") s, operational store $(seconds "$clickhouse_done" "$finished") s) for $total_rows rows, $(du -sh "$src" | cut -f1) backup; verification $(seconds "$finished" "$(date +%s.%N)") s"
if [ "$mismatches" -gt 0 ]; then die "$mismatches table(s) differ from the backup"; fi
log "every table matches the backup"
