#!/usr/bin/env bash
# Installs what the product and its tests need on a fresh Debian machine; does nothing when it is there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "[prerequisites] the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi
"$repo/scripts/clickhouse.sh" install
