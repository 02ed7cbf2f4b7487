#!/usr/bin/env bash
# Backs up the platform's data into DIR: every table of the ClickHouse database (MergeTree tables as frozen
# parts, other tables as Native dumps, views as their CREATE statements) and the operational store (SQLite:
# Dashboard.Admin backup-store; PostgreSQL: pg_dump), with a manifest of row counts and checksums per table
# that scripts/restore.sh verifies against. Works on ClickHouse 18.16 and on the current LTS. See
# docs/operations.md.
#
#   scripts/backup.sh DIR
#
# Environment (defaults in brackets; the same names as scripts/clickhouse.sh where they overlap):
#   CH_HOST [127.0.0.1]  CH_HTTP_PORT [8123]  CH_USER [dashboard]  CH_DATABASE [dashboard]
#   CH_PASSWORD          [read from $CH_DIR/password]
#   CH_DIR               [<repo>/.local/clickhouse]   CH_DATA_PATH  the server's <path> [$CH_DIR/data]
#   Security__Store__Provider [Sqlite]  Security__Store__ConnectionString [Data Source=<repo>/.local/security.db]
#   BACKUP_STORE=none    back up ClickHouse only
#   DASHBOARD_ADMIN      Dashboard.Admin.dll [built into artifacts/ when missing]
# The script must see the server's data folder (FREEZE writes the snapshot there): run it on the ClickHouse
# host, or in docker-compose's `backup` service, which mounts ClickHouse's volume.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

