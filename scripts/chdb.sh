#!/usr/bin/env bash
# Fetches chDB (the current ClickHouse engine as a shared library) for tests/Dashboard.Compat.Tests and prints
# the path of libchdb.so. Idempotent: nothing is downloaded when the pinned version is already unpacked.
# The npm package carries only the library (no header); the test binds the exported C API of this version.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
version="${CHDB_VERSION:-26.5.3}"
dir="$repo/.local/chdb"
lib="$dir/$version/libchdb.so"

if [ ! -s "$lib" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "[chdb] npm is required to fetch @chdb/lib-linux-x64-gnu (scripts/prerequisites.sh installs it)" >&2
    exit 1
  fi
  echo "[chdb] fetching @chdb/lib-linux-x64-gnu@$version (about 170 MB)" >&2
  mkdir -p "$dir"
  work=$(mktemp -d "$dir/fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack "@chdb/lib-linux-x64-gnu@$version" --silent --loglevel=error >/dev/null)
  tar -xzf "$work"/chdb-lib-linux-x64-gnu-"$version".tgz -C "$work" package/libchdb.so
  mkdir -p "$dir/$version"
  # Moved into place last, so an interrupted fetch never leaves a truncated library behind.
  mv "$work/package/libchdb.so" "$lib.partial"
  mv "$lib.partial" "$lib"
fi
# The test looks here when DASHBOARD_CHDB_LIB is not set.
ln -sfn "$version/libchdb.so" "$dir/libchdb.so"
echo "$lib"
