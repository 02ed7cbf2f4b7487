#!/usr/bin/env bash
# Installs what the product and its tests need on a fresh Debian machine; does nothing when it is there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "[prerequisites] the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi
"$repo/scripts/clickhouse.sh" install
# The clustered jobs tests run Quartz's job store on Debian's postgresql.
"$repo/scripts/postgres.sh" install

# Report tests convert bulletins to PDF (LibreOffice) and render pages (poppler); without a CJK font every
# Chinese character comes out as a box.
missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# Not grep -q: it stops reading at the first match, fc-list dies of SIGPIPE and pipefail called the font missing.
fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || missing+=(fonts-noto-cjk)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[prerequisites] installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Browser tests (tests/Dashboard.Web.Tests) drive Debian's chromium through Playwright (never `playwright install`,
# which needs a download these machines cannot make); Chinese pages need the CJK font for readable screenshots.
browser_missing=()
[ -x /usr/bin/chromium ] || browser_missing+=(chromium)
fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || browser_missing+=(fonts-noto-cjk)
if [ "${#browser_missing[@]}" -gt 0 ]; then
  echo "[prerequisites] installing ${browser_missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${browser_missing[@]}" >/dev/null
fi

# The OData client test (tests/Dashboard.Api.Tests/ODataClient) runs a third-party OData client under node.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "[prerequisites] installing nodejs and npm" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
fi
odata_client="$repo/tests/odata-client"
# Reinstalled when missing or when the lock file changed since the last install (npm ci pins it exactly).
if [ ! -d "$odata_client/node_modules" ] || [ "$odata_client/package-lock.json" -nt "$odata_client/node_modules" ]; then
  echo "[prerequisites] installing the OData client test's npm packages" >&2
  (cd "$odata_client" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$odata_client/node_modules"
fi

# The modern-engine compatibility suite (tests/Dashboard.Compat.Tests) loads chDB, fetched with npm.
"$repo/scripts/chdb.sh" >/dev/null

# tests/Dashboard.Deploy.Tests validate docker-compose.yml with Debian's docker-compose (no Docker engine is
# needed for `docker-compose config`), which brings python3-yaml for reading its output.
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "[prerequisites] installing docker-compose" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