log() { printf '[backup] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dest=$1

CH_HOST=${CH_HOST:-127.0.0.1}
CH_HTTP_PORT=${CH_HTTP_PORT:-8123}
CH_USER=${CH_USER:-dashboard}
CH_DATABASE=${CH_DATABASE:-dashboard}
CH_DIR=${CH_DIR:-$repo/.local/clickhouse}
CH_DATA_PATH=${CH_DATA_PATH:-$CH_DIR/data}
store_provider=${Security__Store__Provider:-Sqlite}
store_connection=${Security__Store__ConnectionString:-Data Source=$repo/.local/security.db}

started=$(date +%s.%N)

# The password reaches curl through a private config file, never its command line.
work=$(mktemp -d /tmp/dashboard-backup.XXXXXX)
trap 'rm -rf "$work"' EXIT
password=${CH_PASSWORD:-}
if [ -z "$password" ]; then
  [ -r "$CH_DIR/password" ] || die "no CH_PASSWORD and no $CH_DIR/password"
  password=$(cat "$CH_DIR/password")
fi
escaped=${password//\\/\\\\}; escaped=${escaped//\"/\\\"}
(umask 077; printf 'user = "%s:%s"\n' "$CH_USER" "$escaped" > "$work/curl.cfg")

# q SQL [DATABASE]: one statement over HTTP; a server error fails the script with the server's message.
q() {
  curl -sS --fail-with-body -K "$work/curl.cfg" "http://$CH_HOST:$CH_HTTP_PORT/?database=${2:-$CH_DATABASE}" --data-binary "$1"
}
ident() { printf '`%s`' "${1//\`/\\\`}"; }
literal() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }

# A finished backup is never overwritten; an unfinished one (no COMPLETE marker) is started again.
if [ -e "$dest/COMPLETE" ]; then die "$dest already holds a complete backup; choose a new folder"; fi
if [ -d "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
  log "$dest holds an unfinished backup; starting it again"
  rm -rf "${dest:?}/clickhouse" "${dest:?}/store" "$dest/manifest.tsv" "$dest/backup.info"
fi
mkdir -p "$dest/clickhouse"
dest=$(cd "$dest" && pwd)

version=$(q "SELECT version()" default)
db_literal=$(literal "$CH_DATABASE")
[ "$(q "SELECT count() FROM system.databases WHERE name = $db_literal" default)" = 1 ] || die "database $CH_DATABASE does not exist"
log "ClickHouse $version at $CH_HOST:$CH_HTTP_PORT, database $CH_DATABASE -> $dest"

# stats_sql TABLE ENGINE: the statement whose answer (rows, checksum) the manifest records. The checksum is the
# sum of a 64-bit hash of every row (order-free and, unlike XOR, not cancelled by duplicate rows) over every
# stored column as text: 18.16's cityHash64 takes no Decimal. Engines that collapse rows when parts merge are
# read with FINAL, so a merge after the restore cannot change the answer. The statement itself goes into the
# backup with the table as {table}, so the restore checks with exactly the same expression.
stats_sql() {
  local columns="" name final=""
  while IFS= read -r name; do
    # Each column as text, NULL as \N ('\\N' in SQL), so a NULL and an empty string hash differently.
    columns+="${columns:+, }ifNull(toString($(ident "$name")), '\\\\N')"
  done < <(q "SELECT name FROM system.columns WHERE database = $db_literal AND table = $(literal "$1") AND default_kind != 'ALIAS'
FORMAT TSVRaw" default)
  case "$2" in *Replacing*|*Collapsing*|*Summing*|*Aggregating*) final=" FINAL" ;; esac
  printf 'SELECT count(), sum(cityHash64(%s)) FROM {table}%s\nFORMAT TSV' "$columns" "$final"
}
stats() { # TABLE SQL-WITH-{table}
  q "${2//\{table\}/$(ident "$CH_DATABASE").$(ident "$1")}"
}

printf 'table\tengine\tkind\trows\tchecksum\tparts\n' > "$dest/manifest.tsv"
total_rows=0
while IFS=$'\t' read -r table engine; do
  [ -n "$table" ] || continue
  dir="$dest/clickhouse/$table"
  mkdir -p "$dir"
  q "SHOW CREATE TABLE $(ident "$CH_DATABASE").$(ident "$table")
FORMAT TSVRaw" > "$dir/create.sql"
  case "$engine" in
    View|MaterializedView|LiveView|Distributed|Dictionary)
      # Definitions only: their rows live in (or are computed from) other tables.
      printf '%s\t%s\tdefinition\t0\t0\t0\n' "$table" "$engine" >> "$dest/manifest.tsv"
      continue ;;
  esac
  sql=$(stats_sql "$table" "$engine")
  printf '%s\n' "$sql" > "$dir/stats.sql"
  case "$engine" in
    *MergeTree)
      # FREEZE hard-links every active part into shadow/<n>/ (n from shadow/increment.txt). The manifest is read
      # before and after it: equal answers mean no write landed in between, so the frozen parts hold exactly
      # the rows the manifest records. Otherwise freeze again.
      frozen=""
      for attempt in 1 2 3 4 5; do
        before=$(stats "$table" "$sql")
        q "ALTER TABLE $(ident "$CH_DATABASE").$(ident "$table") FREEZE" >/dev/null
        n=$(cat "$CH_DATA_PATH/shadow/increment.txt")
        after=$(stats "$table" "$sql")
        if [ "$before" = "$after" ]; then frozen="$CH_DATA_PATH/shadow/$n"; break; fi
        log "$table changed while it was frozen (attempt $attempt); freezing again"
        rm -rf "${CH_DATA_PATH:?}/shadow/$n"
      done
      [ -n "$frozen" ] || die "$table kept changing during 5 freezes; pause the writers (jobs) and try again"
      mkdir -p "$dir/parts"
      parts=0
      if [ -d "$frozen" ]; then
        # A part is a folder with checksums.txt; projections (LTS) nest such folders inside a part as *.proj.
        while IFS= read -r part; do
          cp -R "$part" "$dir/parts/"
          parts=$((parts + 1))
        done < <(find "$frozen" -name checksums.txt -not -path '*.proj/*' -printf '%h\n' | sort)
        rm -rf "$frozen"
      fi
      kind=parts ;;
    *)
      # Log, Memory and other small engines: a Native dump read right after the manifest.
      before=$(stats "$table" "$sql")
      q "SELECT * FROM $(ident "$CH_DATABASE").$(ident "$table") FORMAT Native" > "$dir/data.native"
      after=$(stats "$table" "$sql")
      [ "$before" = "$after" ] || die "$table changed while it was dumped; pause the writers and try again"
      parts=0
      kind=native ;;
  esac
  rows=${after%%$'\t'*}
  checksum=${after##*$'\t'}
  total_rows=$((total_rows + rows))
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$table" "$engine" "$kind" "$rows" "$checksum" "$parts" >> "$dest/manifest.tsv"
  log "$table: $rows rows, $parts parts"
done < <(q "SELECT name, engine FROM system.tables WHERE database = $db_literal AND NOT startsWith(name, '.inner') ORDER BY name
FORMAT TSV" default)

# The operational store.
case "$store_provider" in
  none) store_kind=none ;;
  Sqlite|sqlite|SQLite)
    if [ "${BACKUP_STORE:-}" = none ]; then store_kind=none
    else
      admin=${DASHBOARD_ADMIN:-$repo/artifacts/bin/Dashboard.Admin/release/Dashboard.Admin.dll}
      if [ ! -f "$admin" ]; then
        log "building Dashboard.Admin"
        dotnet build "$repo/tools/Dashboard.Admin/Dashboard.Admin.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
      fi
      mkdir -p "$dest/store"
      Security__Store__Provider=Sqlite Security__Store__ConnectionString="$store_connection" \
        dotnet "$admin" backup-store "$dest/store/operational.db" > "$dest/store/manifest.tsv"
      store_kind=sqlite
      log "operational store (SQLite): $(wc -l < "$dest/store/manifest.tsv") tables"
    fi ;;
  PostgreSql|postgresql|Postgres)
    if [ "${BACKUP_STORE:-}" = none ]; then store_kind=none
    else
      command -v pg_dump >/dev/null || die "pg_dump is needed for a PostgreSQL store (Debian: apt-get install postgresql-client)"
      # PG* variables from the Npgsql connection string, unless set already; libpq reads PGPASSWORD itself.
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
      mkdir -p "$dest/store"
      # One consistent snapshot of the whole database: the operational tables and Quartz's job store.
      pg_dump --format=custom --no-owner --file="$dest/store/operational.pgdump"
      # Rows per table as the dump holds them (COPY blocks), for the restore to check against.
      pg_restore --data-only --file=- "$dest/store/operational.pgdump" \
        | awk '/^COPY /{t=$2; n=0; inside=1; next} inside && /^\\\.$/{print "store\t" t "\t" n; inside=0; next} inside{n++}' \
        > "$dest/store/manifest.tsv"
      store_kind=postgresql
      log "operational store (PostgreSQL): $(wc -l < "$dest/store/manifest.tsv") tables"
    fi ;;
  *) die "unknown Security__Store__Provider '$store_provider'" ;;
esac

elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
{
  printf 'created_at\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'clickhouse_version\t%s\n' "$version"
  printf 'database\t%s\n' "$CH_DATABASE"
  printf 'store\t%s\n' "$store_kind"
  printf 'seconds\t%s\n' "$elapsed"
} > "$dest/backup.info"
touch "$dest/COMPLETE"
log "done: $(($(wc -l < "$dest/manifest.tsv") - 1)) tables, $total_rows rows, $(du -sh "$dest" | cut -f1), ${elapsed} s"
